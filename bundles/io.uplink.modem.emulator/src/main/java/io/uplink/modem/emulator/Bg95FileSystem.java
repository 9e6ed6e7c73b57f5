package io.uplink.modem.emulator;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The BG95's user file system (UFS) as the Quectel FILE manual describes it: AT+QFUPL (upload with a CONNECT data
 * phase, inactivity timeout, ACK mode, +++ escape), AT+QFDWL, AT+QFLST, AT+QFLDS and AT+QFDEL, with the manual's
 * {@code +CME ERROR: 4xx} codes. Files survive a reboot (they live in flash); nothing else here is volatile.
 *
 * <p>Threads: owned by the emulator thread; every method runs there.
 */
final class Bg95FileSystem {

    /** The FILE manual's error codes (chapter "Summary of error codes"). */
    static final int INVALID_INPUT = 400;
    static final int DRIVE_FULL = 403;
    static final int NOT_FOUND = 405;
    static final int INVALID_NAME = 406;
    static final int EXISTS = 407;
    static final int NO_SPACE = 420;
    static final int TIME_OUT = 421;
    static final int TOO_LARGE = 423;

    /** The manual's defaults for AT+QFUPL: 10240 bytes, 5 s without data ends the upload. */
    static final int DEFAULT_UPLOAD_SIZE = 10240;
    static final int DEFAULT_TIMEOUT_S = 5;
    private static final int MAX_NAME = 80;
    private static final int ACK_BLOCK = 1024;
    private static final long GUARD_NANOS = 1_000_000_000L;

    private final Map<String, byte[]> files = new LinkedHashMap<>();
    private Bg95Options options;
    private long uploadedBytes;

    Bg95FileSystem(Bg95Options options) {
        this.options = options;
    }

    void options(Bg95Options value) {
        this.options = value;
    }

    /** A stored file's content (name with or without {@code UFS:}). */
    Optional<byte[]> read(String name) {
        String n = plainName(name);
        byte[] data = n == null ? null : files.get(n);
        return data == null ? Optional.empty() : Optional.of(data.clone());
    }

    /** Copies of all files, by name without {@code UFS:}, in upload order. */
    Map<String, byte[]> snapshot() {
        Map<String, byte[]> copy = new LinkedHashMap<>();
        files.forEach((k, v) -> copy.put(k, v.clone()));
        return copy;
    }

    /** File data bytes received over the serial line by AT+QFUPL since power-on of the emulator. */
    long uploadedBytes() {
        return uploadedBytes;
    }

    /** Handles AT+QFUPL/QFDWL/QFLST/QFLDS/QFDEL; {@code name} is the upper-case command name. */
    void handle(String name, String rawArgs, boolean test, AtConsole c) throws IOException {
        List<String> a = Bg95Emulator.arguments(rawArgs);
        if (test) {
            testForm(name, c);
            return;
        }
        switch (name) {
        case "+QFUPL":
            upload(a, c);
            break;
        case "+QFDWL":
            download(a, c);
            break;
        case "+QFLST":
            list(a, c);
            break;
        case "+QFLDS":
            space(a, c);
            break;
        case "+QFDEL":
            delete(a, c);
            break;
        default:
            c.error();
        }
    }

    private void testForm(String name, AtConsole c) throws IOException {
        switch (name) {
        case "+QFUPL":
            c.respond("+QFUPL: <filename>[,(1-" + free() + ")[,(1-65535)[,(0,1)]]]");
            break;
        case "+QFDWL":
            c.respond("+QFDWL: <filename>");
            break;
        default:
            c.ok();
        }
    }

    private void upload(List<String> a, AtConsole c) throws IOException {
        if (a.isEmpty() || a.size() > 4) {
            c.cmeError(INVALID_INPUT);
            return;
        }
        String file = plainName(a.get(0));
        if (file == null || !validName(file)) {
            c.cmeError(INVALID_NAME);
            return;
        }
        int size = number(a, 1, DEFAULT_UPLOAD_SIZE);
        int timeout = number(a, 2, DEFAULT_TIMEOUT_S);
        int ack = number(a, 3, 0);
        if (size < 1 || timeout < 1 || timeout > 65535 || ack < 0 || ack > 1) {
            c.cmeError(INVALID_INPUT);
            return;
        }
        if (files.containsKey(file)) {
            c.cmeError(EXISTS);
            return;
        }
        if (files.size() >= options.ufsMaxFiles()) {
            c.cmeError(DRIVE_FULL);
            return;
        }
        if (size > options.ufsMaxFileBytes()) {
            c.cmeError(TOO_LARGE);
            return;
        }
        if (size > free()) {
            c.cmeError(NO_SPACE);
            return;
        }
        c.connect();
        byte[] data = receive(size, timeout * 1_000_000_000L, ack == 1, c);
        if (data == null) {
            c.cmeError(TIME_OUT); // nothing came for <timeout> s: the partial file is not kept
            return;
        }
        uploadedBytes += data.length;
        byte[] stored = data.clone();
        if (options.uploadCorruption() && stored.length > 0) {
            stored[stored.length / 2] ^= 0x01; // one flipped bit changes a 16-bit XOR checksum, always
        }
        files.put(file, stored);
        c.respond("+QFUPL: " + stored.length + "," + Integer.toHexString(checksum(stored)));
    }

    /**
     * Reads the data phase: exactly {@code size} bytes, or fewer when the host ends it with +++ (one second of silence
     * before and after); null when {@code idleNanos} pass without a byte.
     */
    private static byte[] receive(int size, long idleNanos, boolean ackMode, AtConsole c) throws IOException {
        SerialInput in = c.input();
        ByteArrayOutputStream data = new ByteArrayOutputStream(Math.min(size, 16 * 1024));
        long lastByte = System.nanoTime();
        int plusRun = 0;
        long plusStart = 0;
        while (data.size() < size) {
            int b = in.read(lastByte + idleNanos, false);
            if (b == SerialInput.EOF) {
                throw new IOException("serial line closed during an upload");
            }
            if (b == SerialInput.TIMEOUT) {
                return null;
            }
            long now = System.nanoTime();
            if (b == '+') {
                if (plusRun == 0 && now - lastByte >= GUARD_NANOS) {
                    plusRun = 1;
                    plusStart = now;
                } else if (plusRun > 0 && now - plusStart < GUARD_NANOS) {
                    plusRun++;
                } else {
                    plusRun = 0;
                }
            } else {
                plusRun = 0;
            }
            lastByte = now;
            data.write(b);
            if (plusRun == 3 && data.size() < size && escapeConfirmed(in)) {
                byte[] all = data.toByteArray();
                return java.util.Arrays.copyOf(all, all.length - 3);
            }
            if (ackMode && data.size() % ACK_BLOCK == 0 && data.size() < size) {
                c.raw(new byte[] { 'A' });
            }
        }
        return data.toByteArray();
    }

    /** After +++, a second of silence makes it the escape; a byte within it makes the pluses data. */
    private static boolean escapeConfirmed(SerialInput in) {
        long end = System.nanoTime() + GUARD_NANOS;
        while (System.nanoTime() < end) {
            if (in.silenceNanos() == 0) {
                return false;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    private void download(List<String> a, AtConsole c) throws IOException {
        String file = a.size() == 1 ? plainName(a.get(0)) : null;
        if (file == null) {
            c.cmeError(INVALID_NAME);
            return;
        }
        byte[] data = files.get(file);
        if (data == null) {
            c.cmeError(NOT_FOUND);
            return;
        }
        c.connect();
        c.raw(data);
        c.respond("+QFDWL: " + data.length + "," + Integer.toHexString(checksum(data)));
    }

    private void list(List<String> a, AtConsole c) throws IOException {
        String pattern = a.isEmpty() ? "*" : plainName(a.get(0));
        if (pattern == null || pattern.isEmpty()) {
            c.cmeError(INVALID_NAME);
            return;
        }
        boolean wildcard = pattern.contains("*") || pattern.contains("?");
        Pattern p = Pattern.compile(glob(pattern));
        List<String> lines = new ArrayList<>();
        files.forEach((n, d) -> {
            if (p.matcher(n).matches()) {
                lines.add("+QFLST: \"UFS:" + n + "\"," + d.length);
            }
        });
        if (lines.isEmpty() && !wildcard) {
            c.cmeError(NOT_FOUND);
            return;
        }
        c.respond(lines.toArray(new String[0]));
    }

    private void space(List<String> a, AtConsole c) throws IOException {
        if (a.isEmpty()) {
            c.respond("+QFLDS: " + used() + "," + files.size()); // UFS: bytes in files, number of files
        } else if (a.size() == 1 && a.get(0).equalsIgnoreCase("UFS")) {
            c.respond("+QFLDS: " + free() + "," + options.ufsCapacityBytes());
        } else {
            c.cmeError(INVALID_INPUT);
        }
    }

    private void delete(List<String> a, AtConsole c) throws IOException {
        String file = a.size() == 1 ? plainName(a.get(0)) : null;
        if (file == null || file.isEmpty()) {
            c.cmeError(INVALID_NAME);
            return;
        }
        if (file.equals("*")) {
            files.clear();
            c.ok();
        } else if (files.remove(file) != null) {
            c.ok();
        } else {
            c.cmeError(NOT_FOUND);
        }
    }

    private int used() {
        return files.values().stream().mapToInt(d -> d.length).sum();
    }

    private int free() {
        return options.ufsFull() ? 0 : Math.max(0, options.ufsCapacityBytes() - used());
    }

    /**
     * The manual's checksum: XOR of the data taken as big-endian 16-bit words; an odd last byte is the high byte of a
     * last word whose low byte is 0.
     */
    static int checksum(byte[] data) {
        int sum = 0;
        for (int i = 0; i < data.length; i += 2) {
            int hi = data[i] & 0xFF;
            int lo = i + 1 < data.length ? data[i + 1] & 0xFF : 0;
            sum ^= hi << 8 | lo;
        }
        return sum;
    }

    /** The name without the {@code UFS:} drive; null for another drive (the BG95 has only UFS). */
    static String plainName(String name) {
        if (name == null) {
            return null;
        }
        int colon = name.indexOf(':');
        if (colon < 0) {
            return name;
        }
        return name.substring(0, colon).equalsIgnoreCase("UFS") ? name.substring(colon + 1) : null;
    }

    private static boolean validName(String n) {
        return !n.isEmpty() && n.getBytes(StandardCharsets.UTF_8).length <= MAX_NAME && n.chars().noneMatch(
                ch -> ch == '*' || ch == '?' || ch == '"' || ch == ':' || ch == '/' || ch == '\\' || ch < 0x20);
    }

    private static String glob(String pattern) {
        StringBuilder re = new StringBuilder();
        for (char ch : pattern.toCharArray()) {
            if (ch == '*') {
                re.append(".*");
            } else if (ch == '?') {
                re.append('.');
            } else {
                re.append(Pattern.quote(String.valueOf(ch)));
            }
        }
        return re.toString();
    }

    private static int number(List<String> a, int i, int absent) {
        if (i >= a.size() || a.get(i).isEmpty()) {
            return absent;
        }
        try {
            return Integer.parseInt(a.get(i));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
