package io.uplink.modem.serial;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.ToIntFunction;

import io.uplink.modem.AtChannel;
import io.uplink.modem.AtCommand;
import io.uplink.modem.AtResponse;
import io.uplink.modem.FinalResult;
import io.uplink.modem.ModemException;
import io.uplink.modem.SerialLink;
import io.uplink.modem.UrcListener;
import io.uplink.modem.UrcSubscription;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link AtChannel} over a {@link SerialLink}. One reader thread owns the input: it frames bytes ({@link AtFramer}),
 * completes the command in flight and calls URC listeners. Callers queue on a fair lock and write their own command,
 * then wait (no polling) for the reader to complete it. After a timeout the next command first re-synchronises with
 * a bare {@code AT}, so a late answer is never taken for the next command's.
 *
 * <p>Every buffer the modem can fill is bounded, so a modem at the wrong baud rate, stuck in data mode or on a noisy
 * line cannot exhaust the heap: a line is cut at {@value AtFramer#MAX_LINE} characters, a raw run at
 * {@value AtFramer#MAX_RAW} bytes, a response holds at most {@value #MAX_RESPONSE_LINES} information lines, and at
 * most {@value #MAX_RESPONSE_BYTES} bytes may arrive while a command waits for its final result (the payload of
 * declared payload URCs, handed straight to their listeners, does not count). Past a limit the command fails at once
 * with a {@link ModemException} whose {@link ModemException#dialectCode() code} is {@value #ENDLESS_DATA}.
 *
 * <p>Threads: the reader thread owns the framer and fills the {@link Pending} command under {@link #monitor}; the
 * caller holding the queue lock owns everything else about its command.
 */
public final class SerialAtChannel implements AtChannel, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SerialAtChannel.class);
    private static final Duration RESYNC_TIMEOUT = Duration.ofSeconds(2);

    /** Information lines one response may hold; the longest real ones (file lists, operator scans) hold dozens. */
    public static final int MAX_RESPONSE_LINES = 256;
    /**
     * Bytes that may arrive while one command waits for its final result: four times the largest raw run
     * ({@value AtFramer#MAX_RAW}), about 23 s of a 115200 baud line.
     */
    public static final int MAX_RESPONSE_BYTES = 256 * 1024;
    /** {@link ModemException#dialectCode()} of a command failed because the modem sent more than the limits allow. */
    public static final String ENDLESS_DATA = "endless-data";
    /**
     * {@link ModemException#dialectCode()} of a command that timed out while bytes arrived that were no answer at all
     * (no line, no echo, no URC): a wrong baud rate or noise.
     */
    public static final String NOISE = "noise";
    /** How many received bytes a failure quotes (escaped) as the modem's raw text. */
    static final int SAMPLE_BYTES = 64;

    private final SerialLink link;
    private final AtFramer framer;
    private final Thread reader;
    private final ReentrantLock queue = new ReentrantLock(true);
    private final Object monitor = new Object();
    private final Map<String, List<UrcListener>> urcListeners = new ConcurrentHashMap<>();
    private final Map<String, ToIntFunction<String>> payloadUrcs = new ConcurrentHashMap<>();
    private Pending pending;
    private String urcAwaitingPayload;
    private volatile boolean open = true;
    private volatile boolean numeric;
    private volatile String failure;
    private boolean resyncNeeded;
    /** The last command marked sensitive: its late echo is masked too. */
    private volatile AtCommand lastSensitive;
    /** What ends a command line: CR (V.250), or CR+LF for a module that waits for both (Nordic's Serial LTE Modem). */
    private volatile String lineEnd = "\r";
    /** Set by a caller, applied by the reader before it feeds more bytes: the framer belongs to the reader thread. */
    private volatile boolean framerResetRequested;

    public SerialAtChannel(SerialLink link) {
        this.link = link;
        this.framer = new AtFramer(new Sink());
        this.reader = new Thread(this::readLoop, "uplink-at-" + link.name());
        this.reader.setDaemon(true);
        this.reader.start();
    }

    /** A command in flight; guarded by {@link #monitor}. */
    private static final class Pending {
        final AtCommand command;
        final String responsePrefix;
        final List<String> lines = new ArrayList<>();
        final ByteArrayOutputStream data = new ByteArrayOutputStream();
        final long started = System.nanoTime();
        /** Bytes received while waiting for the final result, less the payload of payload URCs. */
        long received;
        final byte[] sample = new byte[SAMPLE_BYTES];
        int sampled;
        /** Why the reader gave up on this command (a limit was passed); the caller turns it into the exception. */
        String overflow;
        boolean echoSeen;
        /** An unsolicited line arrived: the modem speaks AT, whatever else went wrong. */
        boolean urcSeen;
        boolean promptSeen;
        FinalResult result;
        /** ATV0/ATV1 themselves may be answered in either form. */
        final boolean switchesVerbosity;

        Pending(AtCommand command) {
            this.command = command;
            String upper = command.line().toUpperCase();
            this.switchesVerbosity = upper.contains("V0") || upper.contains("V1");
            String line = command.line();
            int end = 2;
            while (end < line.length() && "=?".indexOf(line.charAt(end)) < 0) {
                end++;
            }
            this.responsePrefix = line.length() > 2 && (line.charAt(2) == '+' || line.charAt(2) == '%'
                    || line.charAt(2) == '#') ? line.substring(2, end) + ":" : null;
        }

        boolean awaitsPrompt() {
            return command.prompt() != null && !promptSeen;
        }

        void count(byte[] buf, int n) {
            received += n;
            int take = Math.min(n, sample.length - sampled);
            System.arraycopy(buf, 0, sample, sampled, take);
            sampled += take;
        }

        /** How many bytes arrived and the first of them, escaped: safe for logs and reports, bounded. */
        String evidence() {
            return "[" + received + " bytes] " + escape(sample, sampled) + (received > sampled ? "..." : "");
        }
    }

    /** Bytes as text a log or report can show: printable ASCII kept, {@code \r \n \t}, others as {@code \xNN}. */
    static String escape(byte[] bytes, int length) {
        StringBuilder b = new StringBuilder(length * 2);
        for (int i = 0; i < length; i++) {
            int c = bytes[i] & 0xFF;
            if (c == '\r') {
                b.append("\\r");
            } else if (c == '\n') {
                b.append("\\n");
            } else if (c == '\t') {
                b.append("\\t");
            } else if (c == '\\') {
                b.append("\\\\");
            } else if (c >= 0x20 && c <= 0x7E) {
                b.append((char) c);
            } else {
                b.append(String.format("\\x%02x", c));
            }
        }
        return b.toString();
    }

    /**
     * Sets what ends each command line: {@code "\r"} (V.250, the default) or {@code "\r\n"} (Nordic's Serial LTE
     * Modem, whose default termination mode is CR+LF: a line ended by CR alone is never answered). CR+LF is not the
     * default because a module that takes data right after the CR of a send command would take the LF as data.
     *
     * @throws IllegalArgumentException for anything else
     */
    public void lineEnd(String end) {
        if (!"\r".equals(end) && !"\r\n".equals(end)) {
            throw new IllegalArgumentException("a command line ends with CR or CR+LF");
        }
        lineEnd = end;
    }

    /** What ends each command line now: {@code "\r"} or {@code "\r\n"}. */
    public String lineEnd() {
        return lineEnd;
    }

    /**
     * Declares a URC that carries raw bytes after its line (e.g. Quectel direct push {@code +QIURC: "recv",0,5}):
     * {@code length} tells how many, 0 for none.
     */
    public void declarePayloadUrc(String prefix, ToIntFunction<String> length) {
        payloadUrcs.put(prefix, length);
    }

    @Override
    public AtResponse execute(AtCommand command) throws ModemException {
        try {
            queue.lockInterruptibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ModemException("Interrupted while waiting to send " + command, "", "", "");
        }
        try {
            checkOpen(command);
            if (resyncNeeded) {
                resync();
            }
            return run(command);
        } finally {
            queue.unlock();
        }
    }

    /**
     * Leaves a transparent (online) data mode with the {@code +++} escape: at least {@code guard} of silence, the
     * three characters, {@code guard} of silence again, then the modem's {@code OK}. The guard is the modem's S12
     * register (in 20 ms units; default 50, i.e. 1 s). Nothing else is written meanwhile: the command queue is held.
     *
     * @throws ModemException when the modem does not answer OK (it may not be in data mode, or S12 differs)
     */
    public AtResponse escapeToCommandMode(Duration guard) throws ModemException {
        AtCommand escape = AtCommand.of("+++").withTimeout(guard.multipliedBy(2).plusSeconds(5));
        try {
            queue.lockInterruptibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ModemException("Interrupted before the +++ escape", "", "", "");
        }
        try {
            checkOpen(escape);
            Pending p = new Pending(escape);
            sleepGuard(guard.plusMillis(50));
            synchronized (monitor) {
                pending = p;
            }
            try {
                LOG.debug("AT> +++ (guard {} ms)", guard.toMillis());
                write("+++".getBytes(StandardCharsets.ISO_8859_1), escape);
                long deadline = System.nanoTime() + escape.timeout().toNanos();
                awaitResult(p, deadline);
                return new AtResponse(escape, p.lines, new byte[0], p.result,
                        Duration.ofNanos(System.nanoTime() - p.started));
            } finally {
                synchronized (monitor) {
                    pending = null;
                }
            }
        } finally {
            queue.unlock();
        }
    }

    private static void sleepGuard(Duration guard) throws ModemException {
        try {
            Thread.sleep(guard.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ModemException("Interrupted during the +++ guard time", "", "", "");
        }
    }

    private AtResponse run(AtCommand command) throws ModemException {
        Pending p = new Pending(command);
        if (command.isSensitive()) {
            lastSensitive = command;
        }
        synchronized (monitor) {
            pending = p;
        }
        try {
            LOG.debug("AT> {}", command);
            write((command.line() + lineEnd).getBytes(StandardCharsets.ISO_8859_1), command);
            long deadline = p.started + command.timeout().toNanos();
            if (command.prompt() != null) {
                awaitPromptOrResult(p, deadline);
                if (p.result == null) {
                    byte[] payload = command.payload();
                    LOG.debug("AT> [{} bytes of data{}]", payload.length, command.isSensitive() ? ", secret" : "");
                    write(payload, command);
                }
            }
            awaitResult(p, deadline);
            trackModes(command, p.result);
            AtResponse r = new AtResponse(command, p.lines, p.data.toByteArray(), p.result,
                    Duration.ofNanos(System.nanoTime() - p.started));
            LOG.debug("AT< {} ({} ms)", p.result.text(), r.elapsed().toMillis());
            return r;
        } finally {
            synchronized (monitor) {
                pending = null;
            }
        }
    }

    private void awaitPromptOrResult(Pending p, long deadline) throws ModemException {
        synchronized (monitor) {
            while (!p.promptSeen && p.result == null) {
                waitUntil(p, deadline, "'" + p.command.prompt() + "' prompt");
            }
        }
    }

    private void awaitResult(Pending p, long deadline) throws ModemException {
        synchronized (monitor) {
            while (p.result == null) {
                waitUntil(p, deadline, "final result");
            }
        }
    }

    /** Waits on the monitor until notified or the deadline; fails the command at the deadline. */
    private void waitUntil(Pending p, long deadline, String what) throws ModemException {
        if (!open) {
            throw closedException(p.command);
        }
        if (p.overflow != null) {
            resyncNeeded = true;
            throw endlessData(p);
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            resyncNeeded = true;
            throw timeout(p, what);
        }
        try {
            TimeUnit.NANOSECONDS.timedWait(monitor, left);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            resyncNeeded = true;
            throw new ModemException("Interrupted while waiting for the answer to " + p.command, "", "", "");
        }
    }

    private static final String NOISE_FIX = "Set the baud rate the module uses (the modem configuration's baud "
            + "rate; the module's AT+IPR), check that this is the module's AT port (not its NMEA or diagnostics port) "
            + "and the cable and ground; power-cycle a module stuck in data mode.";

    /** The failure of a command the modem flooded; {@code p.overflow} says which limit it passed. */
    private ModemException endlessData(Pending p) {
        LOG.debug("{}: {} failed: {}", link.name(), p.command, p.overflow);
        return new ModemException("The modem on " + link.name() + " sends endless data (" + p.received + " bytes "
                + "without a final result): wrong baud rate, a module stuck in data mode, or noise on the line ("
                + p.overflow + ", waiting for the answer to " + p.command + ").", p.evidence(), ENDLESS_DATA,
                NOISE_FIX);
    }

    /**
     * A command without its final result in time: silence, or bytes that were no answer at all (code {@value #NOISE},
     * with how many arrived and a sample), or an answer that stopped short (its lines as the raw text).
     */
    private ModemException timeout(Pending p, String what) {
        String late = "The modem on " + link.name() + " sent no " + what + " for " + p.command + " within "
                + p.command.timeout().toMillis() + " ms";
        if (p.received > 0 && !p.echoSeen && !p.promptSeen && !p.urcSeen && p.lines.isEmpty()) {
            return new ModemException(late + ": " + p.received + " bytes arrived, none of them an answer: wrong baud "
                    + "rate, a module stuck in data mode, or noise on the line.", p.evidence(), NOISE, NOISE_FIX);
        }
        return new ModemException(late + (p.received > 0 ? " (" + p.received + " bytes arrived)." : "."),
                bounded(String.join(" | ", p.lines), 1024), "", "Check that the modem is powered and on this port at "
                        + "the configured baud rate; a busy modem (e.g. during AT+QIACT) needs the longer timeout its "
                        + "manual gives.");
    }

    private static String bounded(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max) + "... [" + text.length() + " characters]";
    }

    private void resync() throws ModemException {
        try {
            framerResetRequested = true;
            AtResponse r = run(AtCommand.of("AT").withTimeout(RESYNC_TIMEOUT));
            if (r.isOk()) {
                resyncNeeded = false;
            }
        } catch (ModemException e) {
            if (ENDLESS_DATA.equals(e.dialectCode())) {
                throw e; // already the cause, in plain words
            }
            throw new ModemException("The modem on " + link.name() + " does not answer AT any more.", e.rawText(), "",
                    "Check power and cabling; the modem may have reset or crashed (power-cycle it).", e);
        }
    }

    private void trackModes(AtCommand c, FinalResult r) {
        if (r.isSuccess()) {
            String l = c.line().toUpperCase();
            if (l.contains("V0")) {
                numeric = true;
            } else if (l.contains("V1") || l.equals("ATZ")) {
                numeric = false;
            }
        }
    }

    private void write(byte[] bytes, AtCommand c) throws ModemException {
        try {
            link.output().write(bytes);
            link.output().flush();
        } catch (IOException e) {
            fail("write failed: " + e.getMessage());
            throw new ModemException("Cannot write to the modem on " + link.name() + ": " + e.getMessage(), "", "",
                    "Check that the port still exists (USB modems re-enumerate after a reset).", e);
        }
    }

    private void checkOpen(AtCommand c) throws ModemException {
        if (!open) {
            throw closedException(c);
        }
    }

    private ModemException closedException(AtCommand c) {
        return new ModemException("The AT channel on " + link.name() + " is closed" + (failure == null ? ""
                : " (" + failure + ")") + "; " + c + " was not sent.", "", "",
                "Re-open the modem (it re-attaches by itself when its port comes back).");
    }

    @Override
    public UrcSubscription onUrc(String prefix, UrcListener listener) {
        urcListeners.computeIfAbsent(prefix, k -> new CopyOnWriteArrayList<>()).add(listener);
        return () -> {
            List<UrcListener> l = urcListeners.get(prefix);
            if (l != null) {
                l.remove(listener);
            }
        };
    }

    @Override
    public String portName() {
        return link.name();
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void close() {
        fail(null);
        try {
            link.close();
        } catch (IOException e) {
            LOG.debug("closing {}: {}", link.name(), e.toString());
        }
        if (Thread.currentThread() != reader) {
            try {
                reader.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void fail(String why) {
        synchronized (monitor) {
            if (open && why != null) {
                failure = why;
            }
            open = false;
            monitor.notifyAll();
        }
    }

    // --- reader thread -------------------------------------------------------------------------------------

    private void readLoop() {
        byte[] buf = new byte[4096];
        try {
            InputStream in = link.input();
            while (open) {
                int n = in.read(buf);
                if (n < 0) {
                    fail("the port reached end of stream");
                    break;
                }
                if (n > 0) {
                    if (framerResetRequested) {
                        framerResetRequested = false;
                        framer.reset();
                    }
                    countReceived(buf, n);
                    framer.feed(buf, 0, n);
                }
            }
        } catch (IOException e) {
            if (open) {
                LOG.warn("Reading from {} failed: {}", link.name(), e.toString());
            }
            fail("read failed: " + e.getMessage());
        } catch (Throwable e) {
            // Also an Error (OutOfMemoryError, a URC listener's): a reader that dies silently would leave the channel
            // open but deaf, and its modem would never be attached again. Closing it makes the supervisor reopen it.
            LOG.error("The AT reader of {} stopped on an unexpected error; closing the channel", link.name(), e);
            fail("reader error: " + e);
        }
    }

    /** Counts bytes against the command in flight; past {@link #MAX_RESPONSE_BYTES} gives up on it. */
    private void countReceived(byte[] buf, int n) {
        synchronized (monitor) {
            Pending p = pending;
            if (p != null && p.result == null && p.overflow == null) {
                p.count(buf, n);
                if (p.received > MAX_RESPONSE_BYTES) {
                    overflow(p, "more than " + MAX_RESPONSE_BYTES + " bytes");
                }
            }
        }
    }

    /** Gives up on a flooded command: it leaves the reader's hands, its caller throws. Holds {@link #monitor}. */
    private void overflow(Pending p, String why) {
        p.overflow = why;
        pending = null;
        monitor.notifyAll();
    }

    /** Adds an information line, within {@link #MAX_RESPONSE_LINES}. Holds {@link #monitor}. */
    private void addLine(Pending p, String line) {
        if (p.lines.size() >= MAX_RESPONSE_LINES) {
            overflow(p, "more than " + MAX_RESPONSE_LINES + " lines");
            return;
        }
        p.lines.add(line);
    }

    private final class Sink implements AtFramer.Sink {
        @Override
        public void line(String line, int dataFollows) {
            if (dataFollows == 0 && isNoise(line)) {
                // Modem lines are printable ASCII; anything else is line noise or a baud-rate mismatch.
                LOG.debug("Dropped noise on {}: {} characters", link.name(), line.length());
                return;
            }
            synchronized (monitor) {
                Pending p = pending;
                if (LOG.isDebugEnabled()) {
                    LOG.debug("AT< {}", loggable(line, p));
                }
                if (p != null && p.result == null) {
                    if (!p.echoSeen && (line.equals(p.command.line())
                            || p.command.isSensitive() && echoes(line, p.command))) {
                        p.echoSeen = true; // a secret's echo, even a garbled one, never joins the response's lines
                        return;
                    }
                    // A prompt that is a line: CONNECT (Quectel QFUPL, Sierra K*SND), OK (Nordic SLM data mode).
                    if (p.awaitsPrompt() && p.command.prompt().length() > 1 && line.startsWith(p.command.prompt())) {
                        p.promptSeen = true;
                        monitor.notifyAll();
                        return;
                    }
                    if (p.command.rawDataLength() >= 0 && line.startsWith(p.command.rawDataPrefix())) {
                        addLine(p, line); // e.g. CONNECT before a file download: data follows, not the end
                        return;
                    }
                    FinalResult.Kind extra = p.command.extraFinalResults().get(line);
                    FinalResult f = extra != null ? new FinalResult(extra, -1, line)
                            : ResultCodes.parse(line, numeric || p.switchesVerbosity, true);
                    if (f != null) {
                        p.result = f;
                        monitor.notifyAll();
                        return;
                    }
                    if (p.responsePrefix != null && line.startsWith(p.responsePrefix)
                            || p.command.rawDataPrefix() != null && line.startsWith(p.command.rawDataPrefix())) {
                        addLine(p, line);
                        return;
                    }
                }
                if (urcPrefix(line) != null) {
                    if (p != null) {
                        p.urcSeen = true;
                    }
                    if (dataFollows > 0) {
                        urcAwaitingPayload = line;
                    } else {
                        deliverUrc(line, new byte[0]);
                    }
                    return;
                }
                if (p != null && p.result == null) {
                    if (Unsolicited.isUnsolicited(line, p.responsePrefix)) {
                        p.urcSeen = true; // e.g. RING or +CREG: 1 during ATI: not what the module says it is
                    } else {
                        addLine(p, line); // information text without a prefix, e.g. the lines of ATI
                        return;
                    }
                }
            }
            if (LOG.isDebugEnabled()) {
                LOG.debug("Unsolicited line nobody listens to on {}: {}", link.name(), loggable(line, null));
            }
        }

        @Override
        public void prompt(char c) {
            synchronized (monitor) {
                Pending p = pending;
                if (p != null && p.awaitsPrompt()) {
                    p.promptSeen = true;
                    monitor.notifyAll();
                }
            }
        }

        @Override
        public void data(byte[] data) {
            String urc;
            synchronized (monitor) {
                urc = urcAwaitingPayload;
                urcAwaitingPayload = null;
                Pending p = pending;
                if (urc == null) {
                    if (p != null) {
                        p.data.write(data, 0, data.length);
                    }
                    return;
                }
                if (p != null) {
                    p.received -= data.length; // goes straight to the URC's listeners, buffered nowhere
                }
            }
            deliverUrc(urc, data);
        }

        @Override
        public int rawLengthAfter(String line) {
            synchronized (monitor) {
                Pending p = pending;
                if (p != null && p.command.rawDataPrefix() != null && line.startsWith(p.command.rawDataPrefix())) {
                    int fixed = p.command.rawDataLength();
                    return fixed >= 0 ? fixed : Math.max(0, ResultCodes.firstNumber(line, p.command.rawDataPrefix()));
                }
            }
            for (Map.Entry<String, ToIntFunction<String>> e : payloadUrcs.entrySet()) {
                if (line.startsWith(e.getKey())) {
                    return Math.max(0, e.getValue().applyAsInt(line));
                }
            }
            return 0;
        }

        @Override
        public boolean promptExpected(char c) {
            synchronized (monitor) {
                Pending p = pending;
                return p != null && p.awaitsPrompt() && p.command.prompt().charAt(0) == c;
            }
        }
    }

    /**
     * A received line as logs may show it: the echo of a sensitive command (a SIM PIN, an APN password) is masked
     * exactly as the sent line is ({@link AtCommand#toString()}), also when it comes late.
     */
    private String loggable(String line, Pending p) {
        if (p != null && p.command.isSensitive() && echoes(line, p.command)) {
            return p.command.toString();
        }
        AtCommand last = lastSensitive;
        return last != null && echoes(line, last) ? last.toString() : line;
    }

    /** Whether a line repeats a command up to its arguments ({@code AT+CPIN=}), as an echo does, in any case. */
    static boolean echoes(String line, AtCommand c) {
        String sent = c.line();
        int eq = sent.indexOf('=');
        String head = eq < 0 ? sent : sent.substring(0, eq + 1);
        return line.regionMatches(true, 0, head, 0, head.length());
    }

    static boolean isNoise(String line) {
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c < 0x20 && c != '\t' || c > 0x7E) {
                return true;
            }
        }
        return false;
    }

    private String urcPrefix(String line) {
        for (String prefix : urcListeners.keySet()) {
            if (line.startsWith(prefix) && !urcListeners.get(prefix).isEmpty()) {
                return prefix;
            }
        }
        return null;
    }

    /** Calls the listeners of every matching prefix; a failing listener is logged and the others still run. */
    private void deliverUrc(String line, byte[] data) {
        for (Map.Entry<String, List<UrcListener>> e : urcListeners.entrySet()) {
            if (line.startsWith(e.getKey())) {
                for (UrcListener l : e.getValue()) {
                    try {
                        l.onUrc(line, data.clone());
                    } catch (RuntimeException ex) {
                        LOG.warn("URC listener for '{}' failed on '{}': {}", e.getKey(), line, ex.toString());
                    }
                }
            }
        }
    }
}
