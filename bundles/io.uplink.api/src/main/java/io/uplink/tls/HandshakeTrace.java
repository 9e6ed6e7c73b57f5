package io.uplink.tls;

import java.util.List;

/**
 * The handshake as it happened: every message and alert in both directions, in order.
 *
 * @param events the events, in order
 * @since 1.0
 */
public record HandshakeTrace(List<TraceEvent> events) {

    public HandshakeTrace {
        events = List.copyOf(events);
    }

    /** Total handshake bytes sent by the client. */
    public long bytesSent() {
        return events.stream().filter(e -> e.direction() == TraceEvent.Direction.SENT).mapToLong(TraceEvent::size)
                .sum();
    }

    /** Total handshake bytes received from the server. */
    public long bytesReceived() {
        return events.stream().filter(e -> e.direction() == TraceEvent.Direction.RECEIVED)
                .mapToLong(TraceEvent::size).sum();
    }
}
