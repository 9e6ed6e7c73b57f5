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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import io.uplink.modem.SerialLink;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Quectel BG95-M3 as the fact sheet describes it: identification, SIM and registration, PDP context, TCP sockets in
 * buffer and direct-push access mode (QIOPEN/QISEND/QIRD/QICLOSE/QISTATE), the module's file system
 * ({@link Bg95FileSystem}: QFUPL/QFDWL/QFLST/QFLDS/QFDEL), its own TLS client ({@link Bg95ModuleTls}: QSSLCFG,
 * QSSLOPEN, QSSLSEND, QSSLRECV, QSSLCLOSE, QSSLSTATE), echo and numeric modes, URCs, and the faults of {@link Faults}
 * and {@link Bg95Options}. Sockets relay to real TCP endpoints; TLS handshakes are real.
 *
 * <p>Threads: the emulator thread ({@code emulated-bg95}) owns all module state: command parsing, the socket table,
 * the UFS, the SSL contexts and clients, the fault settings. Its inbox ({@link SerialInput}) is filled by a pump
 * thread ({@code emulated-bg95-rx}) with the bytes of the serial line and by any other thread with tasks: socket and
 * TLS connection threads report through it, and the public methods below post to it (those returning a value wait
 * for the answer). Tasks run between commands, never inside a data phase (an upload, a send), as a real module holds
 * its URCs back then.
 */
public final class Bg95Emulator implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Bg95Emulator.class);
    static final String MODEL = "BG95-M3";
    static final String REVISION = "BG95M3LAR02A03";
    private static final int MAX_SEND = 1460;
    private static final int MAX_READ = 1500;
    private static final long CALL_TIMEOUT_S = 10;

    private final SerialLink port;
    private final LinkModel link;
    private final Random random;
    private final EmulatedSocket[] sockets = new EmulatedSocket[12];
    private final SerialInput input;
    private final ResponseWriter out;
    private final Bg95FileSystem files;
    private final Bg95ModuleTls tls;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Faults faults;
    private Bg95Options options;
    private boolean echo = true;
    private boolean pdpActive;
    /** AT+CEREG=1/2 enables registration URCs; a real module sends none before. */
    private boolean ceregUrcs;
    private String apn = "";
    private int lastError;
    private int commandsSinceBoot;
    private final String simPin;
    private boolean simUnlocked;

    public Bg95Emulator(SerialLink port, LinkModel link, Faults faults, String simPin) {
        this(port, link, faults, simPin, Bg95Options.DEFAULTS);
    }

    public Bg95Emulator(SerialLink port, LinkModel link, Faults faults, String simPin, Bg95Options options) {
        this.port = port;
        this.link = link;
        this.faults = faults;
        this.options = options;
        this.random = new Random(faults.seed());
        this.simPin = simPin == null ? "" : simPin;
        this.simUnlocked = this.simPin.isEmpty();
        this.input = new SerialInput(port.input(), "emulated-bg95");
        this.out = new ResponseWriter(port, random, () -> this.faults, this::injectableUrc, input);
        this.files = new Bg95FileSystem(options);
        this.tls = new Bg95ModuleTls(out, files, link, random, input::post, id -> sockets[id] != null,
                () -> pdpActive);
        this.tls.sendFailWhenFull(faults.sendFailWhenFull());
        this.thread = new Thread(this::run, "emulated-bg95");
        this.thread.setDaemon(true);
        this.thread.start();
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
        input.post(this::reset);
    }

    /** Fault {@code fault.reboot.after.commands}: reboot on the n-th command from now (and every n after); 0 = off. */
    public void setRebootAfterCommands(int n) {
        input.post(() -> {
            faults = faults.withResetAfterCommands(n);
            commandsSinceBoot = 0;
        });
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
        return call(files::snapshot);
    }

    /** File data bytes the module received over the serial line with AT+QFUPL since it was created. */
    public long fileBytesReceived() {
        return call(files::uploadedBytes);
    }

    /** What the module's TLS negotiated on SSL client {@code clientId}, once its handshake succeeded. */
    public Optional<ModuleTlsSession> tlsSession(int clientId) {
        return call(() -> tls.session(clientId));
    }

    /** Runs on the emulator thread and waits for the answer. */
    private <T> T call(Supplier<T> question) {
        if (Thread.currentThread() == thread) {
            return question.get();
        }
        if (!running) {
            throw new IllegalStateException("the emulated BG95 is stopped; ask it before closing it");
        }
        CompletableFuture<T> answer = new CompletableFuture<>();
        input.post(() -> answer.complete(question.get()));
        try {
            return answer.get(CALL_TIMEOUT_S, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("the emulated BG95 did not answer within " + CALL_TIMEOUT_S
                    + " s: it is inside a data phase (upload or send) or stopped; ask after the command ends", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking the emulated BG95", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the emulated BG95 failed to answer: " + e.getCause(), e.getCause());
        }
    }

    // --- the emulator thread ----------------------------------------------------------------------------------

    private void run() {
        try {
            while (running) {
                String line = readLine();
                if (line == null) {
                    return;
                }
                if (line.isEmpty()) {
                    continue;
                }
                if (echo) {
                    out.raw((line + "\r").getBytes(StandardCharsets.ISO_8859_1));
                }
                handle(line);
            }
        } catch (IOException e) {
            if (running) {
                LOG.debug("emulated BG95 stops: {}", e.toString());
            }
        } finally {
            running = false;
            closeSockets();
            tls.abortAll();
        }
    }

    /** A line up to CR (LF ignored; a stray Ctrl+Z after a fixed-length send, as Zephyr sends, too). */
    private String readLine() throws IOException {
        StringBuilder b = new StringBuilder();
        while (true) {
            int c = input.read(SerialInput.NO_DEADLINE, true);
            if (c == SerialInput.TASK) {
                runTasks();
                continue;
            }
            if (c == SerialInput.EOF) {
                return null;
            }
            if (c == '\r') {
                return b.toString().trim();
            }
            if (c == '\n' || c == 0x1A) {
                continue;
            }
            if (b.length() < 2048) {
                b.append((char) c);
            }
        }
    }

    private void runTasks() {
        Runnable task;
        while ((task = input.pollTask()) != null) {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.warn("emulated BG95: a posted task failed", e);
            }
        }
    }

    private void handle(String line) throws IOException {
        String upper = line.toUpperCase();
        if (!upper.startsWith("AT")) {
            out.error();
            return;
        }
        commandsSinceBoot++;
        if (faults.resetAfterCommands() > 0 && commandsSinceBoot >= faults.resetAfterCommands()) {
            reset();
            return;
        }
        String cmd = line.substring(2);
        String name = cmd.replaceAll("[=?].*$", "").toUpperCase();
        String args = cmd.contains("=") ? cmd.substring(cmd.indexOf('=') + 1) : "";
        boolean query = cmd.endsWith("?") && !cmd.endsWith("=?");
        boolean test = cmd.endsWith("=?");
        List<String> a = arguments(args);
        if (name.startsWith("+QF")) {
            files.handle(name, args, test, out);
            return;
        }
        if (name.startsWith("+QSSL")) {
            tls.handle(name, args, test, out);
            return;
        }
        switch (name) {
        case "":
            out.ok();
            break;
        case "E0":
        case "E1":
            echo = name.equals("E1");
            out.ok();
            break;
        case "V0":
        case "V1":
            out.numeric(name.equals("V0"));
            out.ok();
            break;
        case "I":
            out.respond("Quectel", MODEL, "Revision: " + REVISION, "");
            break;
        case "+CGMI":
            out.respond("Quectel");
            break;
        case "+CGMM":
            out.respond(MODEL);
            break;
        case "+CGMR":
            out.respond(REVISION);
            break;
        case "+QGMR":
            out.respond(REVISION + "_01.200.01.200");
            break;
        case "+CGSN":
            out.respond("866349045095357");
            break;
        case "+CMEE":
        case "+CEREG":
        case "+CGREG":
        case "+CREG":
        case "+QICFG":
        case "&D1":
        case "&K3":
            if (query && name.endsWith("REG")) {
                out.respond(name + ": " + (ceregUrcs && name.equals("+CEREG") ? 1 : 0) + ","
                        + (simUnlocked ? faults.registrationStat() : 0));
            } else {
                if (name.equals("+CEREG")) {
                    ceregUrcs = !a.isEmpty() && !a.get(0).equals("0");
                }
                out.ok();
            }
            break;
        case "+CPIN":
            cpin(query, a);
            break;
        case "+CSQ":
            out.respond("+CSQ: 20,99");
            break;
        case "+COPS":
            out.respond(query ? "+COPS: 0,0,\"Uplink Emulated\",8" : null);
            break;
        case "+QICSGP":
            apn = a.size() > 2 ? a.get(2) : "";
            out.ok();
            break;
        case "+QIACT":
            qiact(query);
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
            out.error();
        }
    }

    private void cpin(boolean query, List<String> a) throws IOException {
        if (query) {
            out.respond("+CPIN: " + (simUnlocked ? "READY" : "SIM PIN"));
        } else if (!a.isEmpty() && a.get(0).equals(simPin)) {
            simUnlocked = true;
            out.ok();
            out.urc("+CPIN: READY");
        } else {
            out.cmeError(16); // incorrect password
        }
    }

    private void qiact(boolean query) throws IOException {
        if (query) {
            out.respond(pdpActive ? "+QIACT: 1,1,1,\"10.64.0.42\"" : null);
            return;
        }
        if (!simUnlocked) {
            out.cmeError(11);
            return;
        }
        int stat = faults.registrationStat();
        if (stat != 1 && stat != 5 || !faults.requiredApn().isEmpty() && !faults.requiredApn().equals(apn)) {
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
        boolean accepted = s.send(data, faults.sendFailWhenFull());
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

    /** The module restarts: everything volatile is gone (sockets, PDP, SSL settings); UFS files stay. */
    private void reset() {
        closeSockets();
        tls.reboot();
        pdpActive = false;
        ceregUrcs = false;
        simUnlocked = simPin.isEmpty();
        echo = true;
        out.numeric(false);
        commandsSinceBoot = 0;
        out.urc("RDY");
        out.urc("APP RDY");
    }

    /** A URC that fits inside a response (the fault urcInsideResponses), or null. */
    private String injectableUrc() {
        for (EmulatedSocket s : sockets) {
            if (s != null && s.state() == EmulatedSocket.CONNECTED) {
                return "+QIURC: \"recv\"," + s.id;
            }
        }
        return ceregUrcs ? "+CEREG: " + faults.registrationStat() : null;
    }

    /** Socket reports, turned into URCs on the emulator thread. */
    private final class SocketEvents implements EmulatedSocket.Events {
        @Override
        public void opened(EmulatedSocket s, int error) {
            input.post(() -> {
                lastError = error;
                if (error != 0 && sockets[s.id] == s) {
                    sockets[s.id] = null;
                }
                out.urc("+QIOPEN: " + s.id + "," + error);
            });
        }

        @Override
        public void dataArrived(EmulatedSocket s) {
            input.post(() -> {
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
            input.post(() -> out.urc("+QIURC: \"closed\"," + s.id));
        }
    }

    // --- parsing ---------------------------------------------------------------------------------------------

    /** Splits {@code 1,0,"TCP","a,b",80} into its arguments, quotes removed. */
    static List<String> arguments(String args) {
        List<String> out = new ArrayList<>();
        if (args.isEmpty() || args.equals("?")) {
            return out;
        }
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (char c : args.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
            } else if (c == ',' && !quoted) {
                out.add(cur.toString().trim());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString().trim());
        return out;
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

    /** Stops the module: the emulator thread ends, its sockets and SSL clients close. Any thread. */
    @Override
    public void close() {
        running = false;
        input.post(() -> {
            closeSockets();
            tls.abortAll();
        });
        input.close();
        try {
            port.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
