package io.uplink.modem.emulator;

import java.io.IOException;
import java.util.List;

/**
 * The HL7800's TCP sessions: AT+KTCPCFG, AT+KTCPCNX, AT+KTCPSND, AT+KTCPRCV, AT+KTCPCLOSE, AT+KTCPDEL, AT+KTCPSTAT and
 * the URCs {@code +KTCP_IND}, {@code +KTCP_DATA}, {@code +KTCP_NOTIF}.
 *
 * <p>Sources [V]: Zephyr's hl78xx driver (sessions numbered from 1; {@code AT+KTCPCFG=1,<0|3>,"host",<port>,,,,<af>,
 * <profile>,0} answered {@code +KTCPCFG: <s>}; {@code AT+KTCPCNX=<s>} then {@code +KTCP_IND: <s>,1}; KTCPSND and
 * KTCPRCV data phases framed {@code CONNECT ... <EOF pattern>} then {@code OK}; {@code +KTCP_DATA: <s>,<total>}; the
 * notification codes), the HL7518/HL7548 guide (KTCPRCV returns at most what is buffered and appends the EOF pattern;
 * KTCPSTAT's {@code <rem_data>}, {@code <rcv_data>} and {@code +CME ERROR: 910} for an undefined session; KTCPDEL only
 * after KTCPCLOSE), the Laird hl7800 driver [O] (six sessions). Field reports [O]: +KTCP_DATA is sent once and again
 * only after a read. Choices where the sources are silent are marked *[choice]* or *[U]*.
 *
 * <p>Threads: emulator thread only; connection events arrive through {@link EmulatedModule#post}.
 */
final class Hl7800Sessions {

    static final int SESSIONS = 6;
    /** +CME ERROR for a session that was never configured (or deleted). */
    static final int BAD_SESSION = 910;
    /** AT+KTCPRCV {@code <ndata>}: larger asks get what is buffered anyway; the bound keeps a read to one buffer. */
    private static final int MAX_READ = 64 * 1024;

    /** Opens the connection for a session; the personality knows how (TCP or the module's TLS). */
    interface Connector {
        /** The link for a session, or null after telling the session why not (a +KTCP_NOTIF). */
        Hl7800Link connect(Hl7800Session s, Hl7800Link.Events events);
    }

    private final Hl7800Session[] sessions = new Hl7800Session[SESSIONS + 1];
    private final EmulatedModule core;
    private final Hl7800Personality module;
    private final Connector connector;

    Hl7800Sessions(EmulatedModule core, Hl7800Personality module, Connector connector) {
        this.core = core;
        this.module = module;
        this.connector = connector;
    }

    Hl7800Session session(int id) {
        return id >= 1 && id <= SESSIONS ? sessions[id] : null;
    }

    /** A reboot or the end of the module: every connection vanishes; {@code forget} also drops the configurations. */
    void abortAll(boolean forget) {
        for (int i = 1; i <= SESSIONS; i++) {
            Hl7800Session s = sessions[i];
            if (s != null) {
                s.drop(false);
                if (forget) {
                    sessions[i] = null;
                } else if (s.state() != Hl7800Session.State.DEFINED) {
                    s.state(Hl7800Session.State.CLOSED);
                }
            }
        }
    }

    /** The network dropped the data session: open sessions report a network error. */
    void networkLost() {
        for (int i = 1; i <= SESSIONS; i++) {
            Hl7800Session s = sessions[i];
            if (s != null && (s.state() == Hl7800Session.State.CONNECTED
                    || s.state() == Hl7800Session.State.CONNECTING)) {
                s.drop(false);
                s.state(Hl7800Session.State.CLOSED);
                notif(s, Hl7800Notif.NETWORK_ERROR);
            }
        }
    }

    /**
     * AT+KTCPCFG=[<cnx cnf>],<mode>,<host>,<port>[,<source port>[,<data mode>[,<URC-ENDTCP>[,<af>[,<cipher index>
     * [,...]]]]]]. Modes 0 (client) and 3 (TLS client) are emulated; server modes (1, 2) answer +CME ERROR: 3.
     */
    void configure(CommandLine c) throws IOException {
        ResponseWriter out = core.out();
        if (c.test()) {
            out.respond("+KTCPCFG: (1-5),(0-3),<remote-name/ip>,(1-65535),(1-65535),(0-1),(0-1),(0-1),(0-7)");
            return;
        }
        List<String> a = c.args();
        int cnx = Hl7800Args.number(a, 0, 1);
        int mode = Hl7800Args.number(a, 1);
        String host = a.size() > 2 ? a.get(2) : "";
        int port = Hl7800Args.number(a, 3);
        int af = Hl7800Args.number(a, 7, 0);
        int profile = Hl7800Args.number(a, 8, 0);
        if (c.query() || a.size() < 4 || cnx < 1 || cnx > 5 || mode != Hl7800Session.TCP && mode != Hl7800Session.TLS
                || host.isEmpty() || host.length() > 255 || port < 1 || port > 65535 || af < 0 || af > 1
                || profile < 0 || profile >= Hl7800TlsProfiles.PROFILES) {
            out.cmeError(3); // *[choice]*: the read form and server modes are not emulated
            return;
        }
        int limit = Math.min(SESSIONS, Math.max(0, core.faults().maxOpenSockets()));
        int id = 0;
        for (int i = 1; i <= limit; i++) {
            if (sessions[i] == null) {
                id = i;
                break;
            }
        }
        if (id == 0) {
            out.cmeError(3); // all sessions in use *[U: the manual's code for this is not known]*
            return;
        }
        sessions[id] = new Hl7800Session(id, cnx, mode, host, port, profile, core.link().receiveBufferBytes());
        out.respond("+KTCPCFG: " + id);
    }

    /** AT+KTCPCNX=<s>: OK, then +KTCP_IND: <s>,1 or +KTCP_NOTIF: <s>,<code>. */
    void connect(CommandLine c) throws IOException {
        ResponseWriter out = core.out();
        if (c.test()) {
            out.respond("+KTCPCNX: (1-" + SESSIONS + ")");
            return;
        }
        Hl7800Session s = c.count() == 1 ? session(c.intArg(0)) : null;
        if (s == null) {
            out.cmeError(BAD_SESSION);
            return;
        }
        out.ok();
        if (s.state() == Hl7800Session.State.CONNECTING || s.state() == Hl7800Session.State.CONNECTED) {
            notif(s, Hl7800Notif.SESSION_RUNNING);
            return;
        }
        if (!module.dataSessionUp(s.cnxConfig)) {
            notif(s, Hl7800Notif.NETWORK_ERROR); // not registered, or the network refused the APN *[U]*
            return;
        }
        s.drop(false);
        s.take(Integer.MAX_VALUE);
        s.state(Hl7800Session.State.CONNECTING);
        Hl7800Link link = connector.connect(s, new Events(s));
        if (link == null) {
            s.state(Hl7800Session.State.CLOSED);
            return;
        }
        s.link(link);
        link.open();
    }

    /**
     * AT+KTCPSND=<s>,<ndata>: CONNECT, the data until the EOF pattern, OK. A count that differs from ndata still sends
     * what arrived, then {@code +KTCP_NOTIF: <s>,8} (HL7518 guide). A connection lost meanwhile: NO CARRIER *[U]*.
     */
    void send(CommandLine c) throws IOException {
        ResponseWriter out = core.out();
        if (c.test()) {
            out.respond("+KTCPSND: (1-" + SESSIONS + "),(1-4294967295)");
            return;
        }
        Hl7800Session s = c.count() == 2 ? session(c.intArg(0)) : null;
        long ndata = c.count() == 2 ? longArg(c.arg(1)) : -1;
        if (s == null) {
            out.cmeError(BAD_SESSION);
            return;
        }
        if (ndata < 1 || ndata > 4294967295L) {
            out.cmeError(3);
            return;
        }
        if (s.state() != Hl7800Session.State.CONNECTED) {
            out.cmeError(3); // *[U]*: the code for "session not connected" is not confirmed
            return;
        }
        out.connect();
        boolean[] lost = new boolean[1];
        Hl7800DataPhase.Result r = Hl7800DataPhase.read(core.input(), module.eofPattern(), ndata, module.idleMillis(),
                (data, off, len) -> {
                    Hl7800Link link = s.link();
                    if (!lost[0] && (link == null || !link.send(java.util.Arrays.copyOfRange(data, off, off + len)))) {
                        lost[0] = true;
                    }
                });
        if (lost[0]) {
            out.finalLine("NO CARRIER");
            return;
        }
        out.ok();
        if (!r.matches(ndata)) {
            notif(s, Hl7800Notif.SEND_LENGTH_MISMATCH);
        }
    }

    /** AT+KTCPRCV=<s>,<ndata>: CONNECT, up to ndata buffered bytes, the EOF pattern, OK. */
    void receive(CommandLine c) throws IOException {
        ResponseWriter out = core.out();
        if (c.test()) {
            out.respond("+KTCPRCV: (1-" + SESSIONS + "),(1-4294967295)");
            return;
        }
        Hl7800Session s = c.count() == 2 ? session(c.intArg(0)) : null;
        long ndata = c.count() == 2 ? longArg(c.arg(1)) : -1;
        if (s == null) {
            out.cmeError(BAD_SESSION);
            return;
        }
        if (ndata < 1 || ndata > 4294967295L) {
            out.cmeError(3);
            return;
        }
        byte[] data = s.take((int) Math.min(ndata, MAX_READ));
        out.connect();
        out.raw(data);
        out.raw(module.eofPattern());
        out.ok();
        s.pull();
        announce(s);
    }

    /** AT+KTCPCLOSE=<s>[,<closing type>]: OK; the connection closes (TLS: close_notify). */
    void close(CommandLine c) throws IOException {
        ResponseWriter out = core.out();
        if (c.test()) {
            out.respond("+KTCPCLOSE: (1-" + SESSIONS + "),(0-1)");
            return;
        }
        Hl7800Session s = c.count() >= 1 && c.count() <= 2 ? session(c.intArg(0)) : null;
        int type = c.count() == 2 ? c.intArg(1) : 1;
        if (s == null) {
            out.cmeError(BAD_SESSION);
            return;
        }
        if (type < 0 || type > 1) {
            out.cmeError(3);
            return;
        }
        s.drop(true);
        s.state(Hl7800Session.State.CLOSED);
        out.ok();
    }

    /** AT+KTCPDEL=<s>: only a session that is not connected (the guide: close it first). */
    void delete(CommandLine c) throws IOException {
        ResponseWriter out = core.out();
        if (c.test()) {
            out.respond("+KTCPDEL: (1-" + SESSIONS + ")");
            return;
        }
        Hl7800Session s = c.count() == 1 ? session(c.intArg(0)) : null;
        if (s == null) {
            out.cmeError(BAD_SESSION);
            return;
        }
        if (s.state() == Hl7800Session.State.CONNECTED || s.state() == Hl7800Session.State.CONNECTING) {
            out.cmeError(3); // *[U]*: the code is not confirmed
            return;
        }
        s.drop(false);
        sessions[s.id] = null;
        out.ok();
    }

    /** AT+KTCPSTAT=<s> -> {@code +KTCPSTAT: <status>,<tcp_notif>,<rem_data>,<rcv_data>}. */
    void status(CommandLine c) throws IOException {
        ResponseWriter out = core.out();
        if (c.test()) {
            out.respond("+KTCPSTAT: (1-" + SESSIONS + ")");
            return;
        }
        Hl7800Session s = c.count() == 1 ? session(c.intArg(0)) : null;
        if (s == null) {
            out.cmeError(BAD_SESSION);
            return;
        }
        Hl7800Link link = s.link();
        long unsent = link == null ? 0 : link.unsent();
        out.respond("+KTCPSTAT: " + s.state().code + "," + s.lastNotif() + "," + unsent + "," + s.buffered());
    }

    /** A URC for the fault urcInsideResponses: a data report for a session with data waiting, if any. */
    String injectableUrc() {
        for (int i = 1; i <= SESSIONS; i++) {
            Hl7800Session s = sessions[i];
            if (s != null && s.buffered() > 0) {
                return "+KTCP_DATA: " + s.id + "," + s.buffered();
            }
        }
        return null;
    }

    void notif(Hl7800Session s, int code) {
        s.notif(code);
        core.out().urc("+KTCP_NOTIF: " + s.id + "," + code);
    }

    private void announce(Hl7800Session s) {
        if (s.shouldAnnounce()) {
            core.out().urc("+KTCP_DATA: " + s.id + "," + s.buffered());
        }
    }

    private static long longArg(String s) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** A connection's reports, run on the emulator thread; stale reports (session closed or replaced) are dropped. */
    private final class Events implements Hl7800Link.Events {
        private final Hl7800Session s;

        Events(Hl7800Session s) {
            this.s = s;
        }

        private boolean current() {
            return sessions[s.id] == s && s.link() != null;
        }

        @Override
        public void connected() {
            core.post(() -> {
                if (current() && s.state() == Hl7800Session.State.CONNECTING) {
                    s.state(Hl7800Session.State.CONNECTED);
                    core.out().urc("+KTCP_IND: " + s.id + ",1");
                }
            });
        }

        @Override
        public void failed(int code) {
            core.post(() -> {
                if (current()) {
                    s.drop(false);
                    s.state(Hl7800Session.State.CLOSED);
                    notif(s, code);
                }
            });
        }

        @Override
        public void dataArrived() {
            core.post(() -> {
                if (current()) {
                    s.pull();
                    announce(s);
                }
            });
        }

        @Override
        public void closedByPeer() {
            core.post(() -> {
                if (current() && s.state() == Hl7800Session.State.CONNECTED) {
                    s.pull();
                    announce(s);
                    s.state(Hl7800Session.State.CLOSED);
                    notif(s, Hl7800Notif.REMOTE_DISCONNECTION);
                }
            });
        }
    }
}
