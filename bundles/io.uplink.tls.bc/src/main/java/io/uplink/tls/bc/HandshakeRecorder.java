package io.uplink.tls.bc;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.uplink.tls.HandshakeTrace;
import io.uplink.tls.TraceEvent;
import io.uplink.tls.TraceEvent.Direction;

/**
 * Collects what happens during one TLS session: handshake events (from the protocol's hooks and the client's
 * callbacks, which annotate the message they concern), wire byte counts, and a bounded copy of the bytes for pcap
 * export. Thread-safe.
 */
final class HandshakeRecorder {

    /** Bytes kept per direction for the capture: a full handshake plus the first application exchanges. */
    static final int CAPTURE_LIMIT = 256 * 1024;

    /** One contiguous chunk of bytes in one direction, for the capture. */
    record Chunk(long nanos, boolean sent, byte[] bytes) {
    }

    /** A mutable event until the trace is taken. */
    private static final class Entry {
        final long nanos;
        final Direction direction;
        final String type;
        int size;
        String detail;

        Entry(long nanos, Direction direction, String type, int size, String detail) {
            this.nanos = nanos;
            this.direction = direction;
            this.type = type;
            this.size = size;
            this.detail = detail;
        }
    }

    private final long start = System.nanoTime();
    private final List<Entry> entries = new ArrayList<>();
    private final List<Chunk> chunks = new ArrayList<>();
    /** Annotations for messages not yet seen (a callback may explain a message before it is queued). */
    private final java.util.Map<String, String> pending = new java.util.HashMap<>();
    private long sentTotal;
    private long receivedTotal;
    private long receivedUnattributed;
    private long sentAttributed;
    private long capturedSent;
    private long capturedReceived;

    /** A message this side queued: {@code size} is the record bytes it produced, when known. */
    synchronized void sent(String type, int size, String detail) {
        entries.add(new Entry(now(), Direction.SENT, type, size, withPending(type, detail)));
        sentAttributed += size;
    }

    /** A message received: it carries the wire bytes read since the previous received event. */
    synchronized void received(String type, String detail) {
        int size = (int) receivedUnattributed;
        receivedUnattributed = 0;
        entries.add(new Entry(now(), Direction.RECEIVED, type, size, withPending(type, detail)));
    }

    private String withPending(String type, String detail) {
        String early = pending.remove(type);
        if (early == null) {
            return detail;
        }
        return detail.isEmpty() ? early : early + "; " + detail;
    }

    /** Adds to the detail of the latest event of this type (callbacks explain what a message meant). */
    synchronized void annotate(String type, String text) {
        for (int i = entries.size() - 1; i >= 0; i--) {
            Entry e = entries.get(i);
            if (e.type.equals(type)) {
                e.detail = e.detail.isEmpty() ? text : e.detail + "; " + text;
                return;
            }
        }
        pending.merge(type, text, (a, b) -> a + "; " + b);
    }

    /** For a message about to be sent: the annotation waits for it even if one of that type happened before. */
    synchronized void annotateNext(String type, String text) {
        pending.merge(type, text, (a, b) -> a + "; " + b);
    }

    synchronized boolean has(String type) {
        return entries.stream().anyMatch(e -> e.type.equals(type));
    }

    synchronized void wrote(byte[] b, int off, int len) {
        sentTotal += len;
        long unattributed = sentTotal - sentAttributed;
        if (unattributed > 0) {
            // Bytes no send hook accounted for (an alert, a record split): they belong to the latest sent event.
            for (int i = entries.size() - 1; i >= 0; i--) {
                if (entries.get(i).direction == Direction.SENT) {
                    entries.get(i).size += (int) unattributed;
                    sentAttributed += unattributed;
                    break;
                }
            }
        }
        if (capturedSent < CAPTURE_LIMIT) {
            int n = (int) Math.min(len, CAPTURE_LIMIT - capturedSent);
            capturedSent += n;
            chunks.add(new Chunk(now(), true, java.util.Arrays.copyOfRange(b, off, off + n)));
        }
    }

    synchronized void read(byte[] b, int off, int len) {
        receivedTotal += len;
        receivedUnattributed += len;
        if (capturedReceived < CAPTURE_LIMIT) {
            int n = (int) Math.min(len, CAPTURE_LIMIT - capturedReceived);
            capturedReceived += n;
            chunks.add(new Chunk(now(), false, java.util.Arrays.copyOfRange(b, off, off + n)));
        }
    }

    synchronized long sentTotal() {
        return sentTotal;
    }

    synchronized long receivedTotal() {
        return receivedTotal;
    }

    synchronized HandshakeTrace trace() {
        List<TraceEvent> events = new ArrayList<>();
        for (Entry e : entries) {
            events.add(new TraceEvent(Duration.ofNanos(e.nanos), e.direction, e.type, e.size, e.detail));
        }
        return new HandshakeTrace(events);
    }

    /** The capture as pcap bytes. */
    byte[] pcap(int serverPort) {
        List<Chunk> copy;
        synchronized (this) {
            copy = List.copyOf(chunks);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            PcapWriter.write(out, copy, serverPort);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("writing to memory failed", e);
        }
        return out.toByteArray();
    }

    private long now() {
        return System.nanoTime() - start;
    }
}
