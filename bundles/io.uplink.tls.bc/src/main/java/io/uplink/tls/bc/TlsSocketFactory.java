package io.uplink.tls.bc;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.time.Duration;
import java.util.Objects;

import javax.net.SocketFactory;

import io.uplink.tls.TlsClientProfile;
import io.uplink.tls.TlsEngine;
import io.uplink.tls.TlsSession;
import io.uplink.transport.Connection;
import io.uplink.transport.Transport;

/**
 * A {@link SocketFactory} whose sockets run TLS from a {@link TlsEngine} over a {@link Transport} (an OS socket or a
 * modem socket). Made for Eclipse Paho: Paho calls the unconnected {@link #createSocket()}, then
 * {@code connect(address, timeout)} and {@code setSoTimeout(1000)}. Use it with a {@code tcp://} server URI: the
 * sockets are not {@code SSLSocket}s, the TLS is inside.
 */
public final class TlsSocketFactory extends SocketFactory {

    private final TlsEngine engine;
    private final Transport transport;
    private final TlsClientProfile profile;

    public TlsSocketFactory(TlsEngine engine, Transport transport, TlsClientProfile profile) {
        this.engine = Objects.requireNonNull(engine, "engine");
        this.transport = Objects.requireNonNull(transport, "transport");
        this.profile = Objects.requireNonNull(profile, "profile");
    }

    @Override
    public Socket createSocket() {
        return new TlsOverTransportSocket();
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        Socket s = createSocket();
        s.connect(new InetSocketAddress(host, port), (int) profile.handshakeTimeout().toMillis());
        return s;
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return createSocket(host, port);
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return createSocket(host.getHostAddress(), port);
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        return createSocket(address.getHostAddress(), port);
    }

    /** A socket whose bytes are a TLS session over the transport. */
    private final class TlsOverTransportSocket extends Socket {
        private volatile TlsSession session;
        private volatile boolean closed;
        private volatile int soTimeout;

        @Override
        public void connect(SocketAddress endpoint) throws IOException {
            connect(endpoint, 0);
        }

        @Override
        public void connect(SocketAddress endpoint, int timeoutMillis) throws IOException {
            if (!(endpoint instanceof InetSocketAddress address)) {
                throw new IllegalArgumentException("unsupported address " + endpoint);
            }
            Duration timeout = Duration.ofMillis(timeoutMillis > 0 ? timeoutMillis
                    : profile.handshakeTimeout().toMillis());
            Connection connection = transport.connect(address.getHostString(), address.getPort(), timeout);
            session = engine.handshake(connection, profile);
            session.setReadTimeout(Duration.ofMillis(soTimeout));
        }

        private TlsSession open() throws SocketException {
            TlsSession s = session;
            if (s == null) {
                throw new SocketException("not connected");
            }
            if (closed) {
                throw new SocketException("socket closed");
            }
            return s;
        }

        @Override
        public InputStream getInputStream() throws IOException {
            return open().input();
        }

        @Override
        public OutputStream getOutputStream() throws IOException {
            return open().output();
        }

        @Override
        public synchronized void setSoTimeout(int timeout) throws SocketException {
            soTimeout = timeout;
            TlsSession s = session;
            if (s != null) {
                try {
                    s.setReadTimeout(Duration.ofMillis(timeout));
                } catch (IOException e) {
                    throw new SocketException("cannot set the read timeout: " + e.getMessage());
                }
            }
        }

        @Override
        public synchronized int getSoTimeout() {
            return soTimeout;
        }

        @Override
        public void setTcpNoDelay(boolean on) {
            // the transport sets its own socket options
        }

        @Override
        public boolean isConnected() {
            return session != null;
        }

        @Override
        public boolean isClosed() {
            return closed;
        }

        @Override
        public void shutdownInput() {
            // closing the socket ends both directions of the TLS session
        }

        @Override
        public void shutdownOutput() {
            // see shutdownInput
        }

        @Override
        public synchronized void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            TlsSession s = session;
            if (s != null) {
                s.close();
            }
        }

        @Override
        public String toString() {
            TlsSession s = session;
            return "TlsOverTransportSocket[" + (s == null ? "unconnected" : s.toString()) + "]";
        }
    }
}
