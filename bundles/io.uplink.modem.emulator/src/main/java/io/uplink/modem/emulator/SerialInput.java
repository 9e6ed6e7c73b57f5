package io.uplink.modem.emulator;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The emulator thread's inbox: bytes from the serial line and tasks posted by other threads (socket events, TLS
 * results, calls from tests), in one place so the emulator thread can wait for either with a deadline.
 *
 * <p>Threads: a pump thread ({@code emulated-bg95-rx}) only copies bytes from the port into a bounded ring (it blocks
 * when the ring is full, which back-pressures the line as a real UART FIFO does); any thread may {@link #post} a task;
 * only the emulator thread reads. All fields are guarded by {@code this}.
 */
final class SerialInput {

    /** {@link #read} results that are not bytes. */
    static final int EOF = -1;
    static final int TIMEOUT = -2;
    static final int TASK = -3;
    /** A deadline that never comes. */
    static final long NO_DEADLINE = Long.MAX_VALUE;

    private final byte[] ring = new byte[4096];
    private final Deque<Runnable> tasks = new ArrayDeque<>();
    private int head;
    private int size;
    private boolean eof;
    /** When the last byte arrived (nanoTime): the +++ escape needs guard times of silence. */
    private long lastByteNanos = System.nanoTime();

    SerialInput(InputStream in, String name) {
        Thread pump = new Thread(() -> pump(in), name + "-rx");
        pump.setDaemon(true);
        pump.start();
    }

    private void pump(InputStream in) {
        byte[] chunk = new byte[512];
        try {
            while (true) {
                int room;
                synchronized (this) {
                    while (size == ring.length && !eof) {
                        wait();
                    }
                    if (eof) {
                        return;
                    }
                    room = ring.length - size;
                }
                int n = in.read(chunk, 0, Math.min(room, chunk.length));
                if (n < 0) {
                    break;
                }
                synchronized (this) {
                    for (int i = 0; i < n; i++) {
                        ring[(head + size + i) % ring.length] = chunk[i];
                    }
                    size += n;
                    lastByteNanos = System.nanoTime();
                    notifyAll();
                }
            }
        } catch (IOException | InterruptedException e) {
            // the line closed or the emulator stops: both end the input
        }
        synchronized (this) {
            eof = true;
            notifyAll();
        }
    }

    /** Hands a task to the emulator thread; it runs between commands (never inside a data phase). */
    synchronized void post(Runnable task) {
        tasks.add(task);
        notifyAll();
    }

    /** The next posted task, or null. */
    synchronized Runnable pollTask() {
        return tasks.poll();
    }

    /**
     * The next byte (0-255), or {@link #EOF}, {@link #TIMEOUT} once {@code deadlineNanos} (System.nanoTime) passed,
     * or {@link #TASK} when {@code acceptTasks} and a task waits (fetch it with {@link #pollTask}).
     */
    synchronized int read(long deadlineNanos, boolean acceptTasks) throws IOException {
        while (size == 0) {
            if (acceptTasks && !tasks.isEmpty()) {
                return TASK;
            }
            if (eof) {
                return EOF;
            }
            long left = deadlineNanos == NO_DEADLINE ? 0 : deadlineNanos - System.nanoTime();
            if (deadlineNanos != NO_DEADLINE && left <= 0) {
                return TIMEOUT;
            }
            try {
                wait(deadlineNanos == NO_DEADLINE ? 0 : Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("emulator interrupted");
            }
        }
        int b = ring[head] & 0xFF;
        head = (head + 1) % ring.length;
        size--;
        notifyAll();
        return b;
    }

    /** Waits for the next byte without a deadline and without tasks; EOF as -1. */
    int read() throws IOException {
        return read(NO_DEADLINE, false);
    }

    /** Nanos since the last byte arrived, with none pending (0 when bytes are waiting). */
    synchronized long silenceNanos() {
        return size > 0 ? 0 : System.nanoTime() - lastByteNanos;
    }

    synchronized void close() {
        eof = true;
        notifyAll();
    }
}
