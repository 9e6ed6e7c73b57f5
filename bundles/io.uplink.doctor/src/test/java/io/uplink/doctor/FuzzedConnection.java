package io.uplink.doctor;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.time.Duration;

import io.uplink.transport.Connection;

/**
 * A peer for the fuzz targets: what it sends is the fuzzer's bytes, then it closes or goes silent (a read timeout);
 * what it is sent is discarded. Counts the bytes read, so a target can check that a reader stops where it should.
 */
final class FuzzedConnection implements Connection {

    private final InputStream input;
    private final OutputStream output = OutputStream.nullOutputStream();
    private Duration readTimeout = Duration.ZERO;
    private boolean open = true;
    int read;

    FuzzedConnection(byte[] peer, boolean silentAtEnd) {
        ByteArrayInputStream bytes = new ByteArrayInputStream(peer);
        this.input = new InputStream() {
            @Override
            public int read() throws IOException {
                int b = bytes.read();
                if (b < 0 && silentAtEnd) {
                    throw new SocketTimeoutException("Read timed out");
                }
                FuzzedConnection.this.read += b < 0 ? 0 : 1;
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return 0;
                }
                int n = bytes.read(b, off, len);
                if (n < 0 && silentAtEnd) {
                    throw new SocketTimeoutException("Read timed out");
                }
                FuzzedConnection.this.read += Math.max(0, n);
                return n;
            }
        };
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
        readTimeout = timeout;
    }

    @Override
    public Duration readTimeout() {
        return readTimeout;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public String remote() {
        return "192.0.2.1:8883";
    }

    @Override
    public void close() {
        open = false;
    }
}
