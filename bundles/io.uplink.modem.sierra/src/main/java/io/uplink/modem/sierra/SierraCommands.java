package io.uplink.modem.sierra;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The AT commands of the Sierra Wireless HL78xx (AirPrime HL7800/HL7802/HL7810/HL7812), each line and timeout in one
 * place. Facts from the HL78xx AT commands interface guide as quoted in Uplink's fact sheet (facts/modems.md sections 0,
 * 3 and 7), Sierra's own AT test scripts and the Zephyr hl78xx driver; [U] marks what no source confirms.
 *
 * <p>Data phases ({@code +KTCPSND}, {@code +KTCPRCV}, {@code +KCERTSTORE}, {@code +KPRIVKSTORE}) open with a
 * {@code CONNECT} line and end with the EOF pattern set by {@code AT+KPATTERN}. The module ends a data phase at the
 * first occurrence of the pattern, so bytes to send are cut wherever they would contain it ({@link #safeLength}).
 */
final class SierraCommands {

    /** The pattern the module's own examples use; set with {@code AT+KPATTERN} at attach. */
    static final String EOF_PATTERN = "--EOF--Pattern--";
    static final byte[] EOF_BYTES = EOF_PATTERN.getBytes(StandardCharsets.US_ASCII);

    /** Bytes per {@code AT+KTCPSND}: a TCP segment's worth [U: the manual gives no limit below 2^32]. */
    static final int MAX_SEND = 1460;
    /** Bytes per {@code AT+KTCPRCV}: a full TLS record in one read [U: the manual allows up to 2^32-1]. */
    static final int MAX_READ = 16 * 1024 + 256;
    /** Largest certificate or key {@code AT+KCERTSTORE=?} accepts on firmware 4.5+ ({@code (1-4096)}). */
    static final int MAX_CREDENTIAL_BYTES = 4096;
    /** TCP sessions the module keeps configured at once [U: the KHTTP commands show 1-6]. */
    static final int MAX_SESSIONS = 6;

    static final Duration CFUN_TIMEOUT = Duration.ofSeconds(30);
    static final Duration SEND_TIMEOUT = Duration.ofSeconds(60);
    static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(15);

    private SierraCommands() {
    }

    static String kpattern() {
        return "AT+KPATTERN=\"" + EOF_PATTERN + "\"";
    }

    /** {@code AT+CGDCONT=<cid>,"IP","<apn>"}: the PDP context the network attaches with. */
    static String pdpContext(int cid, String apn) {
        return "AT+CGDCONT=" + cid + ",\"IP\",\"" + apn + "\"";
    }

    /** {@code AT+KCNXCFG=<cid>,"GPRS","<apn>"[,"<user>","<password>"]}: the connection the socket commands use. */
    static String connectionConfig(int cid, String apn, String user, String password) {
        String line = "AT+KCNXCFG=" + cid + ",\"GPRS\",\"" + apn + "\"";
        return user.isEmpty() && password.isEmpty() ? line : line + ",\"" + user + "\",\"" + password + "\"";
    }

    /** {@code AT+KTCPCFG=<cid>,0,"<host>",<port>}: a plain TCP client session; answers {@code +KTCPCFG: <session>}. */
    static String tcpConfig(int cid, String host, int port) {
        return "AT+KTCPCFG=" + cid + ",0,\"" + host + "\"," + port;
    }

    /**
     * {@code AT+KTCPCFG=<cid>,3,"<host>",<port>,,,,0,<profile>,0}: a TLS client session using a {@code +KSSLCRYPTO}
     * profile (address family 0: IPv4).
     */
    static String tlsConfig(int cid, String host, int port, int profile) {
        return "AT+KTCPCFG=" + cid + ",3,\"" + host + "\"," + port + ",,,,0," + profile + ",0";
    }

    static String connect(int session) {
        return "AT+KTCPCNX=" + session;
    }

    static String send(int session, int length) {
        return "AT+KTCPSND=" + session + "," + length;
    }

    static String receive(int session, int length) {
        return "AT+KTCPRCV=" + session + "," + length;
    }

    static String status(int session) {
        return "AT+KTCPSTAT=" + session;
    }

    static String close(int session) {
        return "AT+KTCPCLOSE=" + session;
    }

    static String delete(int session) {
        return "AT+KTCPDEL=" + session;
    }

    /**
     * How many of {@code length} bytes from {@code off} may go into one data phase so that the module finds the EOF
     * pattern exactly where the data ends: the data followed by the pattern must not contain the pattern earlier. With
     * data that holds the pattern, the cut falls inside it (after its first byte), so the next phase starts with the
     * rest of it and neither phase contains it whole. Always at least 1 when {@code length >= 1}.
     */
    static int safeLength(byte[] data, int off, int length) {
        int n = length;
        while (n > 1) {
            int first = indexOf(data, off, n, EOF_BYTES);
            if (first == n) {
                return n;
            }
            n = first + 1;
        }
        return Math.min(1, length);
    }

    /**
     * Where the pattern first occurs in {@code data[off, off+n)} followed by the pattern itself: {@code n} when only
     * the appended pattern holds it.
     */
    private static int indexOf(byte[] data, int off, int n, byte[] pattern) {
        int total = n + pattern.length;
        outer:
        for (int i = 0; i + pattern.length <= total; i++) {
            for (int j = 0; j < pattern.length; j++) {
                int k = i + j;
                byte b = k < n ? data[off + k] : pattern[k - n];
                if (b != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return n; // unreachable: the appended pattern always matches at n
    }
}
