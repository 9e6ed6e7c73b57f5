package io.uplink.modem.nordic;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

import io.uplink.modem.AtChannel;
import io.uplink.modem.AtCommand;
import io.uplink.modem.AtResponse;
import io.uplink.modem.FinalResult.Kind;
import io.uplink.modem.ModemException;
import io.uplink.modem.ModemIdentity;
import io.uplink.transport.Connection;
import io.uplink.transport.Transport;
import io.uplink.transport.TransportException;
import io.uplink.transport.TransportException.Reason;

/**
 * TCP through the Serial LTE Modem's sockets (sdk-nrf SOCKET_AT_commands.rst): {@code AT#XSOCKET=1,1,0} opens one,
 * {@code AT#XCONNECT="host",port} connects it, {@code AT#XSEND} (data mode) sends, {@code AT#XRECV} receives,
 * {@code AT#XSOCKET=0} closes. Up to 8 sockets; every command acts on the <em>active</em> socket (the one opened last,
 * or chosen with {@code AT#XSOCKETSELECT}), so each operation selects its socket first when another one is active.
 *
 * <p>A limit of data mode: when the peer closes while a segment is on its way, the modem leaves data mode by itself
 * ({@code #XDATAMODE: 0} as a notification) and takes the rest of the segment as command text, answering it with
 * {@code ERROR}s that may reach the next command. Segments are kept at {@value NordicDataMode#MAX_SEGMENT} bytes so
 * little can be left over; the next operation on the closed socket fails anyway and the connection is re-opened.
 *
 * <p>Threads: {@link #io} makes "select, then act" one step; it is held for the AT exchange only. The socket table is
 * guarded by {@code this}.
 */
final class NordicSockets implements Transport {

    static final int SOCKETS = 8;
    /** {@code AT#XCONNECT} blocks the modem until connected; a TLS socket includes its handshake. */
    static final Duration MAX_CONNECT = Duration.ofSeconds(160);
    private static final Duration RECV_TIMEOUT = Duration.ofSeconds(8);
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(60);
    /** Data mode: {@code AT#XSEND} answers OK; the data and {@code +++} follow; {@code #XDATAMODE: 0} ends it. */
    private static final AtCommand DATA_MODE;

    static {
        AtCommand c = AtCommand.of("AT#XSEND").withTimeout(SEND_TIMEOUT)
                .withFinalResult("#XDATAMODE: 0", Kind.OK);
        for (int errno = 1; errno <= 140; errno++) { // exit with a send error: #XDATAMODE: -<errno>
            c = c.withFinalResult("#XDATAMODE: -" + errno, Kind.ERROR);
        }
        DATA_MODE = c;
    }

    private final AtChannel at;
    private final ModemIdentity identity;
    private final ReentrantLock io = new ReentrantLock(true);
    private final Map<Integer, NordicSocket> open = new HashMap<>();
    /** The modem's active socket as far as we know; -1 when unknown (after a close the modem picks one). */
    private volatile int active = -1;
    private volatile String unavailable;

    NordicSockets(AtChannel at, ModemIdentity identity) {
        this.at = at;
        this.identity = identity;
    }

    @Override
    public Connection connect(String host, int port, Duration connectTimeout) throws TransportException {
        validate(host, port, connectTimeout);
        return open("AT#XSOCKET=1,1,0", "#XSOCKET:", null, host, port, connectTimeout, "TCP");
    }

    static void validate(String host, int port, Duration connectTimeout) {
        Objects.requireNonNull(host, "host");
        if (host.isBlank() || host.contains("\"") || host.length() > 128) {
            throw new IllegalArgumentException("host must be a name or address of at most 128 characters without "
                    + "quotes (the modem's limit): " + host);
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1..65535: " + port);
        }
        if (connectTimeout == null || connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new IllegalArgumentException("connect timeout must be positive");
        }
    }

    /**
     * Opens and connects a socket.
     *
     * @param openLine {@code AT#XSOCKET=...} or {@code AT#XSSOCKET=...}
     * @param hostname for a TLS socket, the TLS_HOSTNAME to set before connecting (SNI and the name checked), or null
     */
    Connection open(String openLine, String openPrefix, String hostname, String host, int port, Duration timeout,
            String kind) throws TransportException {
        String down = unavailable;
        if (down != null) {
            throw new TransportException(Reason.UNREACHABLE, down, "Retry in a moment: the modem comes back by itself.");
        }
        synchronized (this) {
            if (open.size() >= SOCKETS) {
                throw new TransportException(Reason.NO_RESOURCES, "All " + SOCKETS + " sockets of the "
                        + identity.model() + " are in use.", "Close unused connections.");
            }
        }
        Duration bound = timeout.compareTo(MAX_CONNECT) < 0 ? timeout : MAX_CONNECT;
        String remote = host + ":" + port;
        lock();
        int handle = -1;
        try {
            AtResponse r = at.execute(AtCommand.of(openLine));
            String line = r.isOk() ? r.line(openPrefix) : null;
            handle = line == null ? -1 : NordicNetwork.number(line.substring(line.indexOf(':') + 1).split(",")[0], -1);
            if (handle < 0) {
                throw new TransportException(Reason.NO_RESOURCES, "The modem refused to open a " + kind + " socket ("
                        + openLine + ": " + (line != null ? line : r.result().text()) + ").", kind.equals("TLS")
                                ? "Check the security tag holds the credentials (uplink modem info); close unused "
                                        + "connections." : "Close unused connections; restart the modem if every "
                                                + "open fails.", r.result().text(), null);
            }
            active = handle;
            if (hostname != null) {
                AtResponse h = at.execute(AtCommand.of("AT#XSSOCKETOPT=1,2,\"" + hostname + "\""));
                if (!h.isOk()) {
                    closeActive();
                    throw new TransportException(Reason.INVALID_REQUEST, "The modem refused the TLS host name '"
                            + hostname + "' (AT#XSSOCKETOPT=1,2: " + h.result().text() + ").", "Check the name: at "
                                    + "most 128 characters, no quotes; modem firmware before 1.2.1 has no SNI.",
                            h.result().text(), null);
                }
            }
            long started = System.nanoTime();
            AtResponse c = at.execute(AtCommand.of("AT#XCONNECT=\"" + host + "\"," + port).withTimeout(bound
                    .plusSeconds(5)));
            String status = c.isOk() ? c.line("#XCONNECT:") : null;
            if (status == null || NordicNetwork.number(status.substring(status.indexOf(':') + 1), 0) != 1) {
                closeActive();
                throw connectFailure(kind, remote, hostname, c, status, Duration.ofNanos(System.nanoTime() - started),
                        bound);
            }
            NordicSocket s = new NordicSocket(handle, this, remote, kind);
            synchronized (this) {
                open.put(handle, s);
            }
            return s;
        } catch (ModemException e) {
            if (handle >= 0) {
                closeActive(); // e.g. AT#XCONNECT outlived its timeout: do not leave the socket behind in the modem
            }
            throw new TransportException(Reason.TRANSPORT_GONE, "The modem could not open " + remote + ": "
                    + e.getMessage(), e.fix(), e.rawText(), e);
        } finally {
            io.unlock();
        }
    }

    private static TransportException connectFailure(String kind, String remote, String hostname, AtResponse c,
            String status, Duration took, Duration bound) {
        String raw = status != null ? status : c.result().text();
        if (kind.equals("TLS")) {
            return new TransportException(Reason.REFUSED, "The modem's TLS connection to " + remote + " failed ("
                    + raw + "); the Serial LTE Modem does not say why: the server unreachable, a CA in the security "
                    + "tag that did not sign the server's certificate, a certificate not naming "
                    + (hostname == null ? "the host" : hostname) + ", no cipher suite in common (the modem offers "
                    + "TLS 1.2 ECDHE with AES only) and a refused client certificate all answer ERROR.",
                    "Run 'uplink doctor --tls modem' to find the cause (it repeats the handshake with the gateway's "
                            + "TLS over the same modem), or use host TLS (tls.mode=host).", raw, null);
        }
        boolean slow = took.compareTo(bound.minusSeconds(1)) >= 0;
        return new TransportException(slow ? Reason.TIMEOUT : Reason.REFUSED, "The modem could not connect to " + remote
                + " (" + raw + " after " + took.toMillis() + " ms): the name did not resolve, nothing listens there, "
                + "or the server is not reachable from the cellular network (the Serial LTE Modem answers all of "
                + "these with a bare ERROR).", "Check the host name and port, and that the server is reachable from "
                        + "the cellular network (not only from your LAN).", raw, null);
    }

    private void lock() throws TransportException {
        try {
            io.lockInterruptibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransportException(Reason.OTHER, "Interrupted while waiting for the modem.", "", "", null);
        }
    }

    /** Makes {@code handle} the modem's active socket. Holds {@link #io}. */
    private void select(int handle) throws ModemException {
        if (active == handle) {
            return;
        }
        AtResponse r = at.execute(AtCommand.of("AT#XSOCKETSELECT=" + handle));
        if (!r.isOk()) {
            throw new ModemException("The modem no longer has socket " + handle + " (AT#XSOCKETSELECT: "
                    + r.result().text() + "): it was closed.", r.result().text(), "closed", "Reconnect.");
        }
        active = handle;
    }

    /** Closes the active socket. Holds {@link #io}. */
    private void closeActive() {
        try {
            at.execute(AtCommand.of("AT#XSOCKET=0").withTimeout(Duration.ofSeconds(10)));
        } catch (ModemException e) {
            // the channel is gone; so is the socket
        }
        active = -1; // the modem makes the highest-ranked remaining socket active
    }

    /**
     * One non-blocking read ({@code AT#XRECV=1,64}: 64 is MSG_DONTWAIT).
     *
     * @return the bytes; empty when none are waiting (the modem answers ERROR: EAGAIN); null when the peer closed the
     *         connection (OK without {@code #XRECV:}: recv returned 0)
     */
    byte[] receive(NordicSocket s) throws ModemException, TransportException {
        lock();
        try {
            select(s.handle);
            AtResponse r = at.execute(AtCommand.of("AT#XRECV=1,64").withRawData("#XRECV:").withTimeout(RECV_TIMEOUT));
            if (!r.isOk()) {
                return new byte[0];
            }
            return r.line("#XRECV:") == null ? null : r.data();
        } finally {
            io.unlock();
        }
    }

    /** Sends every byte, in data-mode segments and, for runs of plus signs, as text. */
    void send(NordicSocket s, byte[] b, int off, int len) throws ModemException, TransportException {
        lock();
        try {
            select(s.handle);
            for (NordicDataMode.Segment seg : NordicDataMode.split(b, off, len)) {
                AtResponse r;
                if (seg.text()) {
                    r = at.execute(AtCommand.of("AT#XSEND=\"" + new String(seg.bytes(), StandardCharsets.US_ASCII)
                            + "\"").withTimeout(SEND_TIMEOUT));
                    String sent = r.isOk() ? r.line("#XSEND:") : null;
                    if (sent != null && NordicNetwork.number(sent.substring(sent.indexOf(':') + 1), -1)
                            != seg.bytes().length) {
                        throw sendFailure(s, sent);
                    }
                } else {
                    byte[] payload = new byte[seg.bytes().length + NordicDataMode.TERMINATOR.length()];
                    System.arraycopy(seg.bytes(), 0, payload, 0, seg.bytes().length);
                    System.arraycopy(NordicDataMode.TERMINATOR.getBytes(StandardCharsets.US_ASCII), 0, payload,
                            seg.bytes().length, NordicDataMode.TERMINATOR.length());
                    r = at.execute(DATA_MODE.withPayload("OK", payload));
                }
                if (!r.isOk()) {
                    throw sendFailure(s, r.result().text());
                }
            }
        } finally {
            io.unlock();
        }
    }

    private static ModemException sendFailure(NordicSocket s, String raw) {
        return new ModemException("The modem could not send to " + s.remote() + " (" + raw + "): the server or the "
                + "network closed the connection.", raw, "closed", "Reconnect.");
    }

    /** Closes a socket in the modem and forgets it. */
    void close(NordicSocket s) {
        synchronized (this) {
            if (open.get(s.handle) != s) {
                return;
            }
            open.remove(s.handle);
        }
        if (unavailable != null) {
            return; // offline or detached: the modem closed its sockets itself
        }
        try {
            lock();
        } catch (TransportException e) {
            return;
        }
        try {
            select(s.handle);
            closeActive();
        } catch (ModemException e) {
            // gone already
        } finally {
            io.unlock();
        }
    }

    /** Every socket fails with {@code why}; new ones are refused until {@link #resume()}. */
    void suspend(String why) {
        unavailable = why;
        List<NordicSocket> all;
        synchronized (this) {
            all = new ArrayList<>(open.values());
            open.clear();
        }
        all.forEach(s -> s.fail(why));
        if (all.isEmpty() || !io.tryLock()) {
            active = -1;
            return;
        }
        try { // close them in the modem too: its socket table outlives a change of functional mode
            for (NordicSocket s : all) {
                try {
                    select(s.handle);
                    closeActive();
                } catch (ModemException e) {
                    // gone already, or the channel failed: nothing left to close
                }
            }
        } finally {
            active = -1;
            io.unlock();
        }
    }

    void resume() {
        active = -1;
        unavailable = null;
    }

    @Override
    public String describe() {
        return "Nordic " + identity.model() + " on " + at.portName();
    }

    @Override
    public int maxConnections() {
        return SOCKETS;
    }
}
