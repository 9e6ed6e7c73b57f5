package io.uplink.tls.bc;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;

import io.uplink.tls.HandshakeTrace;
import io.uplink.tls.TlsSession;
import io.uplink.transport.Connection;

/**
 * A TLS session driven in Bouncy Castle's non-blocking mode over a {@link Connection}: this class does all the I/O,
 * so a read timeout ({@link SocketTimeoutException}, as Paho's 1-second polls expect) never disturbs the TLS state,
 * and every byte passes through the recorder. One reader and one writer may work concurrently.
 */
final class BcTlsSession implements TlsSession {

    private static final int READ_BUFFER = 16 * 1024 + 2048;

    private final Connection connection;
    private final TracingClientProtocol protocol;
    private final UplinkTlsClient client;
    private final HandshakeRecorder recorder;
    private final int port;
    private final String remote;
    private final InputStream rawIn;
    private final OutputStream rawOut;
    private final Object protocolLock = new Object();
    private final Object readLock = new Object();
    private final Object writeLock = new Object();
    private final byte[] readBuffer = new byte[READ_BUFFER];
    private volatile Duration readTimeout = Duration.ZERO;
    private volatile boolean closed;
    private final InputStream input = new SessionInput();
    private final OutputStream output = new SessionOutput();

    BcTlsSession(Connection connection, TracingClientProtocol protocol, UplinkTlsClient client,
            HandshakeRecorder recorder, int port) throws IOException {
        this.connection = connection;
        this.protocol = protocol;
        this.client = client;
        this.recorder = recorder;
        this.port = port;
        this.remote = connection.remote();
        this.rawIn = connection.input();
        this.rawOut = connection.output();
    }

    /** Runs the handshake until complete, or throws; the deadline bounds every read. */
    void handshake(long deadlineNanos) throws IOException {
        Duration previous = connection.readTimeout();
        synchronized (protocolLock) {
            protocol.connect(client);
        }
        flushOutput();
        while (!client.handshakeComplete()) {
            long remaining = deadlineNanos - System.nanoTime();
            if (remaining <= 0) {
                throw new SocketTimeoutException("TLS handshake deadline passed");
            }
            connection.setReadTimeout(Duration.ofNanos(Math.max(1_000_000, remaining)));
            int n = rawIn.read(readBuffer);
            if (n < 0) {
                throw new java.io.EOFException("the server closed the connection during the handshake");
            }
            if (recorder.receivedTotal() == 0) {
                NotTlsException notTls = NotTlsException.check(readBuffer, n);
                if (notTls != null) {
                    recorder.read(readBuffer, 0, n);
                    throw notTls;
                }
            }
            offer(n);
        }
        connection.setReadTimeout(previous);
    }

    private void offer(int n) throws IOException {
        recorder.read(readBuffer, 0, n);
        try {
            synchronized (protocolLock) {
                protocol.offerInput(readBuffer, 0, n);
            }
        } catch (org.bouncycastle.tls.TlsFatalAlertReceived e) {
            if (client.handshakeComplete()) {
                // TLS 1.3: the server judges the client certificate after the client's Finished, so a refusal
                // arrives on the first read. Explain it as the handshake failure it is.
                throw FailureClassifier.classify(e, client, recorder, remote, port, false);
            }
            throw e;
        } finally {
            flushOutput();
        }
    }

    private void flushOutput() throws IOException {
        synchronized (writeLock) {
            byte[] out;
            synchronized (protocolLock) {
                int available = protocol.getAvailableOutputBytes();
                if (available == 0) {
                    return;
                }
                out = new byte[available];
                protocol.readOutput(out, 0, available);
            }
            rawOut.write(out);
            rawOut.flush();
            recorder.wrote(out, 0, out.length);
        }
    }

    private final class SessionInput extends InputStream {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            synchronized (readLock) {
                while (true) {
                    synchronized (protocolLock) {
                        if (protocol.getAvailableInputBytes() > 0) {
                            return protocol.readInput(b, off, len);
                        }
                        if (protocol.isClosed()) {
                            return -1;
                        }
                    }
                    if (closed) {
                        return -1;
                    }
                    connection.setReadTimeout(readTimeout);
                    int n = rawIn.read(readBuffer);
                    if (n < 0) {
                        synchronized (protocolLock) {
                            protocol.closeInput();
                        }
                        return -1;
                    }
                    offer(n);
                }
            }
        }

        @Override
        public int available() {
            synchronized (protocolLock) {
                return protocol.getAvailableInputBytes();
            }
        }
    }

    private final class SessionOutput extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            write(new byte[] { (byte) b }, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (closed) {
                throw new IOException("the TLS session to " + remote + " is closed");
            }
            synchronized (protocolLock) {
                protocol.writeApplicationData(b, off, len);
            }
            flushOutput();
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
        synchronized (protocolLock) {
            return !closed && !protocol.isClosed() && connection.isOpen();
        }
    }

    @Override
    public String remote() {
        return remote;
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            synchronized (protocolLock) {
                protocol.close(); // queues close_notify
            }
            flushOutput();
        } catch (IOException ignored) {
            // the peer may already be gone; the connection is closed below either way
        } finally {
            connection.close();
        }
    }

    @Override
    public String protocol() {
        return client.negotiatedVersion();
    }

    @Override
    public String cipherSuite() {
        return client.negotiatedSuite();
    }

    @Override
    public String applicationProtocol() {
        return client.applicationProtocol();
    }

    @Override
    public List<X509Certificate> serverChain() {
        return client.serverChain();
    }

    @Override
    public boolean resumed() {
        return client.resumed();
    }

    @Override
    public HandshakeTrace trace() {
        return recorder.trace();
    }

    @Override
    public void writePcap(OutputStream out) throws IOException {
        out.write(recorder.pcap(port));
    }

    @Override
    public String toString() {
        return "TlsSession[" + remote + ", " + protocol() + ", " + cipherSuite() + (isOpen() ? "" : ", closed") + "]";
    }
}
