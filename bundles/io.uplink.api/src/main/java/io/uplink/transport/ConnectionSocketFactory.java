package io.uplink.transport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.time.Duration;

import javax.net.SocketFactory;

/**
 * A {@link SocketFactory} whose sockets are Uplink {@link Connection}s: a modem or OS socket, with TLS from a
 * {@code TlsEngine} inside if the opener runs a handshake. Made for socket-based clients such as Eclipse Paho, which
 * calls the unconnected {@link #createSocket()}, then {@code connect(address, timeout)} and
 * {@code setSoTimeout(1000)}; use it with a {@code tcp://} URI (the sockets are not {@code SSLSocket}s).
 *
 * @since 1.1
 */
public final class ConnectionSocketFactory extends SocketFactory {

    /** Opens the connection to host:port, e.g. a transport's connection, then a TLS handshake over it. */
    @FunctionalInterface
    public interface Opener {
        /**
         * @param timeout the caller's connect timeout (30 s when it gave none)
         */
        Connection open(String host, int port, Duration timeout) throws IOException;
    }

    private final Opener opener;

    public ConnectionSocketFactory(Opener opener) {
        this.opener = java.util.Objects.requireNonNull(opener, "opener");
    }

    @Override
    public Socket createSocket() {
        return new Adapter();
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        Socket s = createSocket();
        s.connect(new InetSocketAddress(host, port));
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

    private final class Adapter extends Socket {
        private volatile Connection connection;
        private volatile boolean closed;
        private volatile int soTimeout;

        @Override
        public void connect(SocketAddress endpoint) throws IOException {
            connect(endpoint, 0);
        }

        @Override
        public void connect(SocketAddress endpoint, int timeout) throws IOException {
            InetSocketAddress a = (InetSocketAddress) endpoint;
            connection = opener.open(a.getHostString(), a.getPort(), Duration.ofMillis(timeout > 0 ? timeout : 30_000));
            connection.setReadTimeout(Duration.ofMillis(soTimeout));
        }

        private Connection open() throws SocketException {
            Connection c = connection;
            if (c == null || closed) {
                throw new SocketException(closed ? "socket closed" : "not connected");
            }
            return c;
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
            Connection c = connection;
            if (c != null) {
                try {
                    c.setReadTimeout(Duration.ofMillis(timeout));
                } catch (IOException e) {
                    throw new SocketException(e.getMessage());
                }
            }
        }

        @Override
        public int getSoTimeout() {
            return soTimeout;
        }

        @Override
        public void setTcpNoDelay(boolean on) {
            // the transport sets its own socket options
        }

        @Override
        public boolean isConnected() {
            return connection != null;
        }

        @Override
        public boolean isClosed() {
            return closed;
        }

        @Override
        public void shutdownInput() {
            // closing ends both directions
        }

        @Override
        public void shutdownOutput() {
            // closing ends both directions
        }

        @Override
        public synchronized void close() throws IOException {
            if (!closed) {
                closed = true;
                Connection c = connection;
                if (c != null) {
                    c.close();
                }
            }
        }
    }
}
