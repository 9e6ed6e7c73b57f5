package io.uplink.cloud.mqtt;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;

import io.uplink.transport.Connection;

/**
 * A connection that adds every byte read and written to an endpoint's counters: the figures behind
 * {@link io.uplink.cloud.CloudConnection#traffic()}. Wraps the TCP connection under the host's TLS (so TLS records and
 * handshakes count), or the modem's TLS connection (where only the data is visible).
 */
final class CountingConnection implements Connection {

    /** An endpoint's totals, shared by all its connections. */
    static final class Counters {
        final LongAdder sent = new LongAdder();
        final LongAdder received = new LongAdder();
    }

    private final Connection inner;
    private final Counters counters;
    private InputStream counted;
    private OutputStream counting;

    CountingConnection(Connection inner, Counters counters) {
        this.inner = inner;
        this.counters = counters;
    }

    @Override
    public synchronized InputStream input() throws IOException {
        if (counted == null) {
            counted = new FilterInputStream(inner.input()) {
                @Override
                public int read() throws IOException {
                    int b = super.read();
                    if (b >= 0) {
                        counters.received.increment();
                    }
                    return b;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    int n = super.read(b, off, len);
                    if (n > 0) {
                        counters.received.add(n);
                    }
                    return n;
                }

                @Override
                public long skip(long n) throws IOException {
                    long skipped = super.skip(n);
                    counters.received.add(Math.max(0, skipped));
                    return skipped;
                }
            };
        }
        return counted;
    }

    @Override
    public synchronized OutputStream output() throws IOException {
        if (counting == null) {
            counting = new FilterOutputStream(inner.output()) {
                @Override
                public void write(int b) throws IOException {
                    out.write(b);
                    counters.sent.increment();
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len); // FilterOutputStream's own would write byte by byte
                    counters.sent.add(len);
                }
            };
        }
        return counting;
    }

    @Override
    public void setReadTimeout(Duration timeout) throws IOException {
        inner.setReadTimeout(timeout);
    }

    @Override
    public Duration readTimeout() {
        return inner.readTimeout();
    }

    @Override
    public boolean isOpen() {
        return inner.isOpen();
    }

    @Override
    public String remote() {
        return inner.remote();
    }

    @Override
    public void close() throws IOException {
        inner.close();
    }
}
