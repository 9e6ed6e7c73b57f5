package io.uplink.modem.emulator;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.function.BooleanSupplier;

/**
 * The BC660K's TCP sockets. Quectel's BC660K-GL TCP/IP application note was not readable; this follows field logs and
 * a driver's bench notes [O] (fact sheet section 7), and marks the rest [U]:
 *
 * <ul>
 * <li>{@code AT+QIOPEN=0,<connectID 0-4>,"TCP","<host>",<port>[,<local_port>[,<access_mode>]]}: context 0 is the
 * attach's default bearer; {@code OK}, then {@code +QIOPEN: <id>,<err>} once connected (0) or failed. Access mode 1,
 * direct push, is the default [O]; 0 is buffer access. UDP and transparent mode are not emulated (ERROR). The error
 * codes are the Quectel family's [U]: 561 no bearer, 563 connectID in use, 565 DNS, 566 connection failed.</li>
 * <li>{@code AT+QISEND=<id>,<len>,"<data>"} ({@code <len>} 1-1024 bytes; in hex format the data is 2 x len hex
 * digits) -> {@code OK}, then {@code SEND OK} (or {@code SEND FAIL} when the send buffer is full) [O]. The prompt
 * forms {@code AT+QISEND=<id>,<len>} (exactly len bytes, or 2 x len hex digits, after {@code >}) and
 * {@code AT+QISEND=<id>} (up to Ctrl+Z, ESC cancels with ERROR) are the Quectel family's [U].</li>
 * <li>Direct push: {@code +QIURC: "recv",<id>,<len>,"<data>"}, one URC per segment of at most 1460 bytes [O].</li>
 * <li>Buffer access: one {@code +QIURC: "recv",<id>} (with {@code ,<len>} under {@code "showlength",1}) until a read
 * finds the buffer empty [O]; the buffer holds 2168 bytes and what does not fit is dropped, reported once per
 * overflow as {@code +QIURC: "recv",<id>,"buff full"} [O]. {@code AT+QIRD=<id>[,<len 1-1024>]} answers
 * {@code +QIRD: <n>[,<left>],"<data>"} on one line (viewmode 0) or with the data on the next (viewmode 1), and
 * {@code +QIRD: 0} when the buffer is empty [O].</li>
 * <li>{@code AT+QICFG="dataformat",<send 0 text|1 hex>,<recv 0|1>}, {@code "showlength",<0|1>},
 * {@code "viewmode",<0|1>}: kept in NVRAM, so they survive a reboot [O]. Text data goes out as it is, between the
 * quotes, whatever bytes it holds [U].</li>
 * <li>{@code AT+QICLOSE=<id>} -> {@code OK}, then {@code CLOSE OK}; ERROR when nothing is open there [O]. A
 * connection the peer or the network closed reports {@code +QIURC: "closed",<id>} and keeps its connectID until
 * AT+QICLOSE [U].</li>
 * </ul>
 *
 * <p>Threads: the emulator thread owns all of it; the relayed sockets report through the core's inbox.
 */
final class Bc660kSockets {

    static final int SOCKETS = 5;
    static final int MAX_SEND = 1024;
    static final int MAX_READ = 1024;
    /** The module's receive buffer per connection in buffer access mode [O]. */
    static final int BUFFER_BYTES = 2168;
    /** The most data one direct-push URC carries [O: one TCP segment]. */
    static final int PUSH_CHUNK = 1460;
    private static final HexFormat HEX = HexFormat.of().withUpperCase();

    /** One connectID. */
    private static final class Conn {
        final EmulatedSocket socket;
        final boolean push;
        final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        boolean announced;
        boolean overflowReported;
        boolean closedReported;

        Conn(EmulatedSocket socket, boolean push) {
            this.socket = socket;
            this.push = push;
        }
    }

    private final EmulatedModule core;
    private final ResponseWriter out;
    private final BooleanSupplier dataPathUp;
    private final Conn[] conns = new Conn[SOCKETS];
    /** AT+QICFG settings, kept across reboots (NVRAM) [O]. */
    private boolean sendHex;
    private boolean recvHex;
    private boolean showLength;
    private boolean viewModeSeparate;

    Bc660kSockets(EmulatedModule core, BooleanSupplier dataPathUp) {
        this.core = core;
        this.out = core.out();
        this.dataPathUp = dataPathUp;
    }

    boolean handle(CommandLine c) throws IOException {
        switch (c.name()) {
        case "+QICFG":
            qicfg(c);
            return true;
        case "+QIOPEN":
            qiopen(c);
            return true;
        case "+QISEND":
            qisend(c);
            return true;
        case "+QIRD":
            qird(c);
            return true;
        case "+QICLOSE":
            qiclose(c);
            return true;
        default:
            return false;
        }
    }

    private void qicfg(CommandLine c) throws IOException {
        if (c.test()) {
            out.respondBlock(java.util.List.of("+QICFG: \"dataformat\",(0,1),(0,1)", "+QICFG: \"showlength\",(0,1)",
                    "+QICFG: \"viewmode\",(0,1)"));
            return;
        }
        String item = c.arg(0);
        switch (item) {
        case "dataformat":
            if (c.count() == 1) {
                out.respond("+QICFG: \"dataformat\"," + bit(sendHex) + "," + bit(recvHex));
            } else if (c.count() == 3 && flag(c.arg(1)) && flag(c.arg(2))) {
                sendHex = c.arg(1).equals("1");
                recvHex = c.arg(2).equals("1");
                out.ok();
            } else {
                out.error();
            }
            return;
        case "showlength":
        case "viewmode":
            boolean current = item.equals("showlength") ? showLength : viewModeSeparate;
            if (c.count() == 1) {
                out.respond("+QICFG: \"" + item + "\"," + bit(current));
            } else if (c.count() == 2 && flag(c.arg(1))) {
                if (item.equals("showlength")) {
                    showLength = c.arg(1).equals("1");
                } else {
                    viewModeSeparate = c.arg(1).equals("1");
                }
                out.ok();
            } else {
                out.error();
            }
            return;
        default:
            out.error();
        }
    }

    private void qiopen(CommandLine c) throws IOException {
        if (c.test()) {
            out.respond("+QIOPEN: (0),(0-4),\"TCP\",<IP_address>/<domain_name>,(1-65535),(0-65535),(0,1)");
            return;
        }
        int id = c.intArg(1);
        int port = c.intArg(4);
        int access = c.count() > 6 ? c.intArg(6) : 1;
        if (c.count() < 5 || c.count() > 7 || c.intArg(0) != 0 || id < 0 || id >= SOCKETS
                || !"TCP".equals(c.arg(2)) || c.arg(3).isEmpty() || c.arg(3).length() > 150 || port < 1
                || port > 65535 || access != 0 && access != 1) {
            out.error(); // UDP, transparent mode and contexts other than 0 are not emulated either
            return;
        }
        if (conns[id] != null) {
            out.ok();
            out.urc("+QIOPEN: " + id + ",563");
            return;
        }
        if (!dataPathUp.getAsBoolean()) {
            out.ok();
            out.urc("+QIOPEN: " + id + ",561");
            return;
        }
        long open = Arrays.stream(conns).filter(java.util.Objects::nonNull).count();
        if (open >= core.faults().maxOpenSockets()) {
            out.ok();
            out.urc("+QIOPEN: " + id + ",553");
            return;
        }
        Events events = new Events();
        EmulatedSocket s = new EmulatedSocket("emulated-bc660k", id, 0, c.arg(3), port, access, core.link(),
                core.faults(), core.random(), events);
        Conn conn = new Conn(s, access == 1);
        events.conn = conn;
        conns[id] = conn;
        out.ok();
        s.open();
    }

    private void qisend(CommandLine c) throws IOException {
        int id = c.intArg(0);
        Conn conn = id >= 0 && id < SOCKETS ? conns[id] : null;
        if (conn == null || conn.socket.state() != EmulatedSocket.CONNECTED || c.count() > 4) {
            out.error();
            return;
        }
        byte[] data;
        if (c.count() >= 3) {
            int len = c.intArg(1);
            data = len < 1 || len > MAX_SEND ? null : decode(inlineData(c.rawArgs()), sendHex);
            if (data == null || data.length != len) {
                out.error();
                return;
            }
        } else if (c.count() == 2) {
            int len = c.intArg(1);
            if (len < 1 || len > MAX_SEND) {
                out.error();
                return;
            }
            prompt();
            byte[] typed = DataPhase.exactly(core.input(), sendHex ? 2 * len : len);
            data = decode(new String(typed, StandardCharsets.ISO_8859_1), sendHex);
            if (data == null) {
                out.error();
                return;
            }
        } else {
            prompt();
            byte[] typed = DataPhase.untilCtrlZ(core.input(), sendHex ? 2 * MAX_SEND : MAX_SEND);
            data = typed == null ? null : decode(new String(typed, StandardCharsets.ISO_8859_1), sendHex);
            if (data == null || data.length == 0) {
                out.error(); // ESC, nothing typed, or bad hex
                return;
            }
        }
        out.ok();
        boolean accepted = conn.socket.send(data, core.faults().sendFailWhenFull());
        out.urc(accepted ? "SEND OK" : "SEND FAIL");
    }

    private void prompt() throws IOException {
        out.raw("\r\n> ".getBytes(StandardCharsets.ISO_8859_1));
    }

    /** The quoted data argument of {@code <id>,<len>,"<data>"[,<rai>]}, quotes and commas inside kept; null if none. */
    static String inlineData(String rawArgs) {
        int open = rawArgs.indexOf('"');
        int close = rawArgs.lastIndexOf('"');
        if (open < 0 || close <= open) {
            return null;
        }
        String tail = rawArgs.substring(close + 1).trim();
        if (!tail.isEmpty() && !tail.matches(",\\s*\\d")) {
            return null; // only an RAI flag may follow the data [U]
        }
        return rawArgs.substring(open + 1, close);
    }

    /** Text as it is (ISO-8859-1), or hex digits of either case; null for bad hex. */
    static byte[] decode(String data, boolean hex) {
        if (data == null) {
            return null;
        }
        if (!hex) {
            return data.getBytes(StandardCharsets.ISO_8859_1);
        }
        if (data.length() % 2 != 0) {
            return null;
        }
        try {
            return HEX.parseHex(data);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private String encode(byte[] data, boolean hex) {
        return hex ? HEX.formatHex(data) : new String(data, StandardCharsets.ISO_8859_1);
    }

    private void qird(CommandLine c) throws IOException {
        int id = c.intArg(0);
        Conn conn = id >= 0 && id < SOCKETS ? conns[id] : null;
        int max = c.count() > 1 ? c.intArg(1) : MAX_READ;
        if (conn == null || c.count() > 2 || max < 1 || max > MAX_READ) {
            out.error();
            return;
        }
        byte[] all = conn.buffer.toByteArray();
        int n = Math.min(max, all.length);
        conn.buffer.reset();
        conn.buffer.write(all, n, all.length - n);
        if (n == 0) {
            conn.announced = false; // the next data is announced again [O]
            out.respond("+QIRD: 0" + (showLength ? ",0" : ""));
            return;
        }
        if (conn.buffer.size() == 0) {
            conn.overflowReported = false;
        }
        String head = "+QIRD: " + n + (showLength ? "," + conn.buffer.size() : "");
        String data = encode(Arrays.copyOf(all, n), recvHex);
        if (viewModeSeparate) {
            out.respond(head + "\r\n" + data);
        } else {
            out.respond(head + ",\"" + data + "\"");
        }
    }

    private void qiclose(CommandLine c) throws IOException {
        int id = c.intArg(0);
        Conn conn = id >= 0 && id < SOCKETS && c.count() == 1 ? conns[id] : null;
        if (conn == null) {
            out.error();
            return;
        }
        conns[id] = null;
        conn.socket.close();
        out.ok();
        out.urc("CLOSE OK");
    }

    /** Pulls what the relayed socket received: pushed out as URCs, or kept in the 2168-byte buffer. */
    private void drain(Conn conn) {
        if (conns[conn.socket.id] != conn) {
            return;
        }
        while (true) {
            byte[] data = conn.socket.read(PUSH_CHUNK); // an empty read re-arms the socket's notification
            if (data.length == 0) {
                return;
            }
            if (conn.push) {
                out.urc("+QIURC: \"recv\"," + conn.socket.id + "," + data.length + ",\"" + encode(data, recvHex)
                        + "\"");
                continue;
            }
            int room = BUFFER_BYTES - conn.buffer.size();
            conn.buffer.write(data, 0, Math.min(room, data.length));
            if (!conn.announced && conn.buffer.size() > 0) {
                conn.announced = true;
                out.urc("+QIURC: \"recv\"," + conn.socket.id + (showLength ? "," + conn.buffer.size() : ""));
            }
            if (data.length > room && !conn.overflowReported) {
                conn.overflowReported = true; // the rest is dropped, as on the module [O]
                out.urc("+QIURC: \"recv\"," + conn.socket.id + ",\"buff full\"");
            }
        }
    }

    /** The radio went off: every connection is gone [U: reported as closed]. */
    void radioOff() {
        for (int i = 0; i < SOCKETS; i++) {
            Conn conn = conns[i];
            if (conn != null && !conn.closedReported) {
                conn.closedReported = true;
                conn.socket.close();
                out.urc("+QIURC: \"closed\"," + i);
            }
        }
    }

    void closeAll() {
        for (int i = 0; i < SOCKETS; i++) {
            if (conns[i] != null) {
                conns[i].socket.close();
                conns[i] = null;
            }
        }
    }

    String injectableUrc() {
        for (Conn conn : conns) {
            if (conn != null && !conn.push && conn.socket.state() == EmulatedSocket.CONNECTED) {
                return "+QIURC: \"recv\"," + conn.socket.id;
            }
        }
        return null;
    }

    private static boolean flag(String v) {
        return v.equals("0") || v.equals("1");
    }

    private static int bit(boolean b) {
        return b ? 1 : 0;
    }

    /** Socket reports, turned into URCs on the emulator thread. */
    private final class Events implements EmulatedSocket.Events {
        Conn conn;

        @Override
        public void opened(EmulatedSocket s, int error) {
            core.post(() -> {
                if (conns[s.id] != conn) {
                    return; // closed meanwhile
                }
                if (error != 0) {
                    conns[s.id] = null;
                }
                out.urc("+QIOPEN: " + s.id + "," + error);
            });
        }

        @Override
        public void dataArrived(EmulatedSocket s) {
            core.post(() -> drain(conn));
        }

        @Override
        public void closedByPeer(EmulatedSocket s) {
            core.post(() -> {
                if (conns[s.id] == conn && !conn.closedReported) {
                    drain(conn);
                    conn.closedReported = true;
                    out.urc("+QIURC: \"closed\"," + s.id);
                }
            });
        }
    }
}
