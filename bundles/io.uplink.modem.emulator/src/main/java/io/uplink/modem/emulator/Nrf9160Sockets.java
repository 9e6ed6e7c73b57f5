package io.uplink.modem.emulator;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Serial LTE Modem's socket commands (sdk-nrf SOCKET_AT_commands.rst and slm_at_socket.c): {@code #XSOCKET},
 * {@code #XSSOCKET}, {@code #XSOCKETSELECT}, {@code #XSSOCKETOPT}, {@code #XCONNECT}, {@code #XSEND} (string form and
 * data mode), {@code #XRECV} and {@code #XGETADDRINFO}. Sockets relay to real hosts ({@link EmulatedSocket}); TLS
 * sockets run the module's TLS ({@link ModuleTlsConnection}) with the nRF9160's offer: TLS 1.2 only, ECDHE-ECDSA and
 * ECDHE-RSA with AES-CBC and AES-GCM, no ChaCha20, no RSA key exchange ({@link Nrf9160Tls}).
 *
 * <ul>
 * <li>Up to {@link #MAX_SOCKETS} sockets; handles are the lowest free descriptor from 0 [U: the modem's numbering].
 * The last opened (or selected) socket is the active one every command acts on; closing it makes the
 * highest-ranked remaining socket active.</li>
 * <li>{@code #XCONNECT} blocks until the TCP connection (and the TLS handshake) is done: {@code #XCONNECT: 1} and
 * {@code OK}, or {@code ERROR} for every failure (no network, DNS, refused, handshake).</li>
 * <li>TLS: the credentials of the socket's sec_tag (root CA type 0, client certificate 1 and key 2, presented when
 * both exist). peer_verify 2 (required, the client default) verifies the chain against the CA and, only when
 * TLS_HOSTNAME is set, the server name; 1 (optional) and 0 check nothing that could fail the handshake. SNI is sent
 * only when TLS_HOSTNAME is set: {@code #XCONNECT} does not set it. Certificate dates are not checked [U: the modem
 * checks them only with network time].</li>
 * <li>{@code #XSEND="<data>"} (1..1024 bytes) answers {@code #XSEND: <n>}. {@code #XSEND} alone (or with an empty
 * string) answers {@code OK} and enters data mode ({@link Nrf9160DataMode}).</li>
 * <li>{@code #XRECV=<timeout s, 0 = wait forever>[,<flags 0|64|256>]}: {@code #XRECV: <n>}, the n raw bytes (at
 * most {@link #MAX_MESSAGE}), then {@code OK}; nothing within the timeout (or at once with flag 64): {@code ERROR};
 * the peer closed and nothing is left: {@code OK} alone. Flag 2 (peek) is not emulated: {@code ERROR}.</li>
 * <li>Not emulated (answer {@code ERROR}): UDP and raw sockets, DTLS, server roles, #XSOCKETOPT.</li>
 * </ul>
 *
 * <p>Threads: the emulator thread owns the socket table. Connection threads complete the open futures and wake
 * {@code signal} for #XRECV; they never touch the table.
 */
final class Nrf9160Sockets {

    private static final Logger LOG = LoggerFactory.getLogger(Nrf9160Sockets.class);
    static final int MAX_SOCKETS = 8;
    /** SLM_MAX_PAYLOAD_SIZE: the longest {@code #XSEND="..."}. */
    static final int MAX_PAYLOAD = 1024;
    /** NRF_SOCKET_TLS_MAX_MESSAGE_SIZE: the most one {@code #XRECV} returns. */
    static final int MAX_MESSAGE = 2048;
    /** SLM_MAX_URL: the longest host name. */
    static final int MAX_URL = 128;
    /** How long #XCONNECT waits for the handshake [choice]. */
    static final int CONNECT_TIMEOUT_S = 30;
    static final int PROTO_TCP = 6;
    static final int PROTO_TLS_1_2 = 258;


    private final EmulatedModule core;
    private final Nrf9160Credentials credentials;
    private final Nrf9160Emulator modem;
    private final Nrf9160Socket[] socks = new Nrf9160Socket[MAX_SOCKETS];
    private final Object signal = new Object();
    private Nrf9160Socket active;
    private int ranking = 1;

    Nrf9160Sockets(EmulatedModule core, Nrf9160Credentials credentials, Nrf9160Emulator modem) {
        this.core = core;
        this.credentials = credentials;
        this.modem = modem;
    }

    /** What the module's TLS negotiated on a socket, once its handshake succeeded. */
    ModuleTlsSession session(int fd) {
        Nrf9160Socket s = fd >= 0 && fd < MAX_SOCKETS ? socks[fd] : null;
        return s == null || s.tls == null ? null : s.tls.session();
    }

    /** Handles the SLM socket commands; false for any other. */
    boolean handle(CommandLine c) throws IOException {
        switch (c.name()) {
        case "#XSOCKET":
            open(c, false);
            return true;
        case "#XSSOCKET":
            open(c, true);
            return true;
        case "#XSOCKETSELECT":
            select(c);
            return true;
        case "#XSSOCKETOPT":
            new Nrf9160SocketOptions(core, modem).handle(c, active);
            return true;
        case "#XCONNECT":
            connect(c);
            return true;
        case "#XSEND":
            send(c);
            return true;
        case "#XRECV":
            recv(c);
            return true;
        case "#XGETADDRINFO":
            getAddrInfo(c);
            return true;
        default:
            return false;
        }
    }

    private void open(CommandLine c, boolean secure) throws IOException {
        ResponseWriter out = core.out();
        String name = secure ? "#XSSOCKET" : "#XSOCKET";
        if (c.test()) {
            out.respond(secure ? "#XSSOCKET: (0,1,2),(1,2),(0,1),<sec_tag>,<peer_verify>,<cid>"
                    : "#XSOCKET: (0,1,2),(1,2,3),(0,1),<cid>");
            return;
        }
        if (c.query()) {
            if (active != null && active.secure() == secure) {
                out.respond(secure ? "#XSSOCKET: " + active.fd + "," + active.family + ",0,1," + active.secTag + ","
                        + active.cid : "#XSOCKET: " + active.fd + "," + active.family + ",0,1," + active.cid);
            } else {
                out.ok();
            }
            return;
        }
        int op = c.intArg(0);
        if (op == 0 && c.count() == 1) {
            closeActive();
            return;
        }
        int type = c.intArg(1);
        int role = c.intArg(2);
        long secTag = -1;
        int peerVerify = 0;
        int cidIndex = 3;
        if (secure) {
            secTag = longArg(c, 3);
            peerVerify = c.count() > 4 ? c.intArg(4) : 2; // required is the client default
            cidIndex = 5;
        }
        int cid = c.count() > cidIndex ? c.intArg(cidIndex) : 0;
        int fd = freeDescriptor();
        boolean valid = (op == 1 || op == 2) && type == 1 && role == 0 && cid >= 0 && cid <= 10
                && c.count() <= cidIndex + 1 && (!secure || secTag >= 0 && peerVerify >= 0 && peerVerify <= 2);
        if (!valid || fd < 0) {
            out.error(); // a bad argument, UDP/raw/DTLS or a server role (not emulated), or all 8 sockets in use
            return;
        }
        Nrf9160Socket s = new Nrf9160Socket(fd, op, secTag, peerVerify, cid);
        s.ranking = ranking++;
        socks[fd] = s;
        active = s;
        out.respond(name + ": " + fd + ",1," + (secure ? PROTO_TLS_1_2 : PROTO_TCP));
    }

    private void closeActive() throws IOException {
        Nrf9160Socket s = active;
        if (s != null) {
            s.close();
            socks[s.fd] = null;
            active = highestRanked();
            core.out().respond("#XSOCKET: 0,\"closed\"");
        } else {
            core.out().ok();
        }
    }

    private Nrf9160Socket highestRanked() {
        Nrf9160Socket best = null;
        for (Nrf9160Socket s : socks) {
            if (s != null && (best == null || s.ranking > best.ranking)) {
                best = s;
            }
        }
        return best;
    }

    private int freeDescriptor() {
        for (int i = 0; i < MAX_SOCKETS; i++) {
            if (socks[i] == null) {
                return i;
            }
        }
        return -1;
    }

    private void select(CommandLine c) throws IOException {
        ResponseWriter out = core.out();
        if (c.query()) {
            List<String> lines = new ArrayList<>();
            for (Nrf9160Socket s : socks) {
                if (s != null) {
                    lines.add("#XSOCKETSELECT: " + s.fd + "," + s.family + ",0,1," + s.secTag + "," + s.ranking
                            + "," + s.cid);
                }
            }
            if (active != null) {
                lines.add("#XSOCKETSELECT: " + active.fd);
            }
            out.respond(lines.toArray(new String[0]));
            return;
        }
        int fd = c.intArg(0);
        if (c.test() || fd < 0 || fd >= MAX_SOCKETS || socks[fd] == null) {
            out.error();
            return;
        }
        active = socks[fd];
        out.respond("#XSOCKETSELECT: " + fd);
    }

    private void connect(CommandLine c) throws IOException {
        ResponseWriter out = core.out();
        Nrf9160Socket s = active;
        String host = c.arg(0);
        int port = c.intArg(1);
        if (c.test() || c.query() || s == null || s.started() || c.count() != 2 || !c.quoted(0) || host.isEmpty()
                || host.length() > MAX_URL || port < 0 || port > 65535) {
            out.error();
            return;
        }
        if (!modem.dataPathUp()) {
            out.error(); // no PDN: the name does not resolve
            return;
        }
        String owner = "emulated-nrf9160-" + (s.secure() ? "tls-" : "") + s.fd;
        s.opened = new CompletableFuture<>(); // a failed connect may be retried on the same handle [U]
        s.broken = false;
        s.peerClosed = false;
        if (s.secure()) {
            s.tls = new ModuleTlsConnection(s.fd, s.cid, (int) s.secTag, host, port, 0, Nrf9160Tls.policy(s, credentials, core.moduleTime(), owner),
                    core.link(), core.random(), new Nrf9160Socket.TlsEvents(s, this::wake));
            s.tls.open();
        } else {
            s.tcp = new EmulatedSocket(owner, s.fd, s.cid, host, port, 0, core.link(), core.faults(), core.random(),
                    new Nrf9160Socket.TcpEvents(s, this::wake));
            s.tcp.open();
        }
        int result = awaitOpen(s);
        if (result != 0) {
            LOG.debug("emulated nRF9160 socket {}: connect to {}:{} failed ({})", s.fd, host, port, result);
            s.abort();
            s.tcp = null;
            s.tls = null;
            out.error();
            return;
        }
        out.respond("#XCONNECT: 1");
    }

    private int awaitOpen(Nrf9160Socket s) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(CONNECT_TIMEOUT_S + 20);
        while (core.running()) {
            try {
                return s.opened.get(200, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                if (System.nanoTime() - deadline > 0) {
                    return -1;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while connecting", e);
            } catch (ExecutionException e) {
                return -1;
            }
        }
        throw new IOException("the emulated nRF9160 stops");
    }

    private void send(CommandLine c) throws IOException {
        ResponseWriter out = core.out();
        Nrf9160Socket s = active;
        if (c.test() || c.query() || s == null || !s.connected()) {
            out.error();
            return;
        }
        String raw = c.rawArgs();
        String data;
        if (raw.isEmpty()) {
            data = "";
        } else {
            int close = raw.startsWith("\"") ? raw.indexOf('"', 1) : -1;
            String rest = close < 0 ? "" : raw.substring(close + 1).trim();
            if (close < 0 || !rest.isEmpty() && !rest.matches(",\\s*\\d+")) {
                out.error(); // the data must be a string, optionally followed by send flags
                return;
            }
            data = raw.substring(1, close);
        }
        if (data.isEmpty()) {
            out.ok();
            Nrf9160DataMode.run(core, s);
            return;
        }
        byte[] bytes = data.getBytes(StandardCharsets.ISO_8859_1);
        if (bytes.length > MAX_PAYLOAD || !s.send(bytes)) {
            out.error();
            return;
        }
        out.respond("#XSEND: " + bytes.length);
    }

    private void recv(CommandLine c) throws IOException {
        ResponseWriter out = core.out();
        Nrf9160Socket s = active;
        int timeout = c.intArg(0);
        int flags = c.count() > 1 ? c.intArg(1) : 0;
        if (c.test() || c.query() || s == null || !s.started() || s.broken || timeout < 0 || c.count() > 2
                || flags != 0 && flags != 64 && flags != 256) {
            out.error();
            return;
        }
        long deadline = timeout == 0 ? Long.MAX_VALUE : System.nanoTime() + TimeUnit.SECONDS.toNanos(timeout);
        while (true) {
            byte[] data = s.read(MAX_MESSAGE);
            if (data.length > 0) {
                out.raw(("\r\n#XRECV: " + data.length + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.raw(data);
                out.ok();
                return;
            }
            if (s.peerClosed || !s.connected()) {
                out.ok(); // orderly shutdown: recv() returned 0
                return;
            }
            if (flags == 64 || System.nanoTime() - deadline > 0) {
                out.error(); // EAGAIN
                return;
            }
            if (!core.running()) {
                throw new IOException("the emulated nRF9160 stops");
            }
            synchronized (signal) {
                try {
                    signal.wait(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted in #XRECV", e);
                }
            }
        }
    }

    private void getAddrInfo(CommandLine c) throws IOException {
        ResponseWriter out = core.out();
        String host = c.arg(0);
        if (c.test() || c.query() || c.count() < 1 || c.count() > 2 || host.isEmpty() || host.length() > MAX_URL) {
            out.error();
            return;
        }
        if (!modem.dataPathUp()) {
            out.error();
            return;
        }
        try {
            InetAddress[] all = InetAddress.getAllByName(host);
            out.respond("#XGETADDRINFO: \"" + String.join(" ", Arrays.stream(all).map(InetAddress::getHostAddress)
                    .toArray(String[]::new)) + "\"");
        } catch (UnknownHostException e) {
            out.raw("\r\n#XGETADDRINFO: \"DNS failure\"\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.error();
        }
    }

    /** The radio went off: every connection breaks, the handles stay until closed. */
    void radioOff() {
        for (Nrf9160Socket s : socks) {
            if (s != null && s.started()) {
                s.abort();
                s.broken = true;
            }
        }
        wake();
    }

    /** A restart or the end of the emulator: every socket is gone. */
    void closeAll() {
        for (int i = 0; i < MAX_SOCKETS; i++) {
            if (socks[i] != null) {
                socks[i].abort();
                socks[i] = null;
            }
        }
        active = null;
        ranking = 1;
        wake();
    }

    private void wake() {
        synchronized (signal) {
            signal.notifyAll();
        }
    }

    private static long longArg(CommandLine c, int i) {
        try {
            long v = Long.parseLong(c.arg(i).trim());
            return v >= 0 && v <= Nrf9160Credentials.MAX_SEC_TAG ? v : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
