package io.uplink.modem.emulator;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;

import io.uplink.modem.SerialLink;

/**
 * The Quectel BG95-M3 personality, as the fact sheet describes it: how it differs from the 27.007 core
 * ({@link EmulatedModule}): echo on and CR-terminated lines, {@code ATI} with a blank line before OK, boot URCs
 * {@code RDY}/{@code APP RDY}, the PDP context (QICSGP/QIACT/QIDEACT), TCP sockets in buffer and direct-push access
 * mode (QIOPEN/QISEND/QIRD/QICLOSE/QISTATE), the module's file system ({@link Bg95FileSystem}: QFUPL/QFDWL/QFLST/
 * QFLDS/QFDEL), its own TLS client ({@link Bg95ModuleTls}: QSSLCFG, QSSLOPEN, QSSLSEND, QSSLRECV, QSSLCLOSE,
 * QSSLSTATE), its URCs, and the faults of {@link Faults} and {@link Bg95Options}. Sockets relay to real TCP endpoints;
 * TLS handshakes are real. Port name {@code emulator:bg95}.
 *
 * <p>Threads: the emulator thread ({@code emulated-bg95}) owns all module state: the socket table, the UFS, the SSL
 * contexts and clients, the PDP context. Socket and TLS connection threads report through the core's inbox; the public
 * methods below post to it (those returning a value wait for the answer). Tasks run between commands, never inside a
 * data phase (an upload, a send), as a real module holds its URCs back then.
 */
public final class Bg95Emulator implements AutoCloseable, Personality {

    static final String NAME = "bg95";
    static final String MODEL = "BG95-M3";
    static final String REVISION = "BG95M3LAR02A03";
    private static final Identity IDENTITY = new Identity("Quectel", MODEL, REVISION, "866349045095357",
            List.of("Quectel", MODEL, "Revision: " + REVISION, ""));
    private static final int MAX_SEND = 1460;
    private static final int MAX_READ = 1500;

    private final EmulatedSocket[] sockets = new EmulatedSocket[12];
    // set in attach(), before the emulator thread starts; emulator thread only afterwards
    private EmulatedModule core;
    private SerialInput input;
    private ResponseWriter out;
    private LinkModel link;
    private Random random;
    private Bg95FileSystem files;
    private Bg95ModuleTls tls;
    private Bg95Options options;
    private boolean pdpActive;
    private String apn = "";
    private int lastError;

    public Bg95Emulator(SerialLink port, LinkModel link, Faults faults, String simPin) {
        this(port, link, faults, simPin, Bg95Options.DEFAULTS);
    }

    public Bg95Emulator(SerialLink port, LinkModel link, Faults faults, String simPin, Bg95Options options) {
        this.options = options;
        new EmulatedModule(port, link, faults, simPin, this); // calls attach(), then starts the emulator thread
    }

    @Override
    public void attach(EmulatedModule module) {
        this.core = module;
        this.input = module.input();
        this.out = module.out();
        this.link = module.link();
        this.random = module.random();
        this.files = new Bg95FileSystem(options);
        this.tls = new Bg95ModuleTls(out, files, link, random, input::post, id -> sockets[id] != null,
                () -> pdpActive, module::moduleTime);
        this.tls.sendFailWhenFull(module.faults().sendFailWhenFull());
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Identity identity() {
        return IDENTITY;
    }

    /** The core behind this personality. */
    public EmulatedModule core() {
        return core;
    }

    // --- the Java API for tests and the port provider (any thread) ----------------------------------------------

    /**
     * Fault: the network deactivates the data session, as an operator does after idle time or in a coverage gap:
     * every socket dies and the module reports {@code +QIURC: "pdpdeact",<ctx>}.
     */
    public void networkDropsDataSession() {
        input.post(() -> {
            pdpActive = false;
            closeSockets();
            out.urc("+QIURC: \"pdpdeact\",1");
        });
    }

    /** The module boots: RDY, then APP RDY, as after power-on. */
    public void boot() {
        input.post(() -> {
            out.urc("RDY");
            out.urc("APP RDY");
        });
    }

    /** The module reboots now, as after a reset: sockets, PDP context and SSL settings are gone; files stay. */
    public void reboot() {
        input.post(core::reboot);
    }

    /** Fault {@code fault.reboot.after.commands}: reboot on the n-th command from now (and every n after); 0 = off. */
    public void setRebootAfterCommands(int n) {
        core.rebootAfterCommands(n);
    }

    /** Fault {@code fault.upload.corruption}: each file uploaded from now is stored with one byte flipped. */
    public void setUploadCorruption(boolean on) {
        input.post(() -> files.options(options = options.withUploadCorruption(on)));
    }

    /** Fault {@code fault.ufs.full}: the UFS reports no free space and refuses uploads with 420. */
    public void setUfsFull(boolean on) {
        input.post(() -> files.options(options = options.withUfsFull(on)));
    }

    /** Copies of the files in the UFS, by name without {@code UFS:}, in upload order. */
    public Map<String, byte[]> storedFiles() {
        return core.call(files::snapshot);
    }

    /** File data bytes the module received over the serial line with AT+QFUPL since it was created. */
    public long fileBytesReceived() {
        return core.call(files::uploadedBytes);
    }

    /** What the module's TLS negotiated on SSL client {@code clientId}, once its handshake succeeded. */
    public Optional<ModuleTlsSession> tlsSession(int clientId) {
        return core.call(() -> tls.session(clientId));
    }

    // --- the personality (emulator thread) ----------------------------------------------------------------------

    @Override
    public boolean handle(CommandLine c) throws IOException {
        String name = c.name();
        List<String> a = c.args();
        if (name.startsWith("+QF")) {
            files.handle(name, c.rawArgs(), c.test(), out);
            return true;
        }
        if (name.startsWith("+QSSL")) {
            tls.handle(name, c.rawArgs(), c.test(), out);
            return true;
        }
        switch (name) {
        case "+QGMR":
            out.respond(REVISION + "_01.200.01.200");
            break;
        case "+QCSQ":
            // BG95 AT manual, AT+QCSQ: +QCSQ: "eMTC",<lte_rssi>,<lte_rsrp>,<lte_sinr>,<lte_rsrq>, SINR in fifths of a dB
            // from -20 dB (0..250); "NOSERVICE" alone while not registered. The figures match +CSQ: 20 (-73 dBm).
            if (c.test()) {
                out.ok();
            } else {
                out.respond(core.registered() ? "+QCSQ: \"eMTC\",-73,-95,130,-11" : "+QCSQ: \"NOSERVICE\"");
            }
            break;
        case "+QICFG":
        case "&D1":
        case "&K3":
            out.ok();
            break;
        case "+QICSGP":
            apn = a.size() > 2 ? a.get(2) : "";
            out.ok();
            break;
        case "+QIACT":
            qiact(c.query());
            break;
        case "+QIDEACT":
            pdpActive = false;
            closeSockets();
            tls.abortAll();
            out.ok();
            break;
        case "+QIOPEN":
            qiopen(a);
            break;
        case "+QISEND":
            qisend(a);
            break;
        case "+QIRD":
            qird(a);
            break;
        case "+QICLOSE":
            qiclose(a);
            break;
        case "+QISTATE":
            qistate(a);
            break;
        case "+QIGETERROR":
            out.respond("+QIGETERROR: " + lastError + ",\"" + (lastError == 0 ? "operation successful"
                    : "see the error code table") + "\"");
            break;
        case "+QPOWD":
            out.ok();
            out.urc("POWERED DOWN");
            break;
        default:
            return false;
        }
        return true;
    }

    /** The radio goes off (CFUN 0 or 4): the PDP context and every socket with it [U: URC as for a network drop]. */
    @Override
    public void cfunChanged(int from, int to) {
        if (to != 1 && pdpActive) {
            pdpActive = false;
            closeSockets();
            tls.abortAll();
            out.urc("+QIURC: \"pdpdeact\",1");
        }
    }

    private void qiact(boolean query) throws IOException {
        if (query) {
            out.respond(pdpActive ? "+QIACT: 1,1,1,\"10.64.0.42\"" : null);
            return;
        }
        if (!core.simReady()) {
            out.cmeError(11);
            return;
        }
        Faults faults = core.faults();
        if (!core.registered() || !faults.requiredApn().isEmpty() && !faults.requiredApn().equals(apn)) {
            out.error(); // not registered, or the network rejects the APN: plain ERROR, as modules answer
            return;
        }
        pdpActive = true;
        out.ok();
    }

    private void qiopen(List<String> a) throws IOException {
        if (a.size() < 5) {
            out.error();
            return;
        }
        int ctx = intArg(a, 0);
        int id = intArg(a, 1);
        int access = a.size() > 6 ? intArg(a, 6) : 0;
        if (ctx < 1 || ctx > 16 || id < 0 || id > 11 || !"TCP".equalsIgnoreCase(a.get(2)) || access == 2) {
            out.error();
            return;
        }
        if (sockets[id] != null || tls.inUse(id)) {
            out.ok();
            out.urc("+QIOPEN: " + id + ",563");
            return;
        }
        if (!pdpActive) {
            out.ok();
            out.urc("+QIOPEN: " + id + ",561");
            return;
        }
        long open = Arrays.stream(sockets).filter(Objects::nonNull).count();
        Faults faults = core.faults();
        if (open >= faults.maxOpenSockets()) {
            out.ok();
            out.urc("+QIOPEN: " + id + ",553"); // not enough memory
            return;
        }
        EmulatedSocket s = new EmulatedSocket(id, ctx, a.get(3), intArg(a, 4), access, link, faults, random,
                new SocketEvents());
        sockets[id] = s;
        out.ok();
        s.open();
    }

    private void qisend(List<String> a) throws IOException {
        int id = intArg(a, 0);
        EmulatedSocket s = id >= 0 && id < 12 ? sockets[id] : null;
        if (a.size() >= 2 && intArg(a, 1) == 0) {
            long[] c = s == null ? new long[3] : s.sendCounters();
            out.respond("+QISEND: " + c[0] + "," + c[1] + "," + c[2]);
            return;
        }
        if (s == null || s.state() != EmulatedSocket.CONNECTED) {
            out.error();
            return;
        }
        byte[] data;
        if (a.size() >= 2) {
            int len = intArg(a, 1);
            if (len < 0 || len > MAX_SEND) {
                out.error();
                return;
            }
            out.raw("\r\n> ".getBytes(StandardCharsets.ISO_8859_1));
            data = DataPhase.exactly(input, len);
        } else {
            out.raw("\r\n> ".getBytes(StandardCharsets.ISO_8859_1));
            data = DataPhase.untilCtrlZ(input, MAX_SEND);
            if (data == null) {
                out.finalLine("SEND FAIL"); // ESC cancelled
                return;
            }
        }
        boolean accepted = s.send(data, core.faults().sendFailWhenFull());
        out.line(accepted ? "SEND OK" : "SEND FAIL");
    }

    private void qird(List<String> a) throws IOException {
        int id = intArg(a, 0);
        EmulatedSocket s = id >= 0 && id < 12 ? sockets[id] : null;
        if (s == null) {
            out.error();
            return;
        }
        int len = a.size() >= 2 ? intArg(a, 1) : MAX_READ;
        if (len == 0) {
            long[] c = s.readCounters();
            out.respond("+QIRD: " + c[0] + "," + c[1] + "," + c[2]);
            return;
        }
        if (len < 0 || len > MAX_READ) {
            out.error();
            return;
        }
        byte[] data = s.read(len);
        out.dataResponse(("\r\n+QIRD: " + data.length + "\r\n").getBytes(StandardCharsets.ISO_8859_1), data);
    }

    private void qiclose(List<String> a) throws IOException {
        int id = intArg(a, 0);
        if (id < 0 || id > 11) {
            out.error();
            return;
        }
        EmulatedSocket s = sockets[id];
        sockets[id] = null;
        if (s != null) {
            s.close();
        }
        out.ok();
    }

    private void qistate(List<String> a) throws IOException {
        List<String> lines = new ArrayList<>();
        for (EmulatedSocket s : sockets) {
            if (s != null && (a.size() < 2 || intArg(a, 1) == s.id)) {
                lines.add("+QISTATE: " + s.id + ",\"TCP\",\"" + s.host + "\"," + s.port + "," + s.localPort() + ","
                        + s.state() + "," + s.context + ",0," + s.accessMode + ",\"uart1\"");
            }
        }
        out.respond(lines.toArray(new String[0]));
    }

    /** The module restarts: sockets, PDP context and SSL settings are gone; UFS files stay. */
    @Override
    public void reset() {
        closeSockets();
        tls.reboot();
        pdpActive = false;
        out.urc("RDY");
        out.urc("APP RDY");
    }

    /** A URC that fits inside a response (the fault urcInsideResponses), or null. */
    @Override
    public String injectableUrc() {
        for (EmulatedSocket s : sockets) {
            if (s != null && s.state() == EmulatedSocket.CONNECTED) {
                return "+QIURC: \"recv\"," + s.id;
            }
        }
        return null;
    }

    /** Socket reports, turned into URCs on the emulator thread. */
    private final class SocketEvents implements EmulatedSocket.Events {
        @Override
        public void opened(EmulatedSocket s, int error) {
            input.post(() -> {
                if (sockets[s.id] != s) {
                    return; // closed with AT+QICLOSE meanwhile
                }
                lastError = error;
                if (error != 0) {
                    sockets[s.id] = null;
                }
                out.urc("+QIOPEN: " + s.id + "," + error);
            });
        }

        // A report that waited in the inbox while AT+QICLOSE freed the ID (and perhaps a new AT+QIOPEN took it) is
        // about a connection the module no longer has: it says nothing of it, and never about the ID's new one.

        @Override
        public void dataArrived(EmulatedSocket s) {
            input.post(() -> {
                if (sockets[s.id] != s) {
                    return;
                }
                if (s.accessMode == 1) {
                    byte[] data = s.read(MAX_READ);
                    out.urcWithData("+QIURC: \"recv\"," + s.id + "," + data.length, data);
                } else {
                    out.urc("+QIURC: \"recv\"," + s.id);
                }
            });
        }

        @Override
        public void closedByPeer(EmulatedSocket s) {
            input.post(() -> {
                if (sockets[s.id] == s) {
                    out.urc("+QIURC: \"closed\"," + s.id);
                }
            });
        }
    }

    // --- parsing ---------------------------------------------------------------------------------------------

    /** Splits {@code 1,0,"TCP","a,b",80} into its arguments, quotes removed. */
    static List<String> arguments(String args) {
        return CommandLine.arguments(args);
    }

    private static int intArg(List<String> a, int i) {
        try {
            return i < a.size() ? Integer.parseInt(a.get(i)) : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private void closeSockets() {
        for (int i = 0; i < sockets.length; i++) {
            if (sockets[i] != null) {
                sockets[i].close();
                sockets[i] = null;
            }
        }
    }

    @Override
    public void shutdown() {
        closeSockets();
        tls.abortAll();
    }

    /** Stops the module: the emulator thread ends, its sockets and SSL clients close. Any thread. */
    @Override
    public void close() {
        core.close();
    }
}
