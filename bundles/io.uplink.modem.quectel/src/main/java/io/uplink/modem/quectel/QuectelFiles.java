package io.uplink.modem.quectel;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import io.uplink.modem.AtChannel;
import io.uplink.modem.AtCommand;
import io.uplink.modem.AtResponse;
import io.uplink.modem.ModemException;

/**
 * The module's user file system (UFS) through the FILE commands of the BG96/BG95 manual: {@code AT+QFLST},
 * {@code AT+QFUPL} (upload after {@code CONNECT}, answered with size and checksum), {@code AT+QFDWL} (the bytes back,
 * for read-back verification) and {@code AT+QFDEL}.
 */
final class QuectelFiles {

    /** {@code AT+QFUPL}'s default size limit per file [V, FILE manual]. */
    static final int MAX_FILE_BYTES = 10_240;

    private final AtChannel at;

    QuectelFiles(AtChannel at) {
        this.at = at;
    }

    /** Name -> size of every file on UFS ({@code +QFLST: "UFS:<name>",<size>}). */
    Map<String, Long> list() throws ModemException {
        AtResponse r = at.execute(AtCommand.of("AT+QFLST=\"*\"").withTimeout(Duration.ofSeconds(10)));
        if (!r.isOk()) {
            throw error("list its files", "AT+QFLST", r);
        }
        Map<String, Long> files = new LinkedHashMap<>();
        for (String line : r.lines()) {
            if (line.startsWith("+QFLST:")) {
                QuectelFileLine f = QuectelFileLine.parse(line);
                if (f != null) {
                    files.put(f.name(), f.size());
                }
            }
        }
        return files;
    }

    /**
     * Uploads a file; returns the checksum the module computed, after checking size and checksum against the data.
     *
     * @throws ModemException when the module refuses, or reports a size or checksum other than the data's
     */
    String upload(String name, byte[] data, boolean secret) throws ModemException {
        // The module waits <timeout> seconds for all the bytes: generous for 9600 baud (about 1 KB/s).
        int seconds = 5 + data.length / 500;
        AtCommand c = AtCommand.of("AT+QFUPL=\"" + name + "\"," + data.length + "," + seconds)
                .withPayload("CONNECT", data).withTimeout(Duration.ofSeconds(seconds + 10L));
        AtResponse r = at.execute(secret ? c.sensitive() : c);
        if (!r.isOk()) {
            throw error("store " + name, "AT+QFUPL", r);
        }
        String line = r.line("+QFUPL:");
        String expected = checksum(data);
        String[] p = line == null ? new String[0] : line.substring("+QFUPL:".length()).trim().split(",");
        if (p.length < 2 || !p[0].trim().equals(String.valueOf(data.length))
                || !sameChecksum(p[1].trim(), expected)) {
            throw new ModemException("The module stored " + name + " differently from what was sent: it reports "
                    + (line == null ? "no +QFUPL line" : line) + ", the data has " + data.length + " bytes with "
                    + "checksum " + expected + ". Bytes were lost or changed on the serial line.",
                    line == null ? r.result().text() : line, "QFUPL", "Retry; if it repeats, lower the baud rate or "
                            + "switch hardware flow control on (flow.control=rts-cts).");
        }
        return p[1].trim().toLowerCase(Locale.ROOT);
    }

    /** The file's bytes, read back with {@code AT+QFDWL}; {@code size} as listed. */
    byte[] download(String name, long size) throws ModemException {
        if (size < 0 || size > 64 * 1024) {
            throw new ModemException("The module lists " + name + " with " + size + " bytes: too large to read back.",
                    "", "QFDWL", "Delete the file (AT+QFDEL) and provision again.");
        }
        AtResponse r = at.execute(AtCommand.of("AT+QFDWL=\"" + name + "\"").withRawData("CONNECT", (int) size)
                .withTimeout(Duration.ofSeconds(10 + size / 500)).sensitive());
        if (!r.isOk()) {
            throw error("read back " + name, "AT+QFDWL", r);
        }
        byte[] data = r.data();
        String line = r.line("+QFDWL:");
        if (data.length != size || line == null) {
            throw new ModemException("Reading back " + name + " gave " + data.length + " of " + size + " bytes"
                    + (line == null ? " and no +QFDWL line" : " (" + line + ")") + ".", line == null ? "" : line,
                    "QFDWL", "Retry; check the serial line (baud rate, flow control).");
        }
        return data;
    }

    /** {@code true} when deleted, {@code false} when there was no such file ({@code +CME ERROR: 405}). */
    boolean delete(String name) throws ModemException {
        AtResponse r = at.execute(AtCommand.of("AT+QFDEL=\"" + name + "\"").withTimeout(Duration.ofSeconds(10)));
        if (r.isOk()) {
            return true;
        }
        if (r.result().code() == 405) {
            return false;
        }
        throw error("delete " + name, "AT+QFDEL", r);
    }

    /**
     * The checksum of {@code +QFUPL}/{@code +QFDWL}: XOR of the data as 16-bit big-endian words, an odd last byte
     * counting as the high byte [V, FILE manual; field log], in lower-case hex.
     */
    static String checksum(byte[] data) {
        int x = 0;
        for (int i = 0; i < data.length; i += 2) {
            int hi = data[i] & 0xFF;
            int lo = i + 1 < data.length ? data[i + 1] & 0xFF : 0;
            x ^= (hi << 8) | lo;
        }
        return Integer.toHexString(x);
    }

    /** Lenient: any case, with or without {@code 0x}, leading zeros or not. */
    static boolean sameChecksum(String reported, String computed) {
        String r = reported.toLowerCase(Locale.ROOT).replace("\"", "");
        if (r.startsWith("0x")) {
            r = r.substring(2);
        }
        try {
            return Integer.parseInt(r, 16) == Integer.parseInt(computed, 16);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static ModemException error(String what, String command, AtResponse r) {
        int code = r.result().code();
        String meaning = QuectelFileErrors.meaning(code);
        return new ModemException("The module could not " + what + ": " + r.result().text()
                + (meaning.isEmpty() ? "" : " (" + meaning + ")") + ".", r.result().text(), command,
                QuectelFileErrors.fix(code));
    }
}
