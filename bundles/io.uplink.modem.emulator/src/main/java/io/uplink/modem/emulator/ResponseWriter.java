package io.uplink.modem.emulator;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.function.Supplier;

import io.uplink.modem.SerialLink;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything the emulated module writes to the serial line: results in verbose or numeric form, information lines,
 * prompts and data, URCs, and the output faults of {@link Faults} (binary noise before a response, a URC inside it,
 * a slow final result).
 *
 * <p>Threads: used by the emulator thread; writes are serialised on {@code out} so a line is never torn.
 */
final class ResponseWriter implements AtConsole {

    private static final Logger LOG = LoggerFactory.getLogger(ResponseWriter.class);

    private final SerialLink port;
    private final Random random;
    private final Supplier<Faults> faults;
    /** A URC that may be injected inside a response, or null. */
    private final Supplier<String> injectable;
    private final SerialInput input;
    private final Object out = new Object();
    private volatile boolean numeric;
    /** AT+CMEE: 0 turns +CME ERROR into plain ERROR; 1 and 2 print the number (verbose texts are not emulated). */
    private volatile int cmee = 1;

    ResponseWriter(SerialLink port, Random random, Supplier<Faults> faults, Supplier<String> injectable,
            SerialInput input) {
        this.port = port;
        this.random = random;
        this.faults = faults;
        this.injectable = injectable;
        this.input = input;
    }

    /** AT+CMEE mode: 0 plain ERROR, 1 numeric, 2 verbose (printed as numeric: the texts are not emulated). */
    void cmee(int mode) {
        cmee = mode;
    }

    /** ATV0 (numeric results) or ATV1 (verbose). */
    void numeric(boolean value) {
        numeric = value;
    }

    @Override
    public SerialInput input() {
        return input;
    }

    @Override
    public void ok() throws IOException {
        result(true);
    }

    @Override
    public void error() throws IOException {
        result(false);
    }

    void result(boolean ok) throws IOException {
        synchronized (out) {
            preamble();
            maybeSlow();
            write(resultBytes(ok));
        }
    }

    @Override
    public void cmeError(int code) throws IOException {
        if (cmee == 0) {
            error();
            return;
        }
        synchronized (out) {
            preamble();
            write(ascii("\r\n+CME ERROR: " + code + "\r\n"));
        }
    }

    @Override
    public void respond(String... lines) throws IOException {
        respond(true, lines);
    }

    /**
     * Information lines as one block ({@code \r\nA\r\nB\r\n}, no blank line between them, as a module's firmware
     * prints a list), then OK; no lines: just OK.
     */
    void respondBlock(java.util.List<String> lines) throws IOException {
        if (lines.isEmpty()) {
            ok();
            return;
        }
        respond(String.join("\r\n", lines));
    }

    /** A line that is itself the final answer (e.g. SEND FAIL), with the response faults. */
    void finalLine(String line) throws IOException {
        respond(null, new String[] { line });
    }

    /** Information lines then a final result ({@code ok} null: no final result, the last line is it). */
    private void respond(Boolean ok, String[] lines) throws IOException {
        synchronized (out) {
            preamble();
            for (String l : lines) {
                if (l != null) {
                    write(ascii("\r\n" + l + "\r\n"));
                }
            }
            maybeInjectUrc();
            maybeSlow();
            if (ok != null) {
                write(resultBytes(ok));
            }
        }
    }

    /** Raw bytes framed as a data response (e.g. {@code +QIRD}), with the response faults, then OK. */
    void dataResponse(byte[] head, byte[] data) throws IOException {
        synchronized (out) {
            preamble();
            write(head);
            if (data.length > 0) {
                write(data);
                write(ascii("\r\n"));
            }
            maybeInjectUrc();
            maybeSlow();
            write(resultBytes(true));
        }
    }

    @Override
    public void line(String text) throws IOException {
        maybeSlow();
        synchronized (out) {
            write(ascii("\r\n" + text + "\r\n"));
        }
    }

    @Override
    public void connect() throws IOException {
        synchronized (out) {
            write(ascii(numeric ? "1\r" : "\r\nCONNECT\r\n"));
        }
    }

    @Override
    public void raw(byte[] bytes) throws IOException {
        synchronized (out) {
            write(bytes);
        }
    }

    @Override
    public void urc(String line) {
        synchronized (out) {
            try {
                write(ascii("\r\n" + line + "\r\n"));
            } catch (IOException e) {
                LOG.debug("URC {} not delivered: {}", line, e.toString());
            }
        }
    }

    @Override
    public void urcWithData(String line, byte[] data) {
        synchronized (out) {
            try {
                write(ascii("\r\n" + line + "\r\n"));
                write(data);
            } catch (IOException e) {
                LOG.debug("URC {} with data not delivered: {}", line, e.toString());
            }
        }
    }

    private byte[] resultBytes(boolean ok) {
        return ascii(numeric ? (ok ? "0\r" : "4\r") : (ok ? "\r\nOK\r\n" : "\r\nERROR\r\n"));
    }

    private void preamble() throws IOException {
        int garbage = faults.get().garbagePercent();
        if (garbage > 0 && random.nextInt(100) < garbage) {
            byte[] noise = new byte[1 + random.nextInt(24)];
            for (int i = 0; i < noise.length; i++) {
                noise[i] = (byte) (0x80 + random.nextInt(0x7F));
            }
            write(ascii("\r\n"));
            write(noise);
            write(ascii("\r\n"));
        }
    }

    /** A URC inside the response, before its result, as modems do when an event happens meanwhile. */
    private void maybeInjectUrc() throws IOException {
        int percent = faults.get().urcInsideResponses();
        if (percent > 0 && random.nextInt(100) < percent) {
            String urc = injectable.get();
            if (urc != null) {
                write(ascii("\r\n" + urc + "\r\n"));
            }
        }
    }

    private void maybeSlow() {
        int millis = faults.get().slowResponseMillis();
        if (millis > 0) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void write(byte[] bytes) throws IOException {
        OutputStream o = port.output();
        o.write(bytes);
        o.flush();
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
