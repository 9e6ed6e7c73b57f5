package io.uplink.modem.sierra;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Pure parsers of the HL78xx's socket and credential lines: no I/O, no state, anything malformed gives
 * {@link Optional#empty()} (or is skipped in a list), never an exception. Unit-tested on the manual's examples and
 * fuzzed.
 */
final class SierraUrcs {

    /** {@code +KTCP_IND: <session>,<status>}: status 1 = the session is connected. */
    record Indication(int session, int status) {
    }

    /** {@code +KTCP_NOTIF: <session>,<code>}: a session failed or ended; codes in {@link SierraErrors}. */
    record Notification(int session, int code) {
    }

    /** {@code +KTCP_DATA: <session>,<available>}: bytes waiting in the module for {@code AT+KTCPRCV}. */
    record DataAvailable(int session, long available) {
    }

    /**
     * {@code +KTCPSTAT: <status>,<tcp_notif>,<rem_data>,<rcv_data>}: session state (3 connected, 4 closing, 5 closed),
     * the last notification (-1 none), bytes still to send, bytes received and not yet read.
     */
    record SessionStatus(int status, int notification, long unsent, long unread) {
    }

    /** One line of the {@code AT+KCERTSTORE?} / {@code AT+KPRIVKSTORE?} listing: {@code root_cert,0,1234}. */
    record StoredEntry(String kind, int index, int bytes) {
    }

    /** Longest number accepted: a byte count of the module's buffers fits in 9 digits. */
    private static final int MAX_DIGITS = 9;

    private SierraUrcs() {
    }

    static Optional<Indication> indication(String line) {
        long[] f = numbers(line, "+KTCP_IND:", 2);
        return f == null ? Optional.empty() : Optional.of(new Indication((int) f[0], (int) f[1]));
    }

    static Optional<Notification> notification(String line) {
        long[] f = numbers(line, "+KTCP_NOTIF:", 2);
        return f == null ? Optional.empty() : Optional.of(new Notification((int) f[0], (int) f[1]));
    }

    static Optional<DataAvailable> dataAvailable(String line) {
        long[] f = numbers(line, "+KTCP_DATA:", 2);
        return f == null ? Optional.empty() : Optional.of(new DataAvailable((int) f[0], f[1]));
    }

    /** {@code +KTCPCFG: <session>}: the session a configuration got. */
    static Optional<Integer> configuredSession(String line) {
        long[] f = numbers(line, "+KTCPCFG:", 1);
        return f == null || f[0] < 1 ? Optional.empty() : Optional.of((int) f[0]);
    }

    static Optional<SessionStatus> sessionStatus(String line) {
        long[] f = numbers(line, "+KTCPSTAT:", 4);
        return f == null ? Optional.empty() : Optional.of(new SessionStatus((int) f[0], (int) f[1], f[2], f[3]));
    }

    /** {@code +CEREG: <stat>[,...]} as a URC, or {@code +CEREG: <n>,<stat>[,...]} as the answer to the query. */
    static Optional<Integer> registrationStat(String line, boolean queryAnswer) {
        if (line == null || !line.startsWith("+CEREG:")) {
            return Optional.empty();
        }
        String[] p = line.substring(7).trim().split(",", -1);
        int index = queryAnswer ? 1 : 0;
        if (p.length <= index) {
            return Optional.empty();
        }
        long v = number(p[index]);
        return v < 0 || v > 99 ? Optional.empty() : Optional.of((int) v);
    }

    /**
     * The entries of a credential listing: lines {@code <kind>,<index>,<bytes>} with kind {@code root_cert},
     * {@code local_cert} or {@code private_key}; other lines (the PEM text some firmware prints after an entry) are
     * skipped here.
     */
    static List<StoredEntry> storedEntries(List<String> lines) {
        List<StoredEntry> out = new ArrayList<>();
        for (String l : lines) {
            String t = l.trim();
            if (t.startsWith("+K") && t.indexOf(':') > 0) {
                t = t.substring(t.indexOf(':') + 1).trim(); // "+KCERTSTORE: root_cert,0,1234" on some firmware [U]
            }
            String[] p = t.split(",", -1);
            if (p.length != 3 || !(p[0].equals("root_cert") || p[0].equals("local_cert")
                    || p[0].equals("private_key"))) {
                continue;
            }
            long index = number(p[1]);
            long bytes = number(p[2]);
            if (index >= 0 && index < 100 && bytes >= 0 && bytes <= Integer.MAX_VALUE) {
                out.add(new StoredEntry(p[0], (int) index, (int) bytes));
            }
        }
        return out;
    }

    /** The first {@code count} comma-separated integers after {@code prefix}, or null when the line is not that. */
    private static long[] numbers(String line, String prefix, int count) {
        if (line == null || !line.startsWith(prefix)) {
            return null;
        }
        String[] p = line.substring(prefix.length()).trim().split(",", -1);
        if (p.length < count) {
            return null;
        }
        long[] out = new long[count];
        for (int i = 0; i < count; i++) {
            String s = p[i].trim();
            long v = s.equals("-1") ? -1 : number(s);
            if (v < 0 && !s.equals("-1")) {
                return null;
            }
            out[i] = v;
        }
        return out;
    }

    /** A non-negative decimal of at most {@value #MAX_DIGITS} digits, or -2. */
    private static long number(String s) {
        String t = s.trim();
        if (t.isEmpty() || t.length() > MAX_DIGITS) {
            return -2;
        }
        for (int i = 0; i < t.length(); i++) {
            if (t.charAt(i) < '0' || t.charAt(i) > '9') {
                return -2;
            }
        }
        return Long.parseLong(t);
    }
}
