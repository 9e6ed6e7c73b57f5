package io.uplink.ota.download;

import java.util.function.LongSupplier;

/**
 * Paces a download to at most a number of bytes a second, for metered links: after each read, {@link #acquire}
 * waits until the schedule (start + bytes so far / rate) has caught up before the next read. The download
 * reads no faster, so TCP's flow control slows the server too; only the first receive window arrives unpaced.
 * After a stall (a slow server, a link drop) at most {@value #BURST_NANOS} ns of bytes may follow at full speed,
 * never the whole stall's worth.
 *
 * <p>The clock and the sleep are injected, so the pacing decisions are tested without waiting. One download's
 * thread only.
 */
public final class BandwidthCap {

    /** Sleeps for a number of nanoseconds. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(long nanos) throws InterruptedException;
    }

    static final long BURST_NANOS = 1_000_000_000L;
    private static final long NANOS = 1_000_000_000L;

    private final long bytesPerSecond;
    private final LongSupplier clock;
    private final Sleeper sleeper;
    private long start;
    private long bytes;
    private boolean started;

    /** @param bytesPerSecond the cap; 0 or less for none */
    public BandwidthCap(long bytesPerSecond, LongSupplier clock, Sleeper sleeper) {
        this.bytesPerSecond = bytesPerSecond;
        this.clock = clock;
        this.sleeper = sleeper;
    }

    /** No cap, the system clock. */
    public static BandwidthCap none() {
        return new BandwidthCap(0, System::nanoTime, n -> { });
    }

    /** The cap with the system clock and {@link Thread#sleep}. */
    public static BandwidthCap of(long bytesPerSecond) {
        return new BandwidthCap(bytesPerSecond, System::nanoTime,
                n -> Thread.sleep(n / 1_000_000, (int) (n % 1_000_000)));
    }

    public boolean limited() {
        return bytesPerSecond > 0;
    }

    public long bytesPerSecond() {
        return bytesPerSecond;
    }

    /** How many bytes to ask the connection for at once: about an eighth of a second's worth, 512 B to {@code max}. */
    int chunk(int max) {
        return limited() ? (int) Math.max(512, Math.min(max, bytesPerSecond / 8)) : max;
    }

    /** Counts {@code n} bytes just read and waits until they fit the cap. */
    public void acquire(int n) throws InterruptedException {
        if (!limited()) {
            return;
        }
        long now = clock.getAsLong();
        if (!started) {
            started = true;
            start = now;
        }
        long due = start + scheduled(bytes);
        if (now - due > BURST_NANOS) {
            // behind schedule by more than the burst allowed: move the schedule, do not let the backlog through
            start += now - due - BURST_NANOS;
        }
        bytes += n;
        long wait = start + scheduled(bytes) - now;
        if (wait > 0) {
            sleeper.sleep(wait);
        }
    }

    private long scheduled(long count) {
        return count / bytesPerSecond * NANOS + count % bytesPerSecond * NANOS / bytesPerSecond;
    }
}
