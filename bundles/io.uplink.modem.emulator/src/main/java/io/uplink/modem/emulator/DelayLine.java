package io.uplink.modem.emulator;

import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.Random;
import java.util.function.LongSupplier;

/**
 * One direction of the cellular path as a delay line: bytes put at time t come out at t + latency, after the bytes
 * before them, plus their serialisation time at the link's bandwidth and one retransmission timeout when the loss
 * model drops them. Bytes written back to back (a TLS flight) therefore share one latency, as on a real link; a
 * handshake costs one latency per flight, not per record or per byte.
 *
 * <p>Threads: any thread may put or take; all state is guarded by the monitor given at construction, which is
 * notified on every change so a connection can wait for its line and other events on one monitor.
 */
final class DelayLine {

    private record Chunk(byte[] data, long dueNanos) {
    }

    private final LinkModel link;
    private final Random random;
    private final Object monitor;
    private final LongSupplier clock;
    private final int capacity;
    private final ArrayDeque<Chunk> chunks = new ArrayDeque<>();
    private int bytes;
    private long lastDue = Long.MIN_VALUE;
    private boolean closed;

    DelayLine(LinkModel link, Random random, Object monitor, int capacity, LongSupplier clock) {
        this.link = link;
        this.random = random;
        this.monitor = monitor;
        this.capacity = capacity;
        this.clock = clock;
    }

    /** Queues bytes for delivery after the link's delay; blocks while the line holds {@code capacity} bytes. */
    void put(byte[] data, int off, int len) throws InterruptedIOException {
        if (len == 0) {
            return;
        }
        synchronized (monitor) {
            while (bytes > 0 && bytes + len > capacity && !closed) {
                waitMonitor(0);
            }
            if (closed) {
                return;
            }
            long now = clock.getAsLong();
            long due = now + link.latencyMillis() * 1_000_000L;
            if (lastDue != Long.MIN_VALUE && lastDue > due) {
                due = lastDue; // in order behind what is already on the way
            }
            if (link.bandwidthBytesPerSecond() > 0) {
                due += len * 1_000_000_000L / link.bandwidthBytesPerSecond();
            }
            if (link.lossPercent() > 0 && random.nextInt(100) < link.lossPercent()) {
                due += Math.max(200, 3L * link.latencyMillis()) * 1_000_000L; // one retransmission timeout
            }
            lastDue = due;
            byte[] copy = new byte[len];
            System.arraycopy(data, off, copy, 0, len);
            chunks.add(new Chunk(copy, due));
            bytes += len;
            monitor.notifyAll();
        }
    }

    /** The bytes whose time has come, in order; empty when none is due. Never blocks. */
    byte[] pollDue() {
        synchronized (monitor) {
            long now = clock.getAsLong();
            int n = 0;
            for (Chunk c : chunks) {
                if (c.dueNanos - now > 0) {
                    break;
                }
                n += c.data.length;
            }
            byte[] out = new byte[n];
            int at = 0;
            while (at < n) {
                Chunk c = chunks.poll();
                System.arraycopy(c.data, 0, out, at, c.data.length);
                at += c.data.length;
            }
            bytes -= n;
            if (n > 0) {
                monitor.notifyAll();
            }
            return out;
        }
    }

    /** Waits until bytes are due and returns them; null once the line is closed and empty. */
    byte[] take() throws InterruptedIOException {
        synchronized (monitor) {
            while (true) {
                byte[] due = pollDue();
                if (due.length > 0) {
                    return due;
                }
                if (chunks.isEmpty()) {
                    if (closed) {
                        return null;
                    }
                    waitMonitor(0);
                } else {
                    waitMonitor(Math.max(1, (chunks.peek().dueNanos - clock.getAsLong()) / 1_000_000));
                }
            }
        }
    }

    /** Nanos until the next chunk is due (0 if one is due now), or -1 when the line is empty. */
    long nanosToNext() {
        synchronized (monitor) {
            Chunk c = chunks.peek();
            return c == null ? -1 : Math.max(0, c.dueNanos - clock.getAsLong());
        }
    }

    /** No more bytes will be put; what is on the way is still delivered. */
    void close() {
        synchronized (monitor) {
            closed = true;
            monitor.notifyAll();
        }
    }

    /** Closed and nothing left to deliver. */
    boolean drained() {
        synchronized (monitor) {
            return closed && chunks.isEmpty();
        }
    }

    private void waitMonitor(long millis) throws InterruptedIOException {
        try {
            monitor.wait(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("cellular link interrupted");
        }
    }
}
