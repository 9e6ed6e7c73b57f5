package io.uplink.tls;

import java.time.Duration;
import java.util.Objects;

/**
 * One handshake message or alert.
 *
 * @param offset time since the handshake started
 * @param direction who sent it
 * @param type message type, e.g. {@code ClientHello}, {@code Certificate}, {@code Alert}
 * @param size bytes on the wire for it, record framing and encryption included; when several messages arrive in one
 *        record, the first carries the record's bytes and the others 0, so the sizes add up to the wire total
 * @param detail decoded meaning in plain words (suites offered, subjects, alert description)
 * @since 1.0
 */
public record TraceEvent(Duration offset, Direction direction, String type, int size, String detail) {

    /** Which side sent the message. */
    public enum Direction {
        SENT, RECEIVED
    }

    public TraceEvent {
        Objects.requireNonNull(offset, "offset");
        Objects.requireNonNull(direction, "direction");
        Objects.requireNonNull(type, "type");
        detail = Objects.requireNonNullElse(detail, "");
    }
}
