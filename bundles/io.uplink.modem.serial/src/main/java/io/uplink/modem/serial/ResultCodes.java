package io.uplink.modem.serial;

import io.uplink.modem.FinalResult;
import io.uplink.modem.FinalResult.Kind;

/** Recognises V.250 / 27.007 final result codes, verbose and numeric (ATV0). */
final class ResultCodes {

    private ResultCodes() {
    }

    /** The final result this line is, or null. {@code connectIsFinal}: false while a CONNECT prompt is awaited. */
    static FinalResult parse(String line, boolean numeric, boolean connectIsFinal) {
        switch (line) {
        case "OK":
            return new FinalResult(Kind.OK, -1, line);
        case "ERROR":
            return new FinalResult(Kind.ERROR, -1, line);
        case "NO CARRIER":
            return new FinalResult(Kind.NO_CARRIER, -1, line);
        case "BUSY":
            return new FinalResult(Kind.BUSY, -1, line);
        case "NO ANSWER":
            return new FinalResult(Kind.NO_ANSWER, -1, line);
        case "NO DIALTONE":
            return new FinalResult(Kind.NO_DIALTONE, -1, line);
        default:
            break;
        }
        if (line.startsWith("+CME ERROR:")) {
            return new FinalResult(Kind.CME_ERROR, number(line.substring(11)), line);
        }
        if (line.startsWith("+CMS ERROR:")) {
            return new FinalResult(Kind.CMS_ERROR, number(line.substring(11)), line);
        }
        if (connectIsFinal && (line.equals("CONNECT") || line.startsWith("CONNECT "))) {
            return new FinalResult(Kind.CONNECT, -1, line);
        }
        if (numeric && line.length() == 1) {
            switch (line.charAt(0)) {
            case '0':
                return new FinalResult(Kind.OK, -1, line);
            case '1':
                return connectIsFinal ? new FinalResult(Kind.CONNECT, -1, line) : null;
            case '3':
                return new FinalResult(Kind.NO_CARRIER, -1, line);
            case '4':
                return new FinalResult(Kind.ERROR, -1, line);
            case '6':
                return new FinalResult(Kind.NO_DIALTONE, -1, line);
            case '7':
                return new FinalResult(Kind.BUSY, -1, line);
            case '8':
                return new FinalResult(Kind.NO_ANSWER, -1, line);
            default:
                return null;
            }
        }
        return null;
    }

    /** The number of {@code +CME ERROR: 10}; -1 for verbose text ({@code AT+CMEE=2}). */
    private static int number(String s) {
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException verbose) {
            return -1;
        }
    }

    /** The first integer in a line after its prefix, e.g. 5 in {@code +QIRD: 5}; -1 when there is none. */
    static int firstNumber(String line, String prefix) {
        int i = prefix.length();
        while (i < line.length() && !Character.isDigit(line.charAt(i))) {
            if (line.charAt(i) == '-') {
                return -1;
            }
            i++;
        }
        int start = i;
        while (i < line.length() && Character.isDigit(line.charAt(i)) && i - start < 9) {
            i++;
        }
        return i == start ? -1 : Integer.parseInt(line.substring(start, i));
    }
}
