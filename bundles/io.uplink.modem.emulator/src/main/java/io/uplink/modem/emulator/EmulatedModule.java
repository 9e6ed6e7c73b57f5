package io.uplink.modem.emulator;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
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
 * The emulator core every personality shares: the emulator thread and its inbox, line framing, echo and numeric
 * results, the 27.007/V.250 commands every module has (AT, E, V, I, +CGMI, +CGMM, +CGMR, +CGSN, +CMEE, +CEREG,
 * +CREG, +CGREG, +CPIN, +CSQ, +COPS, +CFUN, +CCLK), the SIM, registration with its URCs, the module clock, the link
 * model and the faults of {@link Faults}. A {@link Personality} sees each command first and adds the module's own.
 *
 * <p>Registration follows the radio: the module is registered ({@link Faults#registrationStat()}) only with
 * AT+CFUN=1 and a ready SIM, else it reports 0 (not registered, not searching). Turning the radio on reports 2
 * (searching) and then the final state, as URCs when AT+CEREG/+CGREG/+CREG enabled them.
 *
 * <p>Threads: the emulator thread ({@code emulated-<name>}) owns all module state, the personality's included. Its
 * inbox ({@link SerialInput}) is filled by a pump thread ({@code emulated-<name>-rx}) with the bytes of the serial
 * line and by any other thread with tasks ({@link #post}); {@link #call} posts a question and waits for the answer.
 * Tasks run between commands, never inside a data phase, as a real module holds its URCs back then.
 */
public final class EmulatedModule implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmulatedModule.class);
    private static final long CALL_TIMEOUT_S = 10;

    private final SerialLink port;
    private final LinkModel link;
    private final Random random;
    private final SerialInput input;
    private final ResponseWriter out;
    private final Personality personality;
    private final Thread thread;
    private final String simPin;
    private volatile boolean running = true;
    private volatile Faults faults;
    private boolean echo;
    private int cmee;
    private int cfun;
    private boolean simUnlocked;
    private final Registration registration;
    private int commandsSinceBoot;
    /** The last line read was longer than the personality keeps. Emulator thread. */
    private boolean overlong;
    private final ModuleClock clock = new ModuleClock();

    EmulatedModule(SerialLink port, LinkModel link, Faults faults, String simPin, Personality personality) {
        this.port = port;
        this.link = link;
        this.faults = faults;
        this.personality = personality;
        this.random = new Random(faults.seed());
        this.simPin = simPin == null ? "" : simPin;
        String name = "emulated-" + personality.name();
        this.input = new SerialInput(port.input(), name);
        this.out = new ResponseWriter(port, random, () -> this.faults, this::injectableUrc, input);
        this.registration = new Registration(this, personality);
        powerOnSettings();
        registration.powerOn();
        personality.attach(this);
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    private void powerOnSettings() {
        simUnlocked = simPin.isEmpty();
        echo = personality.echoAtStart();
        cmee = personality.cmeeAtStart();
        out.cmee(cmee);
        cfun = personality.cfunAtStart();
        out.numeric(false);
        commandsSinceBoot = 0;
    }

    // --- what personalities use (emulator thread unless said otherwise) ------------------------------------------

    ResponseWriter out() {
        return out;
    }

    SerialInput input() {
        return input;
    }

    LinkModel link() {
        return link;
    }

    Random random() {
        return random;
    }

    Faults faults() {
        return faults;
    }

    void faults(Faults value) {
        faults = value;
    }

    /** Hands a task to the emulator thread (any thread). */
    void post(Runnable task) {
        input.post(task);
    }

    int cfun() {
        return cfun;
    }

    /** False once the module is closing: blocking commands stop waiting (any thread). */
    boolean running() {
        return running;
    }

    boolean simReady() {
        return simUnlocked;
    }

    /** 27.007 registration state: the fault's state with the radio on and the SIM ready, else 0. */
    int registrationStat() {
        return cfun == 1 && simUnlocked ? faults.registrationStat() : 0;
    }

    /** Registered, home or roaming. */
    boolean registered() {
        int stat = registrationStat();
        return stat == 1 || stat == 5;
    }

    /** The module clock (AT+CCLK). */
    Instant moduleTime() {
        return clock.now();
    }

    /** Fault {@code fault.reboot.after.commands}: reboot on the n-th command from now (and every n after); 0 = off. */
    void rebootAfterCommands(int n) {
        post(() -> {
            faults = faults.withResetAfterCommands(n);
            commandsSinceBoot = 0;
        });
    }

    /** The module reboots now: the core's settings go back to power-on, then the personality's. */
    void reboot() {
        powerOnSettings();
        registration.powerOn();
        personality.reset();
    }

    /** Runs on the emulator thread and waits for the answer (any thread). */
    <T> T call(Supplier<T> question) {
        if (Thread.currentThread() == thread) {
            return question.get();
        }
        String who = "the emulated " + personality.identity().model();
        if (!running) {
            throw new IllegalStateException(who + " is stopped; ask it before closing it");
        }
        CompletableFuture<T> answer = new CompletableFuture<>();
        input.post(() -> answer.complete(question.get()));
        try {
            return answer.get(CALL_TIMEOUT_S, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException(who + " did not answer within " + CALL_TIMEOUT_S
                    + " s: it is inside a data phase or stopped; ask after the command ends", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking " + who, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(who + " failed to answer: " + e.getCause(), e.getCause());
        }
    }

    // --- the emulator thread ------------------------------------------------------------------------------------

    private void run() {
        try {
            personality.started();
            while (running) {
                String line = readLine();
                if (line == null) {
                    return;
                }
                if (overlong && personality.rejectsOverlongLines()) {
                    out.error();
                    continue;
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
                LOG.debug("emulated {} stops: {}", personality.name(), e.toString());
            }
        } finally {
            running = false;
            personality.shutdown();
        }
    }

    /** The next command line, framed by the personality's terminator; null at the end of the input. */
    private String readLine() throws IOException {
        StringBuilder b = new StringBuilder();
        boolean crlf = personality.terminator() == Personality.Terminator.CR_LF;
        boolean quoted = false;
        boolean previousCr = false;
        int max = personality.maxLineLength();
        overlong = false;
        while (true) {
            int c = input.read(SerialInput.NO_DEADLINE, true);
            if (c == SerialInput.TASK) {
                runTasks();
                continue;
            }
            if (c == SerialInput.EOF) {
                return null;
            }
            if (!crlf) {
                if (c == '\r') {
                    return b.toString().trim();
                }
                if (c == '\n' || c == 0x1A) {
                    continue;
                }
            } else {
                if (c == '\n' && !quoted && previousCr) {
                    if (b.length() > 0 && b.charAt(b.length() - 1) == '\r') {
                        b.setLength(b.length() - 1);
                    }
                    return b.toString().trim();
                }
                if (c == '"') {
                    quoted = !quoted;
                }
                previousCr = c == '\r';
            }
            if (b.length() < max) {
                b.append((char) c);
            } else {
                overlong = true;
            }
        }
    }

    private void runTasks() {
        Runnable task;
        while ((task = input.pollTask()) != null) {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.warn("emulated {}: a posted task failed", personality.name(), e);
            }
        }
    }

    private void handle(String line) throws IOException {
        if (!line.regionMatches(true, 0, "AT", 0, 2)) {
            out.error();
            return;
        }
        commandsSinceBoot++;
        if (faults.resetAfterCommands() > 0 && commandsSinceBoot >= faults.resetAfterCommands()) {
            reboot();
            return;
        }
        CommandLine c = CommandLine.parse(line);
        if (!personality.handle(c) && !standard(c)) {
            out.error();
        }
    }

    /** The 27.007/V.250 commands; false for any other. */
    private boolean standard(CommandLine c) throws IOException {
        Personality.Identity id = personality.identity();
        switch (c.name()) {
        case "":
            out.ok();
            return true;
        case "E0":
        case "E1":
            echo = c.name().equals("E1");
            out.ok();
            return true;
        case "V0":
        case "V1":
            out.numeric(c.name().equals("V0"));
            out.ok();
            return true;
        case "I":
            if (id.ati() == null) {
                out.error();
            } else {
                out.respond(id.ati().toArray(new String[0]));
            }
            return true;
        case "+CGMI":
            out.respond(id.manufacturer());
            return true;
        case "+CGMM":
            out.respond(id.model());
            return true;
        case "+CGMR":
            out.respond(id.revision());
            return true;
        case "+CGSN":
            out.respond(id.imei());
            return true;
        case "+CMEE":
            cmee(c);
            return true;
        case "+CEREG":
        case "+CGREG":
        case "+CREG":
            registration.handle(c);
            return true;
        case "+CPIN":
            cpin(c);
            return true;
        case "+CFUN":
            cfun(c);
            return true;
        case "+CCLK":
            clock.handle(c, this);
            return true;
        case "+CSQ":
            out.respond(registered() ? "+CSQ: 20,99" : "+CSQ: 99,99");
            return true;
        case "+COPS":
            cops(c);
            return true;
        default:
            return false;
        }
    }

    private void cmee(CommandLine c) throws IOException {
        if (c.query()) {
            out.respond("+CMEE: " + cmee);
        } else if (c.test()) {
            out.respond("+CMEE: (0-2)");
        } else {
            int n = c.count() == 0 ? 0 : c.intArg(0);
            if (n < 0 || n > 2 || c.count() > 1) {
                out.error();
                return;
            }
            cmee = n;
            out.cmee(n);
            out.ok();
        }
    }

    private void cpin(CommandLine c) throws IOException {
        if (c.query()) {
            out.respond("+CPIN: " + (simUnlocked ? "READY" : "SIM PIN"));
        } else if (c.test()) {
            out.ok();
        } else if (simUnlocked) {
            cmeOrError(3); // operation not allowed: no PIN asked for
        } else if (c.count() >= 1 && c.arg(0).equals(simPin)) {
            simUnlocked = true;
            out.ok();
            out.urc("+CPIN: READY");
            registration.announce();
        } else {
            cmeOrError(16); // incorrect password
        }
    }

    /**
     * AT+CFUN=<0|1|4>[,<rst>]: the radio off (0), on (1) or in flight mode (4); {@code rst} 1 reboots the module
     * first. Other values belong to personalities that know them.
     */
    private void cfun(CommandLine c) throws IOException {
        if (c.query()) {
            out.respond("+CFUN: " + cfun);
            return;
        }
        if (c.test()) {
            out.respond("+CFUN: (0,1,4),(0,1)");
            return;
        }
        int fun = c.intArg(0);
        int rst = c.count() > 1 ? c.intArg(1) : 0;
        if (fun != 0 && fun != 1 && fun != 4 || rst < 0 || rst > 1 || c.count() > 2) {
            cmeOrError(50);
            return;
        }
        out.ok();
        if (rst == 1) {
            reboot();
        }
        setCfun(fun);
    }

    /** Reports the registration state as URCs where enabled, when it changed (e.g. after a fault setter). */
    void updateRegistration() {
        registration.update();
    }

    /** Changes the radio state, tells the personality, and reports registration: searching first when turned on. */
    void setCfun(int fun) {
        int before = cfun;
        cfun = fun;
        if (before == fun) {
            return;
        }
        personality.cfunChanged(before, fun);
        registration.announce();
    }

    private void cops(CommandLine c) throws IOException {
        if (c.query()) {
            out.respond(registered() ? "+COPS: 0,0,\"" + personality.operatorName() + "\","
                    + personality.accessTechnology() : "+COPS: 0");
        } else if (c.test()) {
            out.respond("+COPS: (2,\"" + personality.operatorName() + "\",\"Uplink\",\"00101\","
                    + personality.accessTechnology() + "),,(0-4),(0-2)");
        } else {
            out.ok(); // automatic selection is all the emulated network offers
        }
    }

    /** {@code +CME ERROR: <code>} unless AT+CMEE=0, which makes it plain ERROR. */
    void cmeOrError(int code) throws IOException {
        out.cmeError(code);
    }

    /** A URC that fits inside a response: the personality's, else the registration state if reported. */
    private String injectableUrc() {
        String urc = personality.injectableUrc();
        if (urc != null) {
            return urc;
        }
        return registration.injectableUrc();
    }

    /** Stops the module: the emulator thread ends and the personality closes its connections. Any thread. */
    @Override
    public void close() {
        running = false;
        input.post(personality::shutdown);
        input.close();
        try {
            port.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
