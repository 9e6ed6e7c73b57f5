package io.uplink.modem.emulator;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.uplink.modem.SerialLink;

/**
 * The Quectel BC660K-GL (NB-IoT, firmware BC660KGLAAR01A05), written from Quectel's BC660K-GL&amp;BC950K-GL SSL
 * application note V1.1, the AT commands manual and field logs, as the fact sheet (sections 2 and 7) summarises them.
 * Behaviour no source confirms is marked [U] where it is emulated; field observations are marked [O]. How it differs
 * from the 27.007 core ({@link EmulatedModule}):
 *
 * <ul>
 * <li>Identity: {@code ATI} answers {@code Quectel_Ltd}, {@code Quectel_BC660K-GL}, {@code Revision:
 * BC660KGLAAR01A05} in one block; AT+CGMI/CGMM/CGMR answer the same three [U: the ATI lines].</li>
 * <li>Power-on: echo on, radio on ({@code +CFUN: 1} printed at start [O]), registered on NB-IoT (access technology 9),
 * then {@code +IP: <address>} once the default bearer is up [O]. Command lines up to 4096 bytes, so that a 1024-byte
 * send in hex fits in one line [U].</li>
 * <li>The default bearer is PDP context 0, set up by the attach: {@code AT+QCGDEFCONT="IP","<apn>"} (kept in NVRAM,
 * used from the next attach [U]), {@code AT+CGDCONT}, {@code AT+CGPADDR=0}, {@code AT+CGATT?}. With the fault
 * {@code requiredApn} the bearer comes up only with that APN.</li>
 * <li>{@code AT+QENG=0} (serving cell, [U] field order), {@code AT+QRST=1} (reboot), {@code AT+QSCLK},
 * {@code AT+CIMI}, {@code AT+QCCID}, {@code AT+CGSN=1}, {@code AT+QIDNSCFG=0}; {@code AT+CPSMS}, {@code AT+CEDRXS},
 * {@code AT+CSCON}, {@code AT+CTZR} kept and read back without effect [U].</li>
 * <li>Sockets ({@link Bc660kSockets}): {@code AT+QIOPEN=0,<0-4>,"TCP",...}, data inline in the command
 * ({@code AT+QISEND=<id>,<len>,"<data>"}), direct push or buffer access, text or hex per {@code AT+QICFG}.</li>
 * <li>The module's TLS ({@link Bc660kModuleTls}): {@code AT+QSSLCFG=<ctx>,<conn>,...} context first, certificates
 * uploaded inline, TLS 1.0-1.2 with RSA key exchange only.</li>
 * </ul>
 * Port name {@code emulator:bc660k}.
 *
 * <p>Threads: the emulator thread ({@code emulated-bc660k}) owns all state; see {@link EmulatedModule}.
 */
public final class Bc660kEmulator implements AutoCloseable, Personality {

    static final String NAME = "bc660k";
    static final String MANUFACTURER = "Quectel_Ltd";
    static final String MODEL = "Quectel_BC660K-GL";
    static final String REVISION = "BC660KGLAAR01A05";
    static final String IMEI = "866818039921444";
    static final String IMSI = "001010123456789";
    static final String ICCID = "89860012345678901234";
    /** The address the network gives the default bearer. */
    static final String IP_ADDRESS = "10.64.0.43";

    /**
     * An NB-IoT link as the issue describes it: 9600 baud on the UART (the module also runs at 115200 and faster),
     * 300 ms one-way latency, about 3 KB/s each way (Cat NB1/NB2 peak rates are 3-20 KB/s). The port provider's
     * configuration sets the same through {@code latency.ms} and {@code bandwidth.bytes.per.s}.
     */
    public static final LinkModel NB_IOT_LINK = new LinkModel(9600, 300, 3000, 0, 10 * 1024, 64 * 1024);

    private static final Identity IDENTITY = new Identity(MANUFACTURER, MODEL, "Revision: " + REVISION, IMEI,
            List.of(MANUFACTURER, MODEL, "Revision: " + REVISION));

    private EmulatedModule core;
    private Bc660kSockets sockets;
    private Bc660kModuleTls tls;
    /** AT+QCGDEFCONT: PDP type and APN for the default bearer; kept across reboots (NVRAM). */
    private String defaultPdpType = "IP";
    private String defaultApn = "";
    /** The APN the current attach used. */
    private String apnInUse = "";
    /** AT+CGDCONT contexts 1-10 the host defined: "<cid>" -> "<type>","<apn>" (not used by the sockets). */
    private final Map<Integer, String> definedContexts = new java.util.TreeMap<>();
    private int sleepMode = 1;
    /** 27.007 power saving and reporting settings the host may set at start: PSM, eDRX, +CSCON, +CTZR [U: kept]. */
    private String psm = "0";
    private int edrxMode;
    private String edrxValue = "0000";
    private int csconMode;
    private int ctzrMode;
    /** AT+QIDNSCFG=0: the DNS servers of the default bearer [U: what the network gives]; resolution is the host's. */
    private String dns = "\"10.64.0.1\",\"0.0.0.0\"";

    public Bc660kEmulator(SerialLink port, LinkModel link, Faults faults, String simPin) {
        new EmulatedModule(port, link, faults, simPin, this); // calls attach(), then starts the emulator thread
    }

    @Override
    public void attach(EmulatedModule module) {
        this.core = module;
        this.sockets = new Bc660kSockets(module, this::dataPathUp);
        this.tls = new Bc660kModuleTls(module, this::dataPathUp);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Identity identity() {
        return IDENTITY;
    }

    @Override
    public int accessTechnology() {
        return 9;
    }

    @Override
    public int maxLineLength() {
        return 4096;
    }

    /** The core behind this personality. */
    public EmulatedModule core() {
        return core;
    }

    // --- the Java API for tests (any thread) --------------------------------------------------------------------

    /** The module reboots now ({@code AT+QRST=1} does the same): connections and SSL settings go, certificates stay. */
    public void reboot() {
        core.post(core::reboot);
    }

    /** What the module's TLS negotiated on SSL context 0, connection 0, once its handshake succeeded. */
    public Optional<ModuleTlsSession> tlsSession() {
        return core.call(tls::session);
    }

    /** Copies of the certificates and key the module holds: {@code cacert}, {@code clientcert}, {@code clientkey}. */
    public Map<String, byte[]> storedCertificates() {
        return core.call(tls::certificates);
    }

    // --- the personality (emulator thread) ----------------------------------------------------------------------

    @Override
    public void started() {
        core.out().urc("+CFUN: 1");
        if (dataPathUp()) {
            core.out().urc("+IP: " + IP_ADDRESS);
        }
    }

    @Override
    public boolean handle(CommandLine c) throws IOException {
        String name = c.name();
        if (name.startsWith("+QSSL")) {
            return tls.handle(c);
        }
        if (name.startsWith("+QI") && sockets.handle(c)) {
            return true;
        }
        ResponseWriter out = core.out();
        switch (name) {
        case "I":
            if (c.count() > 0 || c.query() || c.test()) {
                out.error();
            } else {
                out.respondBlock(IDENTITY.ati());
            }
            return true;
        case "+CGSN":
            return cgsn(c);
        case "+CIMI":
            out.respond(IMSI);
            return true;
        case "+QCCID":
            out.respond("+QCCID: " + ICCID);
            return true;
        case "+QCGDEFCONT":
            qcgdefcont(c);
            return true;
        case "+CGDCONT":
            cgdcont(c);
            return true;
        case "+CGPADDR":
            cgpaddr(c);
            return true;
        case "+CGATT":
            if (!c.query()) {
                return false;
            }
            out.respond("+CGATT: " + (core.registered() ? 1 : 0));
            return true;
        case "+QENG":
            qeng(c);
            return true;
        case "+QRST":
            if (c.count() != 1 || c.intArg(0) != 1) {
                out.error();
                return true;
            }
            out.ok();
            core.reboot();
            return true;
        case "+QSCLK":
            qsclk(c);
            return true;
        case "+CPSMS":
        case "+CEDRXS":
        case "+CSCON":
        case "+CTZR":
            lowPowerSetting(c);
            return true;
        case "+QIDNSCFG":
            qidnscfg(c);
            return true;
        default:
            return false;
        }
    }

    private boolean cgsn(CommandLine c) throws IOException {
        if (c.test()) {
            core.out().respond("+CGSN: (0-3)");
        } else if (c.count() == 1 && c.intArg(0) == 1) {
            core.out().respond("+CGSN: " + IMEI);
        } else if (c.count() == 0 && !c.query() || c.count() == 1 && c.intArg(0) == 0) {
            core.out().respond(IMEI);
        } else {
            core.out().error();
        }
        return true;
    }

    private void qcgdefcont(CommandLine c) throws IOException {
        ResponseWriter out = core.out();
        if (c.query()) {
            out.respond("+QCGDEFCONT: \"" + defaultPdpType + "\",\"" + defaultApn + "\"");
        } else if (c.test()) {
            out.respond("+QCGDEFCONT: (\"IP\",\"IPV6\",\"IPV4V6\",\"Non-IP\"),<APN>,<username>,<password>");
        } else if (c.count() >= 1 && c.count() <= 4 && pdpType(c.arg(0)) && c.arg(1).length() <= 99) {
            defaultPdpType = c.arg(0);
            defaultApn = c.arg(1);
            out.ok();
        } else {
            core.cmeOrError(50);
        }
    }

    private void cgdcont(CommandLine c) throws IOException {
        ResponseWriter out = core.out();
        if (c.query()) {
            List<String> lines = new ArrayList<>();
            if (dataPathUp()) {
                lines.add("+CGDCONT: 0,\"" + defaultPdpType + "\",\"" + apnInUse + "\",\"" + IP_ADDRESS + "\",0,0");
            }
            definedContexts.forEach((cid, v) -> lines.add("+CGDCONT: " + cid + "," + v + ",\"\",0,0"));
            out.respondBlock(lines);
        } else if (c.test()) {
            out.respond("+CGDCONT: (0-10),(\"IP\",\"IPV6\",\"IPV4V6\",\"Non-IP\"),,,(0),(0)");
        } else if (c.count() == 1 && c.intArg(0) >= 1 && c.intArg(0) <= 10) {
            definedContexts.remove(c.intArg(0));
            out.ok();
        } else if (c.count() >= 2 && c.intArg(0) >= 1 && c.intArg(0) <= 10 && pdpType(c.arg(1))) {
            definedContexts.put(c.intArg(0), "\"" + c.arg(1) + "\",\"" + c.arg(2) + "\"");
            out.ok();
        } else {
            core.cmeOrError(50); // context 0 is the attach's default bearer: AT+QCGDEFCONT sets it [U]
        }
    }

    private void cgpaddr(CommandLine c) throws IOException {
        if (c.test()) {
            core.out().respond("+CGPADDR: (0)");
        } else if (c.count() <= 1 && (c.count() == 0 || c.intArg(0) == 0)) {
            core.out().respond(dataPathUp() ? "+CGPADDR: 0,\"" + IP_ADDRESS + "\"" : null);
        } else {
            core.cmeOrError(50);
        }
    }

    /**
     * {@code AT+QENG=0}: the serving cell [U: the field order of the BC66 family's manual, values made up]. Only the
     * numeric mode 0 is emulated; not registered, only OK.
     */
    private void qeng(CommandLine c) throws IOException {
        if (c.test()) {
            core.out().respond("+QENG: (0,3)");
        } else if (c.count() == 1 && c.intArg(0) == 0) {
            core.out().respond(core.registered()
                    ? "+QENG: 0,6400,2,101,\"" + Registration.CELL_ID + "\",-86,-9,-78,14,20,\""
                            + Registration.TAC + "\",0,,4"
                    : null);
        } else {
            core.out().error();
        }
    }

    private void qsclk(CommandLine c) throws IOException {
        if (c.query()) {
            core.out().respond("+QSCLK: " + sleepMode);
        } else if (c.test()) {
            core.out().respond("+QSCLK: (0-2)");
        } else if (c.count() == 1 && c.intArg(0) >= 0 && c.intArg(0) <= 2) {
            sleepMode = c.intArg(0); // the emulated module never sleeps: nothing is lost either way
            core.out().ok();
        } else {
            core.out().error();
        }
    }

    /**
     * {@code AT+CPSMS=<0|1>[,...]}, {@code AT+CEDRXS=<0-3>[,5,"<value>"]}, {@code AT+CSCON=<0|1>},
     * {@code AT+CTZR=<0-3>} and their read forms, as 27.007 gives them: kept and read back, without effect (the
     * emulated module neither sleeps nor pages) [U: the BC660K's own ranges].
     */
    private void lowPowerSetting(CommandLine c) throws IOException {
        ResponseWriter out = core.out();
        String name = c.name();
        if (c.test()) {
            out.ok();
            return;
        }
        if (c.query()) {
            switch (name) {
            case "+CPSMS":
                out.respond("+CPSMS: " + psm);
                break;
            case "+CEDRXS":
                out.respond(edrxMode == 0 ? null : "+CEDRXS: 5,\"" + edrxValue + "\"");
                break;
            case "+CSCON":
                out.respond("+CSCON: " + csconMode + "," + (core.registered() ? 1 : 0));
                break;
            default:
                out.respond("+CTZR: " + ctzrMode);
            }
            return;
        }
        int n = c.count() == 0 ? 0 : c.intArg(0);
        int max = name.equals("+CPSMS") || name.equals("+CSCON") ? 1 : 3;
        if (n < 0 || n > max) {
            core.cmeOrError(50);
            return;
        }
        switch (name) {
        case "+CPSMS":
            psm = c.count() == 0 ? "0" : String.join(",", c.args());
            break;
        case "+CEDRXS":
            edrxMode = n;
            edrxValue = c.count() > 2 ? c.arg(2) : edrxValue;
            break;
        case "+CSCON":
            csconMode = n;
            break;
        default:
            ctzrMode = n;
        }
        out.ok();
    }

    private void qidnscfg(CommandLine c) throws IOException {
        if (c.count() == 1 && c.intArg(0) == 0) {
            core.out().respond("+QIDNSCFG: 0," + dns);
        } else if (c.count() >= 2 && c.count() <= 3 && c.intArg(0) == 0) {
            dns = "\"" + c.arg(1) + "\",\"" + (c.count() > 2 ? c.arg(2) : "0.0.0.0") + "\"";
            core.out().ok();
        } else {
            core.out().error();
        }
    }

    private static boolean pdpType(String t) {
        return t.equals("IP") || t.equals("IPV6") || t.equals("IPV4V6") || t.equals("Non-IP");
    }

    /** Registered, and the APN of the last attach is what the network accepts (the fault requiredApn). */
    boolean dataPathUp() {
        String required = core.faults().requiredApn();
        return core.registered() && (required.isEmpty() || required.equals(apnInUse));
    }

    @Override
    public void cfunChanged(int from, int to) {
        if (to != 1) {
            sockets.radioOff();
            tls.radioOff();
            return;
        }
        apnInUse = defaultApn;
        // after the core's own task that reports the final +CEREG state
        core.post(() -> core.post(() -> {
            if (dataPathUp()) {
                core.out().urc("+IP: " + IP_ADDRESS);
            }
        }));
    }

    /** The module restarts: sockets, SSL settings and connections are gone; certificates and NVRAM settings stay. */
    @Override
    public void reset() {
        sockets.closeAll();
        tls.reboot();
        apnInUse = defaultApn;
        // not kept in NVRAM [O]: QSCLK, CSCON, QIDNSCFG; kept: QCGDEFCONT, CPSMS, CEDRXS, CTZR, QICFG [O/U]
        sleepMode = 1;
        csconMode = 0;
        dns = "\"10.64.0.1\",\"0.0.0.0\"";
        started();
    }

    @Override
    public String injectableUrc() {
        return sockets.injectableUrc();
    }

    @Override
    public void shutdown() {
        sockets.closeAll();
        tls.abort();
    }

    /** Stops the module. Any thread. */
    @Override
    public void close() {
        core.close();
    }
}
