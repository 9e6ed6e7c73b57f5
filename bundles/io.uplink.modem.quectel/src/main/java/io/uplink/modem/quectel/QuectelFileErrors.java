package io.uplink.modem.quectel;

import java.util.Map;

/**
 * The file error codes of Quectel's FILE AT commands manual (BG96/BG95), {@code +CME ERROR: <n>} after
 * {@code AT+QFUPL}, {@code AT+QFDWL}, {@code AT+QFDEL}, {@code AT+QFLST}. 405 and 407 are in our fact sheet [V]; the
 * others as the manual's table lists them [U: not seen from a BG95 here].
 */
final class QuectelFileErrors {

    private static final Map<Integer, String[]> CODES = Map.ofEntries(
            Map.entry(400, new String[] { "invalid input value", "Check the file name and size." }),
            Map.entry(401, new String[] { "larger than the size of the file", "Check the size." }),
            Map.entry(402, new String[] { "read zero bytes", "Retry." }),
            Map.entry(403, new String[] { "the drive is full", "Delete unused files (uplink modem info lists "
                    + "them)." }),
            Map.entry(405, new String[] { "file not found", "Provision the credentials again." }),
            Map.entry(406, new String[] { "invalid file name", "Use letters, digits, '.', '_' and '-'." }),
            Map.entry(407, new String[] { "the file exists already", "Delete it first (AT+QFDEL)." }),
            Map.entry(409, new String[] { "writing the file failed", "Retry; the flash may be worn." }),
            Map.entry(410, new String[] { "opening the file failed", "Retry." }),
            Map.entry(411, new String[] { "reading the file failed", "Retry." }),
            Map.entry(413, new String[] { "the maximum number of files is reached", "Delete unused files." }),
            Map.entry(414, new String[] { "the file is read-only", "Use another name." }),
            Map.entry(420, new String[] { "no space left", "Delete unused files." }),
            Map.entry(421, new String[] { "time out: not all bytes arrived", "Check the serial line (baud rate, "
                    + "flow control) and retry." }),
            Map.entry(423, new String[] { "the file is too large", "Files stay under about 10 KB: send fewer CA "
                    + "certificates (only the one that signed the broker's chain)." }),
            Map.entry(425, new String[] { "invalid parameter", "Check the command's parameters." }),
            Map.entry(426, new String[] { "the file is already open", "Retry in a moment." }));

    private QuectelFileErrors() {
    }

    static String meaning(int code) {
        String[] e = CODES.get(code);
        return e == null ? "" : e[0];
    }

    static String fix(int code) {
        String[] e = CODES.get(code);
        return e == null ? "Retry; if it persists, restart the module." : e[1];
    }
}
