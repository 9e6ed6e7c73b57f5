package io.uplink.modem.emulator;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

import io.uplink.modem.SerialLink;

/**
 * The Nordic nRF9160 running the Serial LTE Modem application (sdk-nrf applications/serial_lte_modem, SLM 2.x on
 * modem firmware 1.3.x), written from Nordic's documentation and the SLM sources as the fact sheet (sections 4 and 7)
 * summarises them. How it differs from the 27.007 core ({@link EmulatedModule}):
 *
 * <ul>
 * <li>Framing: a command ends with CR followed by LF (outside double quotes, so a PEM with line breaks can stand in
 * one {@code AT%CMNG} line); a CR alone ends nothing. Lines longer than 4096 bytes answer {@code ERROR}. No echo,
 * and no {@code ATE}: the SLM's grammar check lets through only {@code AT}, and {@code AT} followed by {@code +},
 * {@code %} or {@code #}, a name of letters and digits, and nothing, {@code ?}, {@code =?} or {@code =...}; anything
 * else ({@code ATI}, {@code ATE0}, {@code ATV0}) answers {@code ERROR}.</li>
 * <li>Power-on: {@code Ready} (no leading line break), radio off ({@code +CFUN: 0}), AT+CMEE 0 (so a
 * {@code +CME ERROR: 518} shows as {@code ERROR} until {@code AT+CMEE=1}). {@code AT+CFUN=1} registers (+CEREG:
 * 2, then 1 or 5 where enabled; access technology 7), {@code AT+CFUN=4} / {@code 0} deregisters and breaks every
 * connection.</li>
 * <li>Identity: {@code AT+CGMI}, {@code AT+CGMM}, {@code AT+CGMR}, {@code AT+CGSN[=1]}, {@code AT#XSLMVER}.</li>
 * <li>Its own commands: {@code AT%CMNG} ({@link Nrf9160Credentials}), the SLM sockets ({@link Nrf9160Sockets}),
 * {@code AT+CGDCONT} (the APN the data path needs when the fault {@code requiredApn} is set), {@code AT+CGACT?},
 * {@code AT+CIMI}, {@code AT%XSYSTEMMODE}.</li>
 * </ul>
 * Port name {@code emulator:nrf9160}.
 *
 * <p>Threads: the emulator thread ({@code emulated-nrf9160}) owns all state; see {@link EmulatedModule}.
 */
public final class Nrf9160Emulator implements AutoCloseable, Personality {

    static final String NAME = "nrf9160";
    /** The modem firmware the emulated module reports by default. */
    public static final String FIRMWARE_1_3 = "mfw_nrf9160_1.3.5";
    /** The SLM and modem library versions #XSLMVER reports [U: any 2.x build answers this shape]. */
    static final String SLM_VERSION = "\"2.6.1\",\"2.8.0\"";
    static final String IMEI = "352656100367872";
    static final String IMSI = "001010123456789";
    static final String READY = "Ready\r\n";

    private final Identity identity;
    private EmulatedModule core;
    private Nrf9160Credentials credentials;
    private Nrf9160Sockets sockets;
    /** +CGDCONT context 0: PDP type and APN. */
    private String pdpType = "IP";
    private String apn = "";
    private String systemMode = "1,0,0,0";

    /** An nRF9160 on modem firmware 1.3.5. */
    public Nrf9160Emulator(SerialLink port, LinkModel link, Faults faults, String simPin) {
        this(port, link, faults, simPin, FIRMWARE_1_3);
    }

    /**
     * @param modemFirmware what AT+CGMR reports, e.g. {@code mfw_nrf9160_1.3.5}; from major version 2 on the module
     *            also reports the cipher suite in use (#XSSOCKETOPT=0,4)
     */
    public Nrf9160Emulator(SerialLink port, LinkModel link, Faults faults, String simPin, String modemFirmware) {
        if (modemFirmware == null || !modemFirmware.matches("mfw_nrf91\\w*_\\d+\\.\\d+\\.\\d+")) {
            throw new IllegalArgumentException("modem firmware '" + modemFirmware
                    + "' is not of the form mfw_nrf9160_<major>.<minor>.<patch>, e.g. " + FIRMWARE_1_3);
        }
        this.identity = new Identity("Nordic Semiconductor ASA", "nRF9160-SICA", modemFirmware, IMEI, null);
        new EmulatedModule(port, link, faults, simPin, this); // calls attach(), then starts the emulator thread
    }

    @Override
    public void attach(EmulatedModule module) {
        this.core = module;
        this.credentials = new Nrf9160Credentials(module);
        this.sockets = new Nrf9160Sockets(module, credentials, this);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Identity identity() {
        return identity;
    }

    @Override
    public Terminator terminator() {
        return Terminator.CR_LF;
    }

    @Override
    public int maxLineLength() {
        return 4096;
    }

    @Override
    public boolean rejectsOverlongLines() {
        return true;
    }

    @Override
    public boolean echoAtStart() {
        return false;
    }

    @Override
    public int cmeeAtStart() {
        return 0;
    }

    @Override
    public int cfunAtStart() {
        return 0;
    }

    @Override
    public int accessTechnology() {
        return 7;
    }

    /** The core behind this personality. */
    public EmulatedModule core() {
        return core;
    }

    // --- the Java API for tests (any thread) --------------------------------------------------------------------

    /** Copies of the stored credentials, {@code "<sec_tag>/<type>"} -> content. */
    public Map<String, byte[]> storedCredentials() {
        return core.call(credentials::snapshot);
    }

    /** What the module's TLS negotiated on socket {@code handle}, once its handshake succeeded. */
    public Optional<ModuleTlsSession> tlsSession(int handle) {
        return core.call(() -> Optional.ofNullable(sockets.session(handle)));
    }

    /** The module restarts now: {@code Ready}, radio off, sockets gone; credentials stay. */
    public void reboot() {
        core.post(core::reboot);
    }

    // --- the personality (emulator thread) ----------------------------------------------------------------------

    @Override
    public void started() {
        ready();
    }

    private void ready() {
        try {
            core.out().raw(READY.getBytes(StandardCharsets.ISO_8859_1));
        } catch (IOException e) {
            // the line is gone; the emulator notices on its next read
        }
    }

    @Override
    public boolean handle(CommandLine c) throws IOException {
        if (!grammarOk(c.line())) {
            core.out().error();
            return true;
        }
        switch (c.name()) {
        case "%CMNG":
            credentials.handle(c);
            return true;
        case "#XSLMVER":
            if (c.query() || c.test() || c.count() > 0) {
                core.out().error();
            } else {
                core.out().respond("#XSLMVER: " + SLM_VERSION);
            }
            return true;
        case "+CGSN":
            return cgsn(c);
        case "+CIMI":
            core.out().respond(IMSI);
            return true;
        case "+CGDCONT":
            cgdcont(c);
            return true;
        case "+CGACT":
            if (!c.query()) {
                return false;
            }
            core.out().respond("+CGACT: 0," + (dataPathUp() ? 1 : 0));
            return true;
        case "%XSYSTEMMODE":
            systemMode(c);
            return true;
        default:
            return sockets.handle(c);
        }
    }

    /** The SLM's cmd_grammar_check, on the line as received. */
    static boolean grammarOk(String line) {
        if (line.length() < 2 || Character.toUpperCase(line.charAt(0)) != 'A'
                || Character.toUpperCase(line.charAt(1)) != 'T') {
            return false;
        }
        String rest = line.substring(2);
        if (rest.isEmpty()) {
            return true;
        }
        char sep = rest.charAt(0);
        if (sep != '+' && sep != '%' && sep != '#') {
            return false;
        }
        int i = 1;
        while (i < rest.length() && Character.isLetterOrDigit(rest.charAt(i)) && rest.charAt(i) < 128) {
            i++;
        }
        if (i == 1) {
            return false;
        }
        String tail = rest.substring(i);
        return tail.isEmpty() || tail.equals("?") || tail.equals("=?") || tail.startsWith("=") && !tail.startsWith("=?");
    }

    private boolean cgsn(CommandLine c) throws IOException {
        if (c.count() == 0 && !c.query() && !c.test()) {
            return false; // the core prints the bare IMEI
        }
        if (c.test()) {
            core.out().respond("+CGSN: (0-3)");
        } else if (c.count() == 1 && c.intArg(0) == 1) {
            core.out().respond("+CGSN: \"" + IMEI + "\"");
        } else if (c.count() == 1 && c.intArg(0) == 0) {
            core.out().respond(IMEI);
        } else {
            core.out().error();
        }
        return true;
    }

    private void cgdcont(CommandLine c) throws IOException {
        if (c.query()) {
            String address = dataPathUp() ? "10.64.0.42" : "";
            core.out().respond("+CGDCONT: 0,\"" + pdpType + "\",\"" + apn + "\",\"" + address + "\",0,0");
            return;
        }
        if (c.test()) {
            core.out().respond("+CGDCONT: (0-11),(\"IP\",\"IPV6\",\"IPV4V6\",\"Non-IP\")");
            return;
        }
        String type = c.arg(1);
        if (c.intArg(0) != 0 || c.count() < 2 || c.count() > 3
                || !type.equals("IP") && !type.equals("IPV6") && !type.equals("IPV4V6") && !type.equals("Non-IP")) {
            core.cmeOrError(50); // only the default context 0 is emulated
            return;
        }
        pdpType = type;
        apn = c.count() > 2 ? c.arg(2) : "";
        core.out().ok();
    }

    private void systemMode(CommandLine c) throws IOException {
        if (c.query()) {
            core.out().respond("%XSYSTEMMODE: " + systemMode);
        } else if (c.count() == 4 && c.args().stream().allMatch(a -> a.equals("0") || a.equals("1"))
                && !c.args().subList(0, 3).stream().allMatch("0"::equals)) {
            if (core.cfun() == 1) {
                core.cmeOrError(518); // the system mode changes only with the radio off [U]
                return;
            }
            systemMode = String.join(",", c.args());
            core.out().ok();
        } else {
            core.out().error();
        }
    }

    /** Registered, and the APN is what the network accepts (the fault requiredApn). */
    boolean dataPathUp() {
        String required = core.faults().requiredApn();
        return core.registered() && (required.isEmpty() || required.equals(apn));
    }

    /** Modem firmware 2.0.0 and newer report TLS_CIPHERSUITE_USED. */
    boolean reportsCipherSuiteUsed() {
        String version = identity.revision().substring(identity.revision().lastIndexOf('_') + 1);
        return Integer.parseInt(version.substring(0, version.indexOf('.'))) >= 2;
    }

    @Override
    public void cfunChanged(int from, int to) {
        if (to != 1) {
            sockets.radioOff();
        }
    }

    @Override
    public void reset() {
        sockets.closeAll();
        ready();
    }

    @Override
    public void shutdown() {
        sockets.closeAll();
    }

    /** Stops the module. Any thread. */
    @Override
    public void close() {
        core.close();
    }
}
