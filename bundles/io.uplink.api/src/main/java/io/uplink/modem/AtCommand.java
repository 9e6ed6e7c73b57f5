package io.uplink.modem;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * An immutable AT command: the command line, how long the modem may take, and optionally data to send after a
 * prompt or raw bytes to read inside the response.
 *
 * <p>Build with {@link #of(String)} and the {@code with...} methods, each returning a new instance.
 *
 * @since 1.0
 */
public final class AtCommand {

    /** Timeout of an ordinary command when none is given. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    private final String line;
    private final Duration timeout;
    private final byte[] payload;
    private final String prompt;
    private final String rawDataPrefix;
    private final int rawDataLength;
    private final boolean sensitive;
    private final Map<String, FinalResult.Kind> extraFinals;

    private AtCommand(String line, Duration timeout, byte[] payload, String prompt, String rawDataPrefix,
            int rawDataLength, boolean sensitive, Map<String, FinalResult.Kind> extraFinals) {
        this.line = line;
        this.timeout = timeout;
        this.payload = payload;
        this.prompt = prompt;
        this.rawDataPrefix = rawDataPrefix;
        this.rawDataLength = rawDataLength;
        this.sensitive = sensitive;
        this.extraFinals = extraFinals;
    }

    /**
     * A command line without the trailing CR, for example {@code "AT+CPIN?"}.
     *
     * @throws IllegalArgumentException if the line is empty or contains CR or LF
     */
    public static AtCommand of(String line) {
        Objects.requireNonNull(line, "line");
        if (line.isEmpty() || line.indexOf('\r') >= 0 || line.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("An AT command line must be non-empty and must not contain CR or LF: "
                    + Arrays.toString(line.getBytes(StandardCharsets.US_ASCII)));
        }
        return new AtCommand(line, DEFAULT_TIMEOUT, null, null, null, -1, false, Map.of());
    }

    /**
     * A command line whose quoted string arguments hold line feeds, such as PEM text inside the quotes of Nordic's
     * {@code AT%CMNG=0,<tag>,<type>,"-----BEGIN CERTIFICATE-----\n..."}: a modem that ends command lines with CR or
     * CR+LF does not end one at an LF inside quotes. The line is written as given, then the channel's line end.
     *
     * @throws IllegalArgumentException if the line is empty, contains a CR anywhere, an LF outside double quotes, or a
     *         quote that is not closed
     * @since 1.4
     */
    public static AtCommand ofQuotedText(String line) {
        Objects.requireNonNull(line, "line");
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == '\r' || c == '\n' && !quoted) {
                throw new IllegalArgumentException("An AT command line may hold line feeds only inside double quotes, "
                        + "and no CR at all (character " + i + ")");
            }
        }
        if (line.isEmpty() || quoted) {
            throw new IllegalArgumentException("An AT command line must be non-empty and close its quotes");
        }
        return new AtCommand(line, DEFAULT_TIMEOUT, null, null, null, -1, false, Map.of());
    }

    /** The maximum time from sending the line to the final result (the manual's maximum response time). */
    public AtCommand withTimeout(Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException("timeout must be positive");
        }
        return new AtCommand(line, value, payload, prompt, rawDataPrefix, rawDataLength, sensitive, extraFinals);
    }

    /**
     * Data to write once the modem shows {@code prompt} ({@code ">"} or {@code "@"}, which arrive without a line
     * end, or {@code "CONNECT"}, which arrives as a line). The bytes are written exactly as given.
     */
    public AtCommand withPayload(String prompt, byte[] data) {
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(data, "data");
        return new AtCommand(line, timeout, data.clone(), prompt, rawDataPrefix, rawDataLength, sensitive,
                extraFinals);
    }

    /**
     * Declares that an information line starting with {@code prefix} carries a byte count as its first number and is
     * followed by exactly that many raw bytes (e.g. {@code "+QIRD:"}). Those bytes may contain CR, LF or "OK".
     */
    public AtCommand withRawData(String prefix) {
        Objects.requireNonNull(prefix, "prefix");
        return new AtCommand(line, timeout, payload, prompt, prefix, -1, sensitive, extraFinals);
    }

    /**
     * Declares that a response line starting with {@code prefix} (e.g. {@code "CONNECT"} of Quectel's
     * {@code AT+QFDWL}) is followed by exactly {@code length} raw bytes, a count the line itself does not carry.
     *
     * @since 1.2
     */
    public AtCommand withRawData(String prefix, int length) {
        Objects.requireNonNull(prefix, "prefix");
        if (length < 0) {
            throw new IllegalArgumentException("raw data length must not be negative: " + length);
        }
        return new AtCommand(line, timeout, payload, prompt, prefix, length, sensitive, extraFinals);
    }

    /** Marks the line or payload as secret (APN password, SIM PIN, key material): logs show it masked. */
    public AtCommand sensitive() {
        return new AtCommand(line, timeout, payload, prompt, rawDataPrefix, rawDataLength, true, extraFinals);
    }

    /**
     * A dialect line that ends this command like a final result code, e.g. {@code SEND OK} / {@code SEND FAIL}
     * after Quectel's {@code AT+QISEND} data. Matched exactly.
     *
     * @since 1.1
     */
    public AtCommand withFinalResult(String resultLine, FinalResult.Kind kind) {
        Objects.requireNonNull(resultLine, "resultLine");
        Objects.requireNonNull(kind, "kind");
        Map<String, FinalResult.Kind> m = new LinkedHashMap<>(extraFinals);
        m.put(resultLine, kind);
        return new AtCommand(line, timeout, payload, prompt, rawDataPrefix, rawDataLength, sensitive, Map.copyOf(m));
    }

    /**
     * The dialect result lines declared with {@link #withFinalResult}.
     *
     * @since 1.1
     */
    public Map<String, FinalResult.Kind> extraFinalResults() {
        return extraFinals;
    }

    public String line() {
        return line;
    }

    public Duration timeout() {
        return timeout;
    }

    /** The data to send after the prompt, a copy; {@code null} when the command has none. */
    public byte[] payload() {
        return payload == null ? null : payload.clone();
    }

    /** The prompt awaited before the payload, {@code null} when the command has no payload. */
    public String prompt() {
        return prompt;
    }

    /** The prefix of a response line followed by raw bytes, {@code null} when none. */
    public String rawDataPrefix() {
        return rawDataPrefix;
    }

    /**
     * The number of raw bytes after the {@link #rawDataPrefix()} line when the command fixed it, or -1 when the line
     * carries the count as its first number.
     *
     * @since 1.2
     */
    public int rawDataLength() {
        return rawDataLength;
    }

    public boolean isSensitive() {
        return sensitive;
    }

    /** The line as logs may show it: masked when {@link #isSensitive()}. */
    @Override
    public String toString() {
        if (!sensitive) {
            return line;
        }
        int eq = line.indexOf('=');
        return (eq < 0 ? line : line.substring(0, eq + 1)) + "***";
    }
}
