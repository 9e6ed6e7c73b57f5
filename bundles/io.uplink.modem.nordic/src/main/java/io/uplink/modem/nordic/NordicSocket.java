package io.uplink.modem.nordic;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.time.Duration;

import io.uplink.modem.ModemException;
import io.uplink.transport.Connection;

/**
 * One connection through a Serial LTE Modem socket, plain TCP or the modem's TLS. The SLM tells nothing when data
 * arrives (there is no receive URC for #XSOCKET sockets), so a reader polls with a non-blocking {@code AT#XRECV}:
 * at once after each send (an answer is likely), then backing off from 10 ms to 200 ms while nothing comes. A peer's
 * orderly close (an empty {@code AT#XRECV}) ends reads with a {@link ModemException}: an MQTT or TLS peer never closes
 * a healthy session, so the caller must hear it loud, not as a quiet end of stream.
 *
 * <p>Threads: one reader and one writer at a time, as with any socket; the state below is guarded by {@link #lock}.
 */
final class NordicSocket implements Connection {

    private static final long MIN_POLL_MILLIS = 10;
    private static final long MAX_POLL_MILLIS = 200;

    final int handle;
    private final NordicSockets sockets;
    private final String remote;
    private final String kind;
    private final Object lock = new Object();
    private byte[] buffer = new byte[0];
    private int pos;
    private boolean closed;
    private boolean peerClosed;
    private String failure;
    private long bytesSent;
    private long bytesReceived;
    private long pollMillis = MIN_POLL_MILLIS;
    private volatile Duration readTimeout = Duration.ZERO;
    private final InputStream input = new SocketInput();
    private final OutputStream output = new SocketOutput();

    NordicSocket(int handle, NordicSockets sockets, String remote, String kind) {
        this.handle = handle;
        this.sockets = sockets;
        this.remote = remote;
        this.kind = kind;
    }

    /** The socket is gone (the modem went offline, detached, or its channel failed). */
    void fail(String why) {
        synchronized (lock) {
            if (failure == null) {
                failure = why;
            }
            lock.notifyAll();
        }
    }

    private final class SocketInput extends InputStream {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            long deadline = readTimeout.isZero() ? Long.MAX_VALUE : System.nanoTime() + readTimeout.toNanos();
            while (true) {
                synchronized (lock) {
                    if (pos < buffer.length) {
                        int n = Math.min(len, buffer.length - pos);
                        System.arraycopy(buffer, pos, b, off, n);
                        pos += n;
                        return n;
                    }
                    checkUsable();
                }
                byte[] got;
                try {
                    got = sockets.receive(NordicSocket.this);
                } catch (ModemException e) {
                    fail("The AT channel failed while reading " + kind + " socket " + handle + ": " + e.getMessage());
                    throw e;
                }
                synchronized (lock) {
                    if (got == null) {
                        peerClosed = true;
                        continue;
                    }
                    if (got.length > 0) {
                        buffer = got;
                        pos = 0;
                        bytesReceived += got.length;
                        pollMillis = MIN_POLL_MILLIS;
                        continue;
                    }
                    long left = deadline == Long.MAX_VALUE ? Long.MAX_VALUE : (deadline - System.nanoTime()) / 1_000_000;
                    if (left <= 0) {
                        throw new SocketTimeoutException("no data from " + remote + " within " + readTimeout.toMillis()
                                + " ms");
                    }
                    waitLock(Math.min(pollMillis, left));
                    pollMillis = Math.min(MAX_POLL_MILLIS, pollMillis * 2);
                }
            }
        }

        @Override
        public int available() {
            synchronized (lock) {
                return buffer.length - pos;
            }
        }
    }

    /** Holds {@link #lock}. */
    private void checkUsable() throws IOException {
        if (closed) {
            throw new IOException(kind + " socket " + handle + " to " + remote + " is closed");
        }
        if (failure != null) {
            throw new ModemException(failure, "", String.valueOf(handle), "Reconnect; the transport opens a new "
                    + "socket when the modem is back.");
        }
        if (peerClosed) {
            throw new ModemException("The server or the network closed the " + kind + " connection to " + remote
                    + " (AT#XRECV: no data, end of stream) after " + bytesSent + " bytes sent and " + bytesReceived
                    + " received.", "OK", "closed", "Reconnect. If it happens at the same point every time (e.g. "
                            + "right after CONNECT), run the doctor: the server may be refusing the client.");
        }
    }

    private final class SocketOutput extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            write(new byte[] { (byte) b }, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return;
            }
            synchronized (lock) {
                checkUsable();
            }
            try {
                sockets.send(NordicSocket.this, b, off, len);
            } catch (ModemException e) {
                fail("Sending to " + remote + " failed: " + e.getMessage());
                throw e;
            }
            synchronized (lock) {
                bytesSent += len;
                pollMillis = MIN_POLL_MILLIS; // an answer is likely now: poll at once
                lock.notifyAll();
            }
        }
    }

    private void waitLock(long millis) throws java.io.InterruptedIOException {
        try {
            lock.wait(Math.max(1, millis));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted");
        }
    }

    @Override
    public InputStream input() {
        return input;
    }

    @Override
    public OutputStream output() {
        return output;
    }

    @Override
    public void setReadTimeout(Duration timeout) {
        if (timeout == null || timeout.isNegative()) {
            throw new IllegalArgumentException("read timeout must be zero (none) or positive");
        }
        readTimeout = timeout;
    }

    @Override
    public Duration readTimeout() {
        return readTimeout;
    }

    @Override
    public boolean isOpen() {
        synchronized (lock) {
            return !closed && !peerClosed && failure == null;
        }
    }

    @Override
    public String remote() {
        return remote;
    }

    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            lock.notifyAll();
        }
        sockets.close(this);
    }

    @Override
    public String toString() {
        return "NordicSocket[" + kind + " " + handle + " -> " + remote + "]";
    }
}
