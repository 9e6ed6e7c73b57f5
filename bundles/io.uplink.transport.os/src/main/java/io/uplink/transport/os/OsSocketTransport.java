package io.uplink.transport.os;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Objects;

import io.uplink.transport.Connection;
import io.uplink.transport.Transport;
import io.uplink.transport.TransportException;
import io.uplink.transport.TransportException.Reason;

/**
 * {@link Transport} over the JVM's sockets, i.e. the gateway's own network stack. Plain Java: usable without OSGi.
 */
public final class OsSocketTransport implements Transport {

    private final SocketSettings settings;

    public OsSocketTransport(SocketSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    SocketSettings settings() {
        return settings;
    }

    @Override
    public Connection connect(String host, int port, Duration connectTimeout) throws TransportException {
        Objects.requireNonNull(host, "host");
        if (host.isBlank()) {
            throw new IllegalArgumentException("host must not be blank");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1..65535: " + port);
        }
        if (connectTimeout == null || connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new IllegalArgumentException("connect timeout must be positive");
        }
        Duration timeout = connectTimeout.compareTo(settings.connectTimeout()) < 0 ? connectTimeout
                : settings.connectTimeout();
        String remote = host + ":" + port;
        InetAddress address = resolve(host, remote);
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(settings.tcpNoDelay());
            socket.setKeepAlive(settings.keepAlive());
            socket.connect(new InetSocketAddress(address, port), (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
            return new OsSocketConnection(socket, remote, settings.readTimeout());
        } catch (IOException e) {
            closeQuietly(socket);
            throw classify(e, remote, timeout);
        }
    }

    private static InetAddress resolve(String host, String remote) throws TransportException {
        try {
            return InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new TransportException(Reason.DNS_FAILED,
                    "Cannot resolve '" + host + "' (for " + remote + "): the gateway's DNS has no address for it.",
                    "Check the spelling of the host name, and that the gateway has a working DNS server "
                            + "(e.g. 'getent hosts " + host + "' on the gateway).",
                    String.valueOf(e.getMessage()), e);
        }
    }

    static TransportException classify(IOException e, String remote, Duration timeout) {
        String raw = String.valueOf(e.getMessage());
        if (e instanceof SocketTimeoutException) {
            return new TransportException(Reason.TIMEOUT,
                    "No answer from " + remote + " within " + timeout.toMillis() + " ms.",
                    "Check that the host is up and that no firewall drops traffic to that port; "
                            + "raise the connect timeout on slow links.",
                    raw, e);
        }
        if (e instanceof NoRouteToHostException) {
            return new TransportException(Reason.UNREACHABLE, "No route to " + remote + ".",
                    "Check the gateway's network interface and default route.", raw, e);
        }
        if (e instanceof ConnectException) {
            if (raw.contains("Network is unreachable") || raw.contains("No route")) {
                return new TransportException(Reason.UNREACHABLE, "Network unreachable for " + remote + ".",
                        "Check that the gateway has an active network interface and a default route.", raw, e);
            }
            return new TransportException(Reason.REFUSED,
                    "Connection to " + remote + " refused: nothing listens on that port.",
                    "Check the port number and that the broker is running and listening on that address.", raw, e);
        }
        return new TransportException(Reason.OTHER, "Cannot connect to " + remote + ": " + raw,
                "See the detail; check the gateway's network configuration.", raw, e);
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // the connect already failed; that failure is what the caller needs
        }
    }

    @Override
    public String describe() {
        return "OS network stack";
    }

    @Override
    public int maxConnections() {
        return Integer.MAX_VALUE;
    }
}
