package io.uplink.modem.quectel;

import java.time.Duration;
import java.util.Objects;

import io.uplink.modem.AtChannel;
import io.uplink.modem.ModemIdentity;
import io.uplink.transport.Connection;
import io.uplink.transport.Transport;
import io.uplink.transport.TransportException;
import io.uplink.transport.TransportException.Reason;

/**
 * TCP connections through the BC66/BC660K's five sockets (IDs 0-4) on context 0, plus the one TLS session of its SSL
 * context 0/0. Routes the module's URCs to the socket they name.
 *
 * <p>Thread-safe: the socket table is guarded by this object; {@link #sendLock} keeps one send in flight per module,
 * because {@code SEND OK} does not name its socket.
 */
final class Bc66SocketTransport implements Transport {

    final Object sendLock = new Object();
    private final AtChannel at;
    private final ModemIdentity identity;
    private final boolean push;
    private final Bc66Socket[] sockets = new Bc66Socket[Bc66Commands.SOCKETS];
    private Bc66Socket tls;
    private volatile String unavailable;

    /**
     * @param push {@code true}: data arrives in the {@code "recv"} URC (direct push); {@code false}: buffer mode, read
     *        with {@code AT+QIRD}
     */
    Bc66SocketTransport(AtChannel at, ModemIdentity identity, boolean push) {
        this.at = at;
        this.identity = identity;
        this.push = push;
    }

    @Override
    public Connection connect(String host, int port, Duration connectTimeout) throws TransportException {
        checkEndpoint(host, port);
        if (connectTimeout == null || connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new IllegalArgumentException("connect timeout must be positive");
        }
        checkAvailable();
        Bc66Socket s = allocate(host, port);
        try {
            s.open(Bc66Commands.openTcp(s.id, host, port, push), min(connectTimeout, Bc66Commands.OPEN_URC_MAX));
            return s;
        } catch (TransportException | RuntimeException e) {
            release(s);
            throw e;
        }
    }

    /** Opens the module's TLS session (one at a time: SSL context 0, connection 0). */
    Connection connectTls(String host, int port, Duration timeout) throws TransportException {
        checkEndpoint(host, port);
        checkAvailable();
        Bc66Socket s;
        synchronized (this) {
            if (tls != null) {
                throw new TransportException(Reason.NO_RESOURCES, "The " + identity.model() + " has one TLS session "
                        + "(SSL context 0, connection 0) and it is in use (" + tls.remote() + ").", "Close the other "
                                + "modem TLS connection, or use host TLS (tls.mode=host), which has five sockets.");
            }
            tls = s = new Bc66Socket(Bc66Commands.SSL_CONNECTION, Bc66Socket.Kind.TLS, at, this, host, port,
                    this::releaseTls);
        }
        try {
            s.open(Bc66Commands.openTls(host, port), min(timeout, Bc66Commands.OPEN_URC_MAX));
            return s;
        } catch (TransportException | RuntimeException e) {
            releaseTls();
            throw e;
        }
    }

    static void checkEndpoint(String host, int port) {
        Objects.requireNonNull(host, "host");
        if (host.isBlank() || host.contains("\"") || host.length() > 150) {
            throw new IllegalArgumentException("host must be a name or address of at most 150 characters, without "
                    + "quotes: " + host);
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1..65535: " + port);
        }
    }

    private void checkAvailable() throws TransportException {
        String down = unavailable;
        if (down != null) {
            throw new TransportException(Reason.UNREACHABLE, down, "The modem re-attaches by itself; retry later.");
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) < 0 ? a : b;
    }

    private synchronized Bc66Socket allocate(String host, int port) throws TransportException {
        for (int i = 0; i < sockets.length; i++) {
            if (sockets[i] == null) {
                int id = i;
                Bc66Socket s = new Bc66Socket(id, Bc66Socket.Kind.TCP, at, this, host, port, () -> release(id));
                sockets[i] = s;
                return s;
            }
        }
        throw new TransportException(Reason.NO_RESOURCES, "All " + sockets.length + " sockets of the "
                + identity.model() + " are in use.", "Close unused connections.");
    }

    private synchronized void release(Bc66Socket s) {
        if (sockets[s.id] == s) {
            sockets[s.id] = null;
        }
    }

    private synchronized void release(int id) {
        sockets[id] = null;
    }

    private synchronized void releaseTls() {
        tls = null;
    }

    synchronized Bc66Socket socket(int id) {
        return id >= 0 && id < sockets.length ? sockets[id] : null;
    }

    synchronized Bc66Socket tlsSocket() {
        return tls;
    }

    // --- URC routing (channel thread) ------------------------------------------------------------------------------

    void routeQiurc(String line) {
        Bc66Urcs.Event e = Bc66Urcs.qiurc(line, true);
        if (e == null) {
            Bc66Socket s = socket(socketOf(line));
            if (s != null) {
                s.fail("The module's data notice cannot be read (" + cut(line) + "); the connection was ended "
                        + "rather than pass on a damaged stream.", cut(line));
            } else {
                Bc66Modem.LOG.debug("{}: unreadable {}", at.portName(), cut(line));
            }
            return;
        }
        Bc66Socket s = socket(e.socket());
        if (s != null) {
            deliver(s, e, line);
        }
    }

    void routeQsslurc(String line) {
        Bc66Urcs.Event e = Bc66Urcs.qsslurc(line, true);
        Bc66Socket s = tlsSocket();
        if (s == null) {
            return;
        }
        if (e == null) {
            s.fail("The module's TLS data notice cannot be read (" + cut(line) + "); the connection was ended rather "
                    + "than pass on a damaged stream.", cut(line));
            return;
        }
        deliver(s, e, line);
    }

    private static void deliver(Bc66Socket s, Bc66Urcs.Event e, String line) {
        switch (e.kind()) {
        case "recv" -> {
            if (e.dataWaiting()) {
                s.urcDataWaiting();
            } else {
                s.urcData(e.data());
            }
        }
        case "closed" -> s.urcClosed(line);
        case "buff full" -> s.fail("The module's receive buffer for socket " + s.id + " overflowed (" + line + "): "
                + "it drops what does not fit, so the stream has a hole and was ended.", line);
        default -> Bc66Modem.LOG.debug("unhandled {}", line);
        }
    }

    /** {@code +QIOPEN: <id>,<err>} or {@code +QSSLOPEN: <ctx>,<conn>,<err>}. */
    void routeOpen(String line) {
        if (line.startsWith("+QSSLOPEN:")) {
            int[] n = Bc66Urcs.numbers(line, "+QSSLOPEN:", 3);
            Bc66Socket s = tlsSocket();
            if (n != null && s != null) {
                s.urcOpened(n[2]);
            }
            return;
        }
        int[] n = Bc66Urcs.numbers(line, "+QIOPEN:", 2);
        Bc66Socket s = n == null ? null : socket(n[0]);
        if (s != null) {
            s.urcOpened(n[1]);
        }
    }

    /** {@code SEND OK} / {@code SEND FAIL} (plain) or {@code +QSSLSEND: <ctx>,<conn>,<err>} (TLS). */
    void routeSendResult(String line) {
        if (line.startsWith("+QSSLSEND:")) {
            Bc66Socket s = tlsSocket();
            if (s != null) {
                s.urcSendResult(line);
            }
            return;
        }
        synchronized (this) {
            for (Bc66Socket s : sockets) {
                if (s != null) {
                    s.urcSendResult(line); // only the socket holding sendLock waits for it
                }
            }
        }
    }

    private static int socketOf(String line) {
        java.util.List<String> f = Bc66Urcs.fields(line, "+QIURC:");
        return f != null && f.size() > 1 ? Bc66Urcs.number(f.get(1)) : -1;
    }

    private static String cut(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "...";
    }

    synchronized void closeAll(String why) {
        unavailable = why;
        for (Bc66Socket s : sockets) {
            if (s != null) {
                s.fail(why, "");
            }
        }
        if (tls != null) {
            tls.fail(why, "");
        }
    }

    @Override
    public String describe() {
        return "Quectel " + identity.model() + " on " + at.portName() + " (NB-IoT)";
    }

    @Override
    public int maxConnections() {
        return Bc66Commands.SOCKETS;
    }
}
