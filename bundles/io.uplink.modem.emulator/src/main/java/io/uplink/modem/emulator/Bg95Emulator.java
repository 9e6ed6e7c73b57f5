package io.uplink.modem.emulator;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import io.uplink.modem.SerialLink;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Quectel BG95-M3 as the fact sheet describes it: identification, SIM and registration, PDP context, TCP sockets in
 * buffer and direct-push access mode (QIOPEN/QISEND/QIRD/QICLOSE/QISTATE), echo and numeric modes, URCs, and the
 * faults of {@link Faults}. Sockets relay to real TCP endpoints. Runs one thread reading commands.
 */
public final class Bg95Emulator implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Bg95Emulator.class);
    static final String MODEL = "BG95-M3";
    static final String REVISION = "BG95M3LAR02A03";
    private static final int MAX_SEND = 1460;
    private static final int MAX_READ = 1500;

    private final SerialLink port;
    private final LinkModel link;
    private final Faults faults;
    private final Random random;
    private final Object out = new Object();
    private final EmulatedSocket[] sockets = new EmulatedSocket[12];
    private final Thread thread;
    private final CommandReader reader;
    private volatile boolean running = true;
    private boolean echo = true;
    private boolean numeric;
    private boolean pdpActive;
    /** AT+CEREG=1/2 enables registration URCs; a real module sends none before. */
    private boolean ceregUrcs;
    private String apn = "";
    private int lastError;
    private int commands;
    private final String simPin;
    private boolean simUnlocked;

    public Bg95Emulator(SerialLink port, LinkModel link, Faults faults, String simPin) {
        this.port = port;
        this.link = link;
        this.faults = faults;
        this.random = new Random(faults.seed());
        this.simPin = simPin == null ? "" : simPin;
        this.simUnlocked = this.simPin.isEmpty();
        this.reader = new CommandReader(port.input());
        this.thread = new Thread(this::run, "emulated-bg95");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /**
     * Fault: the network deactivates the data session, as an operator does after idle time or in a coverage gap:
     * every socket dies and the module reports {@code +QIURC: "pdpdeact",<ctx>}.
     */
    public void networkDropsDataSession() {
        pdpActive = false;
        closeSockets();
        urc("+QIURC: \"pdpdeact\",1");
    }

    /** The module boots: RDY, then APP RDY, as after power-on. */
    public void boot() {
        urc("RDY");
        urc("APP RDY");
    }

    private void run() {
        try {
            while (running) {
                String line = reader.line();
                if (line == null) {
                    return;
                }
                if (line.isEmpty()) {
                    continue;
                }
                if (echo) {
                    write((line + "\r").getBytes(StandardCharsets.ISO_8859_1));
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
        }
    }

    private void handle(String line) throws IOException {
        commands++;
        String upper = line.toUpperCase();
        if (!upper.startsWith("AT")) {
            result(false);
            return;
        }
        if (faults.resetAfterCommands() > 0 && commands % faults.resetAfterCommands() == 0) {
            reset();
            return;
        }
        String cmd = line.substring(2);
        String name = cmd.replaceAll("[=?].*$", "").toUpperCase();
        String args = cmd.contains("=") ? cmd.substring(cmd.indexOf('=') + 1) : "";
        boolean query = cmd.endsWith("?");
        List<String> a = arguments(args);
        switch (name) {
        case "":
            ok();
            break;
        case "E0":
        case "E1":
            echo = name.equals("E1");
            ok();
            break;
        case "V0":
        case "V1":
            numeric = name.equals("V0");
            ok();
            break;
        case "I":
            respond(true, "Quectel", MODEL, "Revision: " + REVISION, "");
            break;
        case "+CGMI":
            respond(true, "Quectel");
            break;
        case "+CGMM":
            respond(true, MODEL);
            break;
        case "+CGMR":
            respond(true, REVISION);
            break;
        case "+QGMR":
            respond(true, REVISION + "_01.200.01.200");
            break;
        case "+CGSN":
            respond(true, "866349045095357");
            break;
        case "+CMEE":
        case "+CEREG":
        case "+CGREG":
        case "+CREG":
        case "+QICFG":
        case "&D1":
        case "&K3":
            if (query && name.endsWith("REG")) {
                respond(true, name + ": " + (ceregUrcs && name.equals("+CEREG") ? 1 : 0) + ","
                        + (simUnlocked ? faults.registrationStat() : 0));
            } else {
                if (name.equals("+CEREG")) {
                    ceregUrcs = !a.isEmpty() && !a.get(0).equals("0");
                }
                ok();
            }
            break;
        case "+CPIN":
            cpin(query, a);
            break;
        case "+CSQ":
            respond(true, "+CSQ: 20,99");
            break;
        case "+COPS":
            respond(true, query ? "+COPS: 0,0,\"Uplink Emulated\",8" : null);
            break;
        case "+QICSGP":
            apn = a.size() > 2 ? a.get(2) : "";
            ok();
            break;
        case "+QIACT":
            qiact(query);
            break;
        case "+QIDEACT":
            pdpActive = false;
            closeSockets();
            ok();
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
            respond(true, "+QIGETERROR: " + lastError + ",\"" + (lastError == 0 ? "operation successful"
                    : "see the error code table") + "\"");
            break;
        case "+QPOWD":
            ok();
            urc("POWERED DOWN");
            break;
        default:
            result(false);
        }
    }

    private void cpin(boolean query, List<String> a) throws IOException {
        if (query) {
            respond(true, "+CPIN: " + (simUnlocked ? "READY" : "SIM PIN"));
        } else if (!a.isEmpty() && a.get(0).equals(simPin)) {
            simUnlocked = true;
            ok();
            urc("+CPIN: READY");
        } else {
            cmeError(16); // incorrect password
        }
    }

    private void qiact(boolean query) throws IOException {
        if (query) {
            respond(true, pdpActive ? "+QIACT: 1,1,1,\"10.64.0.42\"" : null);
            return;
        }
        if (!simUnlocked) {
            cmeError(11);
            return;
        }
        int stat = faults.registrationStat();
        if (stat != 1 && stat != 5 || !faults.requiredApn().isEmpty() && !faults.requiredApn().equals(apn)) {
            result(false); // not registered, or the network rejects the APN: plain ERROR, as modules answer
            return;
        }
        pdpActive = true;
        ok();
    }

    private void qiopen(List<String> a) throws IOException {
        if (a.size() < 5) {
            result(false);
            return;
        }
        int ctx = intArg(a, 0);
        int id = intArg(a, 1);
        int access = a.size() > 6 ? intArg(a, 6) : 0;
        if (ctx < 1 || ctx > 16 || id < 0 || id > 11 || !"TCP".equalsIgnoreCase(a.get(2)) || access == 2) {
            result(false);
            return;
        }
        if (sockets[id] != null) {
            ok();
            urc("+QIOPEN: " + id + ",563");
            return;
        }
        if (!pdpActive) {
            ok();
            urc("+QIOPEN: " + id + ",561");
            return;
        }
        long open = java.util.Arrays.stream(sockets).filter(java.util.Objects::nonNull).count();
        if (open >= faults.maxOpenSockets()) {
            ok();
            urc("+QIOPEN: " + id + ",553"); // not enough memory
            return;
        }
        EmulatedSocket s = new EmulatedSocket(id, ctx, a.get(3), intArg(a, 4), access, link, faults, random,
                new SocketEvents());
        sockets[id] = s;
        ok();
        s.open();
    }

    private void qisend(List<String> a) throws IOException {
        int id = intArg(a, 0);
        EmulatedSocket s = id >= 0 && id < 12 ? sockets[id] : null;
        if (a.size() >= 2 && intArg(a, 1) == 0) {
            long[] c = s == null ? new long[3] : s.sendCounters();
            respond(true, "+QISEND: " + c[0] + "," + c[1] + "," + c[2]);
            return;
        }
        if (s == null || s.state() != EmulatedSocket.CONNECTED) {
            result(false);
            return;
        }
        byte[] data;
        if (a.size() >= 2) {
            int len = intArg(a, 1);
            if (len < 0 || len > MAX_SEND) {
                result(false);
                return;
            }
            write("\r\n> ".getBytes(StandardCharsets.ISO_8859_1));
            data = reader.bytes(len);
        } else {
            write("\r\n> ".getBytes(StandardCharsets.ISO_8859_1));
            data = reader.untilCtrlZ(MAX_SEND);
            if (data == null) {
                respond(null, "SEND FAIL"); // ESC cancelled
                return;
            }
        }
        boolean accepted = s.send(data, faults.sendFailWhenFull());
        maybeSlow();
        writeLine(accepted ? "SEND OK" : "SEND FAIL");
    }

    private void qird(List<String> a) throws IOException {
        int id = intArg(a, 0);
        EmulatedSocket s = id >= 0 && id < 12 ? sockets[id] : null;
        if (s == null) {
            result(false);
            return;
        }
        int len = a.size() >= 2 ? intArg(a, 1) : MAX_READ;
        if (len == 0) {
            long[] c = s.readCounters();
            respond(true, "+QIRD: " + c[0] + "," + c[1] + "," + c[2]);
            return;
        }
        if (len < 0 || len > MAX_READ) {
            result(false);
            return;
        }
        byte[] data = s.read(len);
        synchronized (out) {
            preamble();
            write(("\r\n+QIRD: " + data.length + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            if (data.length > 0) {
                write(data);
                write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
            }
            maybeInjectUrc();
            maybeSlow();
            write(resultBytes(true));
        }
    }

    private void qiclose(List<String> a) throws IOException {
        int id = intArg(a, 0);
        if (id < 0 || id > 11) {
            result(false);
            return;
        }
        EmulatedSocket s = sockets[id];
        sockets[id] = null;
        if (s != null) {
            s.close();
        }
        ok();
    }

    private void qistate(List<String> a) throws IOException {
        List<String> lines = new ArrayList<>();
        for (EmulatedSocket s : sockets) {
            if (s != null && (a.size() < 2 || intArg(a, 1) == s.id)) {
                lines.add("+QISTATE: " + s.id + ",\"TCP\",\"" + s.host + "\"," + s.port + "," + s.localPort() + ","
                        + s.state() + "," + s.context + ",0," + s.accessMode + ",\"uart1\"");
            }
        }
        respond(true, lines.toArray(new String[0]));
    }

    /** The module restarts: everything volatile is gone. */
    private void reset() throws IOException {
        closeSockets();
        pdpActive = false;
        simUnlocked = simPin.isEmpty();
        echo = true;
        numeric = false;
        urc("RDY");
        urc("APP RDY");
    }

    private final class SocketEvents implements EmulatedSocket.Events {
        @Override
        public void opened(EmulatedSocket s, int error) {
            lastError = error;
            if (error != 0) {
                synchronized (Bg95Emulator.this) {
                    if (sockets[s.id] == s) {
                        sockets[s.id] = null;
                    }
                }
            }
            urc("+QIOPEN: " + s.id + "," + error);
        }

        @Override
        public void dataArrived(EmulatedSocket s) {
            if (s.accessMode == 1) {
                byte[] data = s.read(MAX_READ);
                synchronized (out) {
                    try {
                        write(("\r\n+QIURC: \"recv\"," + s.id + "," + data.length + "\r\n")
                                .getBytes(StandardCharsets.ISO_8859_1));
                        write(data);
                    } catch (IOException e) {
                        LOG.debug("direct push failed: {}", e.toString());
                    }
                }
            } else {
                urc("+QIURC: \"recv\"," + s.id);
            }
        }

        @Override
        public void closedByPeer(EmulatedSocket s) {
            urc("+QIURC: \"closed\"," + s.id);
        }
    }

    // --- output ----------------------------------------------------------------------------------------------

    private void ok() throws IOException {
        result(true);
    }

    private void result(boolean ok) throws IOException {
        synchronized (out) {
            preamble();
            maybeSlow();
            write(resultBytes(ok));
        }
    }

    private void cmeError(int code) throws IOException {
        synchronized (out) {
            preamble();
            write(("\r\n+CME ERROR: " + code + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        }
    }

    /** Information lines then a final result ({@code ok} null: the last line is the result, e.g. SEND FAIL). */
    private void respond(Boolean ok, String... lines) throws IOException {
        synchronized (out) {
            preamble();
            for (String l : lines) {
                if (l != null) {
                    write(("\r\n" + l + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                }
            }
            maybeInjectUrc();
            maybeSlow();
            if (ok != null) {
                write(resultBytes(ok));
            }
        }
    }

    private void writeLine(String l) throws IOException {
        synchronized (out) {
            write(("\r\n" + l + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        }
    }

    private byte[] resultBytes(boolean ok) {
        String s = numeric ? (ok ? "0\r" : "4\r") : (ok ? "\r\nOK\r\n" : "\r\nERROR\r\n");
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private void preamble() throws IOException {
        if (faults.garbagePercent() > 0 && random.nextInt(100) < faults.garbagePercent()) {
            byte[] noise = new byte[1 + random.nextInt(24)];
            for (int i = 0; i < noise.length; i++) {
                noise[i] = (byte) (0x80 + random.nextInt(0x7F));
            }
            write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
            write(noise);
            write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        }
    }

    /** A URC inside the response, before its result, as modems do when an event happens meanwhile. */
    private void maybeInjectUrc() throws IOException {
        if (faults.urcInsideResponses() > 0 && random.nextInt(100) < faults.urcInsideResponses()) {
            for (EmulatedSocket s : sockets) {
                if (s != null && s.state() == EmulatedSocket.CONNECTED) {
                    write(("\r\n+QIURC: \"recv\"," + s.id + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    return;
                }
            }
            if (ceregUrcs) {
                write(("\r\n+CEREG: " + faults.registrationStat() + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            }
        }
    }

    private void maybeSlow() {
        if (faults.slowResponseMillis() > 0) {
            try {
                Thread.sleep(faults.slowResponseMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void urc(String line) {
        synchronized (out) {
            try {
                write(("\r\n" + line + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            } catch (IOException e) {
                LOG.debug("URC {} not delivered: {}", line, e.toString());
            }
        }
    }

    private void write(byte[] bytes) throws IOException {
        OutputStream o = port.output();
        o.write(bytes);
        o.flush();
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

    private synchronized void closeSockets() {
        for (int i = 0; i < sockets.length; i++) {
            if (sockets[i] != null) {
                sockets[i].close();
                sockets[i] = null;
            }
        }
    }

    @Override
    public void close() {
        running = false;
        closeSockets();
        try {
            port.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    /** Reads command lines and data phases from the serial port. */
    private static final class CommandReader {
        private final InputStream in;

        CommandReader(InputStream in) {
            this.in = in;
        }

        /** A line up to CR (LF ignored; a stray Ctrl+Z after a fixed-length send, as Zephyr sends, too). */
        String line() throws IOException {
            StringBuilder b = new StringBuilder();
            while (true) {
                int c = in.read();
                if (c < 0) {
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

        byte[] bytes(int n) throws IOException {
            byte[] b = in.readNBytes(n);
            if (b.length < n) {
                throw new IOException("serial line closed during a data phase");
            }
            return b;
        }

        /** Data ended by Ctrl+Z; null when ESC cancelled it. */
        byte[] untilCtrlZ(int max) throws IOException {
            java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
            while (true) {
                int c = in.read();
                if (c < 0) {
                    throw new IOException("serial line closed during a data phase");
                }
                if (c == 0x1A) {
                    return b.toByteArray();
                }
                if (c == 0x1B) {
                    return null;
                }
                if (b.size() < max) {
                    b.write(c);
                }
            }
        }
    }
}
