package io.uplink.modem.serial;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Splits the byte stream from a modem into what V.250 and the dialects send: lines (ended by CR, LF or CRLF, empty
 * lines dropped), prompts that come without a line end ({@code >}, {@code > }, {@code @}), and runs of raw bytes
 * announced by the line before them (e.g. {@code +QIRD: 5} then 5 bytes that may contain CR, LF or "OK").
 *
 * <p>Pure state machine: feed bytes, get events; no I/O, no threads. Robust to anything: over-long lines are cut
 * (and reported as such), control characters are kept visible, nothing throws.
 */
final class AtFramer {

    /** Receives what the framer recognised. Called on the thread that feeds bytes. */
    interface Sink {
        /** A complete line; {@code dataFollows} bytes of raw data come next (as announced by this line). */
        void line(String line, int dataFollows);

        void prompt(char prompt);

        void data(byte[] data);

        /**
         * How many raw bytes follow this line (0 for none): the channel knows from the command in flight (e.g.
         * {@code +QIRD:}) or from a URC that carries payload (Quectel direct push).
         */
        int rawLengthAfter(String line);

        /** Whether a prompt character at the start of a line is expected now (a command awaits one). */
        boolean promptExpected(char c);
    }

    static final int MAX_LINE = 4096;
    /** Quectel reads are at most 1500 bytes; anything claiming far more is noise, not data. */
    static final int MAX_RAW = 64 * 1024;

    private final Sink sink;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private boolean lineTooLong;
    private int rawRemaining;
    private ByteArrayOutputStream raw;
    private boolean skipLf;

    AtFramer(Sink sink) {
        this.sink = sink;
    }

    void feed(byte[] bytes, int off, int len) {
        for (int i = off; i < off + len; i++) {
            byte b = bytes[i];
            if (skipLf) {
                // The LF of a CRLF: framing, also when raw data starts right after it.
                skipLf = false;
                if (b == '\n') {
                    continue;
                }
            }
            if (rawRemaining > 0) {
                i = takeRaw(bytes, i, off + len);
                continue;
            }
            if (b == '\r' || b == '\n') {
                skipLf = b == '\r';
                endLine();
                continue;
            }
            if (line.size() == 0 && (b == '>' || b == '@') && sink.promptExpected((char) b)) {
                sink.prompt((char) b);
                continue;
            }
            if (line.size() >= MAX_LINE) {
                lineTooLong = true;
                continue;
            }
            line.write(b);
        }
    }

    /** Copies raw bytes starting at {@code i}; returns the index of the last byte consumed. */
    private int takeRaw(byte[] bytes, int i, int end) {
        int n = Math.min(rawRemaining, end - i);
        raw.write(bytes, i, n);
        rawRemaining -= n;
        if (rawRemaining == 0) {
            byte[] data = raw.toByteArray();
            raw = null;
            sink.data(data);
        }
        return i + n - 1;
    }

    private void endLine() {
        if (line.size() == 0 && !lineTooLong) {
            return;
        }
        String text = new String(line.toByteArray(), StandardCharsets.ISO_8859_1).strip();
        boolean cut = lineTooLong;
        line.reset();
        lineTooLong = false;
        if (text.isEmpty()) {
            return;
        }
        if (cut) {
            sink.line(text + " [cut at " + MAX_LINE + " characters]", 0);
            return;
        }
        int n = sink.rawLengthAfter(text);
        n = n > 0 && n <= MAX_RAW ? n : 0;
        sink.line(text, n);
        if (n > 0) {
            rawRemaining = n;
            raw = new ByteArrayOutputStream(n);
        }
    }

    /** {@code true} while raw bytes announced by a line are still expected. */
    boolean inRawData() {
        return rawRemaining > 0;
    }

    /** Forgets a partial line or raw run (after a timeout or a modem reset). */
    void reset() {
        line.reset();
        lineTooLong = false;
        rawRemaining = 0;
        raw = null;
        skipLf = false;
    }
}
