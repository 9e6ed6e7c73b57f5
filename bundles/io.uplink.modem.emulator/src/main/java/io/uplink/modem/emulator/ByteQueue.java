package io.uplink.modem.emulator;

import java.io.IOException;
import java.io.InterruptedIOException;

/**
 * A bounded byte queue for one direction of a virtual serial line: writers block while it is full, readers while it
 * is empty; closing wakes both. Each write is paced to the line's baud rate (10 bit times per byte: start, 8 data,
 * stop), so a 1 MiB transfer at 115200 baud takes ~91 s as on a real UART.
 */
final class ByteQueue {

    private final byte[] buffer;
    private final int baud;
    private int head;
    private int size;
    private boolean closed;
    /** When the line is free again (nanoTime), for pacing. */
    private long lineFreeAt = System.nanoTime();

    ByteQueue(int capacity, int baud) {
        this.buffer = new byte[capacity];
        this.baud = baud;
    }

    void write(byte[] b, int off, int len) throws IOException {
        pace(len);
        synchronized (this) {
            int done = 0;
            while (done < len) {
                while (size == buffer.length && !closed) {
                    waitHere();
                }
                if (closed) {
                    throw new IOException("serial line closed");
                }
                int n = Math.min(len - done, buffer.length - size);
                for (int i = 0; i < n; i++) {
                    buffer[(head + size + i) % buffer.length] = b[off + done + i];
                }
                size += n;
                done += n;
                notifyAll();
            }
        }
    }

    /** Sleeps until the line has clocked out the previous bytes plus these. */
    private void pace(int len) throws InterruptedIOException {
        if (baud <= 0) {
            return;
        }
        long bitsNanos = len * 10L * 1_000_000_000L / baud;
        long now = System.nanoTime();
        long start;
        synchronized (this) {
            start = Math.max(now, lineFreeAt);
            lineFreeAt = start + bitsNanos;
        }
        long wait = start + bitsNanos - now;
        if (wait > 1_000_000) {
            try {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while sending");
            }
        }
    }

    synchronized int read(byte[] b, int off, int len) throws IOException {
        while (size == 0 && !closed) {
            waitHere();
        }
        if (size == 0) {
            return -1;
        }
        int n = Math.min(len, size);
        for (int i = 0; i < n; i++) {
            b[off + i] = buffer[(head + i) % buffer.length];
        }
        head = (head + n) % buffer.length;
        size -= n;
        notifyAll();
        return n;
    }

    synchronized void close() {
        closed = true;
        notifyAll();
    }

    private void waitHere() throws InterruptedIOException {
        try {
            wait();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted");
        }
    }
}
