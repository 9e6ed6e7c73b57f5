package io.uplink.modem.emulator;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A Sierra Wireless HL7800 (LTE-M/NB-IoT) as its AT commands guide and Sierra's own test scripts describe it. How it
 * differs from the 27.007 baseline: it announces itself with {@code +KSUP: 0} at start; its data phases are framed by
 * {@code CONNECT} and an end-of-data pattern the host sets with AT+KPATTERN (default {@code --EOF--Pattern--}), not by
 * a prompt or Ctrl+Z; TCP sessions are numbered from 1 and configured before they connect (KTCPCFG, KTCPCNX), their
 * data is announced once ({@code +KTCP_DATA}) and read with KTCPRCV; failures come as {@code +KTCP_NOTIF} codes; TLS
 * is a session mode (KTCPCFG mode 3) with cipher profiles (KSSLCRYPTO) and credentials in numbered slots (KCERTSTORE,
 * KPRIVKSTORE). The PDP context comes from AT+CGDCONT/AT+KCNXCFG and is activated by AT+CGACT or by the first KTCPCNX.
 *
 * <p>Written from the sources named in {@link Hl7800Sessions}, {@link Hl7800Credentials}, {@link Hl7800TlsProfiles}
 * and {@code shared/facts/modems.md} sections 3 and 7, not from Uplink's Sierra dialect. Identification
 * [O: Laird's hl7800 driver reads a 15-character manufacturer, a 6-character model and a revision of the form
 * {@code HL7800.4.x.y.z}]: {@code AT+CGMI} Sierra Wireless, {@code AT+CGMM} HL7800, {@code AT+CGMR} HL7800.4.6.7.0
 * (a 4.6 firmware, whose TLS the fact sheet describes); {@code ATI} answers the model, {@code ATI3} the revision [U].
 *
 * <p>Threads: emulator thread only, except {@link #name()} and {@link #identity()}.
 */
final class Hl7800Personality implements Personality {

    static final String NAME = "hl7800";
    static final String MODEL = "HL7800";
    static final String REVISION = "HL7800.4.6.7.0";
    static final String DEFAULT_PATTERN = "--EOF--Pattern--";
    /** AT+KPATTERN's longest pattern *[U: the guide's limit is not known]*. */
    static final int MAX_PATTERN = 128;
    /** Silence that ends a data phase without its EOF pattern *[choice]*. */
    static final long DEFAULT_IDLE_MILLIS = 5000;
    private static final int CONTEXTS = 5;

    private static final Identity IDENTITY = new Identity("Sierra Wireless", MODEL, REVISION, "354720110012345",
            List.of(MODEL));

    private final long idleMillis;
    private final int handshakeTimeoutSeconds;
    private EmulatedModule core;
    private Hl7800Credentials credentials;
    private Hl7800TlsProfiles tls;
    private Hl7800Sessions sessions;
    private byte[] pattern = DEFAULT_PATTERN.getBytes(StandardCharsets.ISO_8859_1);
    /** APN per PDP context / connection configuration 1-5 (AT+CGDCONT, AT+KCNXCFG). */
    private final String[] apn = new String[CONTEXTS + 1];
    private final boolean[] active = new boolean[CONTEXTS + 1];

    Hl7800Personality() {
        this(DEFAULT_IDLE_MILLIS, Hl7800TlsLink.HANDSHAKE_TIMEOUT_S);
    }

    /**
     * @param idleMillis silence that ends a data phase whose EOF pattern never comes
     * @param handshakeTimeoutSeconds how long a TLS session's TCP connect and handshake may take
     */
    Hl7800Personality(long idleMillis, int handshakeTimeoutSeconds) {
        if (idleMillis < 1 || handshakeTimeoutSeconds < 1) {
            throw new IllegalArgumentException("the data-phase silence must be at least 1 ms and the TLS handshake "
                    + "timeout at least 1 s, were " + idleMillis + " ms and " + handshakeTimeoutSeconds + " s");
        }
        this.idleMillis = idleMillis;
        this.handshakeTimeoutSeconds = handshakeTimeoutSeconds;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Identity identity() {
        return IDENTITY;
    }

    /** LTE-M. */
    @Override
    public int accessTechnology() {
        return 7;
    }

    /** 27.007 default; Sierra's scripts and Zephyr's driver set AT+CMEE=1 first *[U: the module's default]*. */
    @Override
    public int cmeeAtStart() {
        return 0;
    }

    @Override
    public void attach(EmulatedModule module) {
        this.core = module;
        this.credentials = new Hl7800Credentials(this::eofPattern, idleMillis);
        this.tls = new Hl7800TlsProfiles();
        this.sessions = new Hl7800Sessions(module, this, this::open);
    }

    @Override
    public void started() {
        core.out().urc("+KSUP: 0");
    }

    byte[] eofPattern() {
        return pattern.clone();
    }

    long idleMillis() {
        return idleMillis;
    }

    Hl7800Credentials credentials() {
        return credentials;
    }

    @Override
    public boolean handle(CommandLine c) throws IOException {
        ResponseWriter out = core.out();
        switch (c.name()) {
        case "I0":
            out.respond(MODEL);
            return true;
        case "I3":
            out.respond(REVISION);
            return true;
        case "&K0":
        case "&K3":
        case "&D0":
        case "&D1":
        case "&D2":
            out.ok(); // the virtual line has no flow control or DTR to change
            return true;
        case "+KPATTERN":
            kpattern(c);
            return true;
        case "+CGDCONT":
            cgdcont(c);
            return true;
        case "+KCNXCFG":
            kcnxcfg(c);
            return true;
        case "+CGACT":
            cgact(c);
            return true;
        case "+CGCONTRDP":
            cgcontrdp(c);
            return true;
        case "+KCERTSTORE":
            credentials.certStore(c.query(), c.test(), c.args(), out);
            return true;
        case "+KPRIVKSTORE":
            credentials.keyStore(c.query(), c.test(), c.args(), out);
            return true;
        case "+KCERTDELETE":
            credentials.certDelete(c.test(), c.args(), out);
            return true;
        case "+KPRIVKDELETE":
            credentials.keyDelete(c.test(), c.args(), out);
            return true;
        case "+KSSLCRYPTO":
            tls.crypto(c.query(), c.test(), c.args(), out);
            return true;
        case "+KSSLCFG":
            tls.config(c.query(), c.test(), c.args(), out);
            return true;
        case "+KTCPCFG":
            sessions.configure(c);
            return true;
        case "+KTCPCNX":
            sessions.connect(c);
            return true;
        case "+KTCPSND":
            sessions.send(c);
            return true;
        case "+KTCPRCV":
            sessions.receive(c);
            return true;
        case "+KTCPCLOSE":
            sessions.close(c);
            return true;
        case "+KTCPDEL":
            sessions.delete(c);
            return true;
        case "+KTCPSTAT":
            sessions.status(c);
            return true;
        default:
            return false;
        }
    }

    /** AT+KPATTERN="<pattern>" / AT+KPATTERN? : the end-of-data pattern of every data phase. */
    private void kpattern(CommandLine c) throws IOException {
        ResponseWriter out = core.out();
        if (c.test()) {
            out.respond("+KPATTERN: <EOF pattern>");
            return;
        }
        if (c.query()) {
            out.respond("+KPATTERN: \"" + new String(pattern, StandardCharsets.ISO_8859_1) + "\"");
            return;
        }
        String p = c.count() == 1 && c.quoted(0) ? c.arg(0) : "";
        if (p.isEmpty() || p.length() > MAX_PATTERN || !p.chars().allMatch(ch -> ch > 0x20 && ch < 0x7F)) {
            out.cmeError(3); // *[U]*: which patterns the module refuses is not known; empty or unprintable here
            return;
        }
        pattern = p.getBytes(StandardCharsets.ISO_8859_1);
        out.ok();
    }

    /** AT+CGDCONT=<cid>,"<PDP type>","<APN>": the APN of a context (1-5); 27.007. */
    private void cgdcont(CommandLine c) throws IOException {
        ResponseWriter out = core.out();
        if (c.test()) {
            out.respond("+CGDCONT: (1-" + CONTEXTS + "),\"IP\",,,(0),(0)", "+CGDCONT: (1-" + CONTEXTS
                    + "),\"IPV6\",,,(0),(0)", "+CGDCONT: (1-" + CONTEXTS + "),\"IPV4V6\",,,(0),(0)");
            return;
        }
        if (c.query()) {
            java.util.List<String> lines = new java.util.ArrayList<>();
            for (int i = 1; i <= CONTEXTS; i++) {
                if (apn[i] != null) {
                    lines.add("+CGDCONT: " + i + ",\"IPV4V6\",\"" + apn[i] + "\",\"\",0,0");
                }
            }
            out.respond(lines.toArray(new String[0]));
            return;
        }
        int cid = c.intArg(0);
        String type = c.arg(1);
        if (cid < 1 || cid > CONTEXTS || c.count() > 1 && !List.of("IP", "IPV6", "IPV4V6").contains(type)) {
            out.cmeError(3);
            return;
        }
        apn[cid] = c.count() == 1 ? null : c.count() > 2 ? c.arg(2) : ""; // AT+CGDCONT=<cid> alone undefines it
        active[cid] = false;
        out.ok();
    }

    /** AT+KCNXCFG=<cnx cnf>,"GPRS","<APN>"[,...]: the connection configuration KTCPCFG names; shares the APN table. */
    private void kcnxcfg(CommandLine c) throws IOException {
        ResponseWriter out = core.out();
        if (c.test() || c.query()) {
            out.cmeError(3); // *[U]*: the read and test forms are not emulated
            return;
        }
        int cnx = c.intArg(0);
        if (cnx < 1 || cnx > CONTEXTS || c.count() < 3 || !c.arg(1).equalsIgnoreCase("GPRS")) {
            out.cmeError(3);
            return;
        }
        apn[cnx] = c.arg(2);
        out.ok();
    }

    /** AT+CGACT=<state>[,<cid>] / AT+CGACT?. */
    private void cgact(CommandLine c) throws IOException {
        ResponseWriter out = core.out();
        if (c.test()) {
            out.respond("+CGACT: (0-1)");
            return;
        }
        if (c.query()) {
            java.util.List<String> lines = new java.util.ArrayList<>();
            for (int i = 1; i <= CONTEXTS; i++) {
                if (apn[i] != null) {
                    lines.add("+CGACT: " + i + "," + (active[i] ? 1 : 0));
                }
            }
            out.respond(lines.toArray(new String[0]));
            return;
        }
        int state = c.intArg(0);
        int cid = c.count() > 1 ? c.intArg(1) : 1;
        if (state < 0 || state > 1 || cid < 1 || cid > CONTEXTS) {
            out.cmeError(3);
            return;
        }
        if (state == 0) {
            active[cid] = false;
            sessions.networkLost();
            out.ok();
            return;
        }
        if (!activate(cid)) {
            out.cmeError(30); // no network service: not registered, or the network refused the APN *[U]*
            return;
        }
        out.ok();
    }

    /** AT+CGCONTRDP[=<cid>]: address, gateway and DNS of an active context, the form Zephyr's driver parses. */
    private void cgcontrdp(CommandLine c) throws IOException {
        int cid = c.count() > 0 ? c.intArg(0) : 1;
        if (cid < 1 || cid > CONTEXTS || !active[cid]) {
            core.out().respond();
            return;
        }
        core.out().respond("+CGCONTRDP: " + cid + ",5,\"" + apn[cid] + "\",\"10.64.0.42.255.255.255.0\","
                + "\"10.64.0.1\",\"10.64.0.1\"");
    }

    /** Activates a context when the network allows it: registered, and the APN the network wants. */
    private boolean activate(int cid) {
        if (!core.registered()) {
            return false;
        }
        String required = core.faults().requiredApn();
        String have = apn[cid] == null ? "" : apn[cid];
        if (!required.isEmpty() && !required.equals(have)) {
            return false;
        }
        active[cid] = true;
        return true;
    }

    /**
     * The data session a KTCPCNX needs: active already, or brought up now by the module itself, which reports
     * {@code +KCNX_IND: <cnx>,1,<af>} [O: "connected" in an HL7800 library's notes; af 0 here].
     */
    boolean dataSessionUp(int cnx) {
        if (cnx < 1 || cnx > CONTEXTS) {
            return false;
        }
        if (active[cnx]) {
            return true;
        }
        if (!activate(cnx)) {
            return false;
        }
        core.out().urc("+KCNX_IND: " + cnx + ",1,0");
        return true;
    }

    /** Opens a session's connection: TCP over the core's socket, TLS through the module's TLS client. */
    private Hl7800Link open(Hl7800Session s, Hl7800Link.Events events) {
        if (s.mode == Hl7800Session.TCP) {
            return new Hl7800TcpLink(s.id, s.host, s.port, core.link(), core.faults(), core.random(), events);
        }
        return Hl7800TlsLink.create(s, tls.policy(s.tlsProfile), credentials, core, handshakeTimeoutSeconds, events,
                code -> sessions.notif(s, code));
    }

    /** What the module's TLS negotiated on a session (KTCPCFG mode 3), once connected. For tests and benchmarks. */
    java.util.Optional<ModuleTlsSession> tlsSession(int session) {
        Hl7800Session s = sessions.session(session);
        return s != null && s.link() instanceof Hl7800TlsLink t ? java.util.Optional.ofNullable(t.session())
                : java.util.Optional.empty();
    }

    /**
     * The network deactivates the data session: each active context reports {@code +KCNX_IND: <cnx>,0,0}
     * (disconnected [O]) and every open session {@code +KTCP_NOTIF: <s>,0}.
     */
    void networkDropsDataSession() {
        for (int i = 1; i <= CONTEXTS; i++) {
            if (active[i]) {
                active[i] = false;
                core.out().urc("+KCNX_IND: " + i + ",0,0");
            }
        }
        sessions.networkLost();
    }

    @Override
    public void cfunChanged(int from, int to) {
        if (to != 1) {
            for (int i = 1; i <= CONTEXTS; i++) {
                active[i] = false;
            }
            sessions.networkLost();
        }
    }

    @Override
    public void reset() {
        sessions.abortAll(true);
        tls.reset();
        pattern = DEFAULT_PATTERN.getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 1; i <= CONTEXTS; i++) {
            apn[i] = null;
            active[i] = false;
        }
        core.out().urc("+KSUP: 0");
    }

    @Override
    public String injectableUrc() {
        return sessions.injectableUrc();
    }

    @Override
    public void shutdown() {
        sessions.abortAll(true);
    }
}
