package io.uplink.modem.emulator;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.IntPredicate;

/**
 * The BG95's own TLS client as the Quectel SSL notes describe it: AT+QSSLCFG (per SSL context 0-5, volatile),
 * AT+QSSLOPEN ({@code OK}, then {@code +QSSLOPEN: <id>,<err>}; every TLS failure is 566), AT+QSSLSEND, AT+QSSLRECV,
 * AT+QSSLCLOSE, AT+QSSLSTATE, and the URCs {@code +QSSLURC: "recv",<id>} and {@code +QSSLURC: "closed",<id>}. Client
 * IDs share the module's 12 socket slots with AT+QIOPEN.
 *
 * <p>Threads: owned by the emulator thread. Connections report from their own threads through {@code post}, which
 * runs the report on the emulator thread.
 */
final class Bg95ModuleTls {

    private static final int CONTEXTS = 6;
    private static final int CLIENTS = 12;
    private static final int MAX_SEND = 1460;
    private static final int MAX_READ = 1500;

    private final TlsContextSettings[] contexts = new TlsContextSettings[CONTEXTS];
    private final ModuleTlsConnection[] clients = new ModuleTlsConnection[CLIENTS];
    private final Bg95FileSystem ufs;
    private final LinkModel link;
    private final Random random;
    private final Consumer<Runnable> post;
    private final IntPredicate tcpSocketInUse;
    private final BooleanSupplier pdpActive;
    private final AtConsole console;
    /** The module's clock (AT+CCLK), read on the emulator's thread. */
    private final java.util.function.Supplier<java.time.Instant> clock;
    private boolean sendFailWhenFull = true;

    Bg95ModuleTls(AtConsole console, Bg95FileSystem ufs, LinkModel link, Random random, Consumer<Runnable> post,
            IntPredicate tcpSocketInUse, BooleanSupplier pdpActive, java.util.function.Supplier<java.time.Instant> clock) {
        this.console = console;
        this.clock = clock;
        this.ufs = ufs;
        this.link = link;
        this.random = random;
        this.post = post;
        this.tcpSocketInUse = tcpSocketInUse;
        this.pdpActive = pdpActive;
        resetSettings();
    }

    void sendFailWhenFull(boolean value) {
        this.sendFailWhenFull = value;
    }

    boolean inUse(int id) {
        return id >= 0 && id < CLIENTS && clients[id] != null;
    }

    Optional<ModuleTlsSession> session(int id) {
        ModuleTlsConnection c = id >= 0 && id < CLIENTS ? clients[id] : null;
        return c == null ? Optional.empty() : Optional.ofNullable(c.session());
    }

    /** A reboot: connections vanish without URCs and every SSL context is back to the module's defaults. */
    void reboot() {
        abortAll();
        resetSettings();
    }

    /** The data session or the emulator ends: connections vanish. */
    void abortAll() {
        for (int i = 0; i < CLIENTS; i++) {
            if (clients[i] != null) {
                clients[i].abort();
                clients[i] = null;
            }
        }
    }

    private void resetSettings() {
        for (int i = 0; i < CONTEXTS; i++) {
            contexts[i] = new TlsContextSettings();
        }
    }

    /** Handles AT+QSSL*; {@code name} is the upper-case command name. */
    void handle(String name, String rawArgs, boolean test, AtConsole c) throws IOException {
        List<String> a = Bg95Emulator.arguments(rawArgs);
        switch (name) {
        case "+QSSLCFG":
            if (test) {
                c.respond("+QSSLCFG: (" + String.join(",", TlsContextSettings.ITEMS.stream()
                        .map(i -> "\"" + i + "\"").toArray(String[]::new)) + "),(0-5)");
            } else {
                config(rawArgs, a, c);
            }
            break;
        case "+QSSLOPEN":
            open(a, c);
            break;
        case "+QSSLSEND":
            send(a, c);
            break;
        case "+QSSLRECV":
            recv(a, c);
            break;
        case "+QSSLCLOSE":
            close(a, c);
            break;
        case "+QSSLSTATE":
            state(a, c);
            break;
        default:
            c.error();
        }
    }

    private void config(String rawArgs, List<String> a, AtConsole c) throws IOException {
        if (a.size() < 2 || a.size() > 3 || !rawArgs.trim().startsWith("\"")) {
            c.error();
            return;
        }
        String item = a.get(0);
        int ctx = number(a.get(1));
        if (!TlsContextSettings.ITEMS.contains(item) || ctx < 0 || ctx >= CONTEXTS) {
            c.error(); // unknown item, an item not in lower case, or no such context
            return;
        }
        if (a.size() == 2) {
            c.respond("+QSSLCFG: \"" + item + "\"," + ctx + "," + contexts[ctx].read(item));
        } else if (contexts[ctx].write(item, a.get(2))) {
            c.ok();
        } else {
            c.error();
        }
    }

    private void open(List<String> a, AtConsole c) throws IOException {
        if (a.size() < 5 || a.size() > 6) {
            c.error();
            return;
        }
        int pdp = number(a.get(0));
        int ctx = number(a.get(1));
        int id = number(a.get(2));
        String host = a.get(3);
        int port = number(a.get(4));
        int access = a.size() == 6 ? number(a.get(5)) : 0;
        if (pdp < 1 || pdp > 16 || ctx < 0 || ctx >= CONTEXTS || id < 0 || id >= CLIENTS || host.isEmpty()
                || port < 1 || port > 65535 || access < 0 || access > 1) {
            c.error(); // access mode 2 (transparent) is not emulated
            return;
        }
        if (clients[id] != null || tcpSocketInUse.test(id)) {
            c.ok();
            c.urc("+QSSLOPEN: " + id + ",563"); // the client ID is in use
            return;
        }
        if (!pdpActive.getAsBoolean()) {
            c.ok();
            c.urc("+QSSLOPEN: " + id + ",561"); // no PDP context
            return;
        }
        ModuleTlsConnection conn = new ModuleTlsConnection(id, pdp, ctx, host, port, access,
                policy(id, host, contexts[ctx].copy()), link, random, new Reports());
        clients[id] = conn;
        c.ok();
        conn.open();
    }

    /**
     * What an SSL context's settings mean for one connection: the suites of {@link ModuleCipherSuites}, SNI only with
     * {@code sni} 1 (never for an IP address), the chain verified from seclevel 1 against {@code cacert}, the client
     * certificate and key presented at seclevel 2 (both files must exist), the host checked with {@code checkhost} 1,
     * dates checked only with {@code ignorelocaltime} 0.
     */
    private ModuleTlsPolicy policy(int id, String host, TlsContextSettings s) {
        byte[] ca = s.secLevel >= 1 ? file(s.caCert) : null;
        byte[] cert = s.secLevel == 2 ? file(s.clientCert) : null;
        byte[] key = s.secLevel == 2 ? file(s.clientKey) : null;
        String refusal = null;
        if (s.secLevel >= 1 && ca == null) {
            refusal = "seclevel " + s.secLevel + " needs the CA file '" + s.caCert + "', which is not in the UFS";
        } else if (s.secLevel == 2 && (cert == null || key == null)) {
            refusal = "seclevel 2 needs the client certificate '" + s.clientCert + "' and key '" + s.clientKey
                    + "' in the UFS";
        }
        String[] suites = ModuleCipherSuites.enabled(s.cipherSuite,
                ModuleCipherSuites.SUITES.values().toArray(new String[0]));
        return new ModuleTlsPolicy("emulated-bg95-ssl-" + id, List.of(ModuleCipherSuites.protocols(s.sslVersion)),
                List.of(suites), s.sni == 1 && !HostNames.isIpLiteral(host) ? host : "", s.secLevel >= 1,
                s.checkHost == 1 ? host : "", s.ignoreLocalTime == 0, clock.get(), s.negotiateTime, ca, cert, key,
                "CA file '" + s.caCert + "'", refusal);
    }

    private byte[] file(String name) {
        return name.isEmpty() ? null : ufs.read(name).orElse(null);
    }

    private void send(List<String> a, AtConsole c) throws IOException {
        ModuleTlsConnection conn = a.isEmpty() ? null : client(number(a.get(0)));
        if (conn == null || conn.state() != ModuleTlsConnection.State.CONNECTED || a.size() > 2) {
            c.error();
            return;
        }
        byte[] data;
        if (a.size() == 2) {
            int len = number(a.get(1));
            if (len < 1 || len > MAX_SEND) {
                c.error();
                return;
            }
            c.raw("\r\n> ".getBytes(StandardCharsets.ISO_8859_1));
            data = DataPhase.exactly(c.input(), len);
        } else {
            c.raw("\r\n> ".getBytes(StandardCharsets.ISO_8859_1));
            data = DataPhase.untilCtrlZ(c.input(), MAX_SEND);
            if (data == null) {
                c.line("SEND FAIL"); // ESC cancelled
                return;
            }
        }
        c.line(conn.send(data, sendFailWhenFull) ? "SEND OK" : "SEND FAIL");
    }

    private void recv(List<String> a, AtConsole c) throws IOException {
        ModuleTlsConnection conn = a.isEmpty() ? null : client(number(a.get(0)));
        int len = a.size() >= 2 ? number(a.get(1)) : MAX_READ;
        if (conn == null || a.size() > 2 || len < 1 || len > MAX_READ) {
            c.error();
            return;
        }
        byte[] data = conn.read(len);
        c.raw(("\r\n+QSSLRECV: " + data.length + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        if (data.length > 0) {
            c.raw(data);
            c.raw("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        }
        c.ok();
    }

    private void close(List<String> a, AtConsole c) throws IOException {
        int id = a.isEmpty() ? -1 : number(a.get(0));
        if (id < 0 || id >= CLIENTS || a.size() > 2) {
            c.error();
            return;
        }
        ModuleTlsConnection conn = clients[id];
        clients[id] = null;
        if (conn != null) {
            conn.close();
        }
        c.ok();
    }

    private void state(List<String> a, AtConsole c) throws IOException {
        if (a.size() > 1 || a.size() == 1 && (number(a.get(0)) < 0 || number(a.get(0)) >= CLIENTS)) {
            c.error();
            return;
        }
        List<String> lines = new ArrayList<>();
        for (ModuleTlsConnection conn : clients) {
            if (conn != null && (a.isEmpty() || number(a.get(0)) == conn.id)) {
                lines.add("+QSSLSTATE: " + conn.id + ",\"SSLClient\",\"" + conn.host + "\"," + conn.port + ","
                        + conn.localPort() + "," + conn.state().code + "," + conn.pdpContext + ",0,"
                        + conn.accessMode + ",\"uart1\"," + conn.sslContext);
            }
        }
        c.respond(lines.toArray(new String[0]));
    }

    private ModuleTlsConnection client(int id) {
        return id >= 0 && id < CLIENTS ? clients[id] : null;
    }

    private static int number(String s) {
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Connection reports, turned into URCs on the emulator thread. */
    private final class Reports implements ModuleTlsConnection.Events {
        @Override
        public void opened(ModuleTlsConnection conn, int error) {
            post.accept(() -> {
                if (clients[conn.id] != conn) {
                    return; // closed meanwhile
                }
                if (error != 0) {
                    clients[conn.id] = null; // a failed client frees its ID, as on the module
                }
                console.urc("+QSSLOPEN: " + conn.id + "," + error);
            });
        }

        @Override
        public void dataArrived(ModuleTlsConnection conn) {
            post.accept(() -> {
                if (clients[conn.id] != conn) {
                    return;
                }
                if (conn.accessMode == 1) {
                    byte[] data;
                    while ((data = conn.read(MAX_READ)).length > 0) { // the empty read re-arms the report
                        console.urcWithData("+QSSLURC: \"recv\"," + conn.id + "," + data.length, data);
                    }
                } else {
                    console.urc("+QSSLURC: \"recv\"," + conn.id);
                }
            });
        }

        @Override
        public void closedByPeer(ModuleTlsConnection conn) {
            post.accept(() -> {
                if (clients[conn.id] == conn) {
                    console.urc("+QSSLURC: \"closed\"," + conn.id);
                }
            });
        }
    }
}
