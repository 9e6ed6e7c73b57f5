package io.uplink.doctor;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Raw codes from modems and TLS/MQTT libraries in plain words: Quectel QIOPEN/QSSLOPEN/QMT* results (BG95 and BC66
 * tables), 27.007 {@code +CME ERROR}s including nRF91 {@code %CMNG} and Sierra's undocumented 918/930/931, Sierra
 * {@code +KTCP_NOTIF}, mbedTLS error codes (2.x and 3.x where they differ) and Paho reason codes. Each says how sure
 * it is: from the manual, seen in the field, or not documented.
 */
public final class Explanations {

    /** How well a meaning is established. */
    public enum Confidence {
        MANUAL, FIELD, UNDOCUMENTED
    }

    /**
     * @param source what produced the code, e.g. "Quectel BG95 +QSSLOPEN"
     * @param meaning what it means
     * @param fix what to do
     */
    public record Explanation(String raw, String source, String meaning, String fix, Confidence confidence) {
    }

    private static final Map<Integer, String> BG95 = new HashMap<>();
    private static final Map<Integer, String> BC66_SSL = Map.of(0, "success", -1, "exception (unspecified)", -2,
            "connection error (TCP could not be opened or was closed)", -3, "certificate error (the server's "
                    + "certificate could not be verified against the stored CA, or a stored certificate is invalid)",
            -4, "key error (the client key is missing, unreadable or does not match)", -5, "cipher error (no cipher "
                    + "suite in common: the BC66/BC660K offers only RSA key exchange with AES-CBC or 3DES)",
            -6, "state error (the SSL context is busy or not configured)", -7, "timeout (the handshake did not "
                    + "finish within the configured time)", -9, "other errors");
    private static final Map<Integer, String> KTCP = new HashMap<>();
    private static final Map<Integer, String> CME = new HashMap<>();
    private static final Map<Integer, String[]> MBEDTLS = new HashMap<>();

    static {
        String[] bg = { "550", "unknown error", "551", "operation blocked", "552", "invalid parameters", "553",
            "not enough memory", "554", "create socket failed", "555", "operation not supported", "556",
            "socket bind failed", "557", "socket listen failed", "558", "socket write failed", "559",
            "socket read failed", "560", "socket accept failed", "561", "open PDP context failed", "562",
            "close PDP context failed", "563", "socket identity (connectID) in use", "564", "DNS busy", "565",
            "DNS parse failed (the name does not resolve)", "566", "socket connect failed (for SSL also: handshake "
                    + "failed, e.g. untrusted, expired or wrong-host certificate, or SNI off on a shared host)",
            "567", "socket has been closed", "568", "operation busy", "569", "operation timeout", "570",
            "PDP context broken down", "571", "cancel send", "572", "operation not allowed", "573",
            "APN not configured", "574", "port busy" };
        for (int i = 0; i < bg.length; i += 2) {
            BG95.put(Integer.parseInt(bg[i]), bg[i + 1]);
        }
        String[] kt = { "0", "network error", "1", "no more sockets available", "2", "memory problem", "3",
            "DNS error", "4", "remote disconnection", "5", "connection error", "6", "generic error", "7",
            "failed to accept a client", "8", "data sent does not match the announced length", "9", "bad session",
            "10", "session already running", "11", "all sessions in use", "12", "connection timeout", "13",
            "SSL connection error", "14", "SSL initialisation error", "15", "SSL certificate error" };
        for (int i = 0; i < kt.length; i += 2) {
            KTCP.put(Integer.parseInt(kt[i]), kt[i + 1]);
        }
        String[] cme = { "3", "operation not allowed", "4", "operation not supported", "10", "SIM not inserted",
            "11", "SIM PIN required", "12", "SIM PUK required", "13", "SIM failure", "14", "SIM busy", "16",
            "incorrect password", "30", "no network service", "405", "Quectel file system: file not found", "407",
            "Quectel file system: file already exists (delete it first with AT+QFDEL)",
            "513", "nRF91 %CMNG: not found (no credential with that sec_tag and type)", "514",
            "nRF91 %CMNG: no access", "515", "nRF91 %CMNG: memory full", "518", "nRF91 %CMNG: not allowed in active "
                    + "state: credentials can only be written or deleted with the radio off; send AT+CFUN=4 first, "
                    + "then AT+CFUN=1", "519", "nRF91 %CMNG: already exists", "528",
            "nRF91 %CMNG: blocked by a power-off warning" };
        for (int i = 0; i < cme.length; i += 2) {
            CME.put(Integer.parseInt(cme[i]), cme[i + 1]);
        }
        mbed(0x7080, "the requested feature is not available (disabled in this mbedTLS build)", null);
        mbed(0x7100, "bad input parameters to an SSL function", null);
        mbed(0x7180, "message MAC verification failed (corrupted data or wrong keys)", null);
        mbed(0x7200, "an invalid SSL record was received (often: not TLS on that port, or a truncated record)", null);
        mbed(0x7280, "the connection indicated an EOF: the peer (or the network, or the modem) closed the connection "
                + "during the handshake without an alert. Typical causes: the server does not like the ClientHello "
                + "(no common suite, wrong or missing SNI, unsupported TLS version) or the link dropped", null);
        mbed(0x7300, "an unknown cipher was received (2.x)", "a message could not be parsed (3.x DECODE_ERROR)");
        mbed(0x7380, "the server has no cipher suites in common with the client (2.x NO_CIPHER_CHOSEN)", null);
        mbed(0x7480, "no client certificate was received but the authentication mode requires one", null);
        mbed(0x7500, "our own certificate chain is too large to send (2.x)", "the server hello contained an "
                + "unsupported extension (3.x)");
        mbed(0x7580, "our own certificate is not set but the server requires one (2.x CERTIFICATE_REQUIRED)",
                "no ALPN protocol in common (3.x)");
        mbed(0x7600, "our private key (or PSK) is not set but needed", null);
        mbed(0x7680, "no CA chain is set but one is required to verify the server", null);
        mbed(0x7700, "an unexpected handshake message was received", null);
        mbed(0x7780, "the peer sent a fatal alert: its debug output (or our handshake trace) names which", null);
        mbed(0x7800, "verification of the peer's certificate failed (2.x PEER_VERIFY_FAILED)",
                "the server name (SNI) is not recognized (3.x UNRECOGNIZED_NAME)");
        mbed(0x7880, "the peer sent close_notify: a clean close", null);
        mbed(0x6800, "the operation timed out", null);
        mbed(0x6880, "the operation needs to write again (WANT_WRITE): not an error in a non-blocking loop", null);
        mbed(0x6900, "the operation needs to read again (WANT_READ): not an error in a non-blocking loop", null);
        mbed(0x6E00, "the handshake negotiation failed (3.x HANDSHAKE_FAILURE)", null);
        mbed(0x6E80, "the protocol version is outside the configured minimum/maximum (3.x)", null);
        mbed(0x2700, "X.509 certificate verification failed (untrusted CA, expired, wrong name): the verify flags "
                + "say which", null);
    }

    private static void mbed(int code, String v2, String v3) {
        MBEDTLS.put(code, new String[] { v2, v3 });
    }

    private static final Pattern QSSLOPEN = Pattern.compile("\\+QSSLOPEN\\s*[:,]\\s*(-?\\d+)\\s*,\\s*(-?\\d+)(?:\\s*,\\s*"
            + "(-?\\d+))?");
    private static final Pattern QIOPEN = Pattern.compile("\\+QIOPEN:\\s*(\\d+)\\s*,\\s*(\\d+)");
    private static final Pattern QMTCONN = Pattern.compile("\\+QMTCONN:\\s*\\d+\\s*,\\s*(\\d+)(?:\\s*,\\s*(\\d+))?");
    private static final Pattern QMTSTAT = Pattern.compile("\\+QMTSTAT:\\s*\\d+\\s*,\\s*(\\d+)");
    private static final Pattern QMTOPEN = Pattern.compile("\\+QMTOPEN:\\s*\\d+\\s*,\\s*(-?\\d+)");
    private static final Pattern CME_ERROR = Pattern.compile("\\+CME ERROR:\\s*(\\d+)");
    private static final Pattern KTCP_NOTIF = Pattern.compile("\\+KTCP_NOTIF:\\s*\\d+\\s*,\\s*(\\d+)");
    private static final Pattern MBED = Pattern.compile("(?:err(?:or)?[:= ]*)?-0x([0-9a-fA-F]{2,4})\\b");
    private static final Pattern NUMBER = Pattern.compile("^\\s*(?:paho\\s*)?\\(?(-?\\d{1,6})\\)?\\s*$",
            Pattern.CASE_INSENSITIVE);

    private Explanations() {
    }

    /** The explanation of the first code recognised in {@code raw}, a line as the modem or library printed it. */
    public static Optional<Explanation> explain(String raw) {
        String text = raw == null ? "" : raw.trim();
        Matcher m;
        if ((m = QSSLOPEN.matcher(text)).find()) {
            if (m.group(3) != null) { // BC66/BC660K: <ctx>,<conn>,<err>
                int err = Integer.parseInt(m.group(3));
                String meaning = BC66_SSL.get(err);
                return Optional.of(new Explanation(text, "Quectel BC66/BC660K +QSSLOPEN (context " + m.group(1)
                        + ", connection " + m.group(2) + ")", meaning == null ? "code " + err + " is not in the "
                                + "BC660K table" : err == -9 ? "other errors: the module does not say which. On the "
                                        + "BC66 (not BC660K) the meaning of -9 is not documented" : meaning,
                        bc66Fix(err), err == -9 ? Confidence.UNDOCUMENTED : Confidence.MANUAL));
            }
            return bg95("Quectel BG95/BG96 +QSSLOPEN (connection " + m.group(1) + ")", text,
                    Integer.parseInt(m.group(2)));
        }
        if ((m = QIOPEN.matcher(text)).find()) {
            return bg95("Quectel BG95/BG96 +QIOPEN (connection " + m.group(1) + ")", text,
                    Integer.parseInt(m.group(2)));
        }
        if ((m = QMTCONN.matcher(text)).find()) {
            int result = Integer.parseInt(m.group(1));
            String ret = m.group(2) == null ? "" : ", CONNACK " + m.group(2) + ": " + connack(Integer.parseInt(
                    m.group(2)));
            return Optional.of(new Explanation(text, "Quectel +QMTCONN", (result == 0 ? "CONNECT acknowledged"
                    : result == 1 ? "CONNECT retransmitted" : "CONNECT failed") + ret, result == 0 && (m.group(2) == null
                            || m.group(2).equals("0")) ? "" : "Run 'bin/uplink doctor' with the same endpoint for the "
                                    + "cause; a refusal code names the broker's reason.", Confidence.MANUAL));
        }
        if ((m = QMTSTAT.matcher(text)).find()) {
            String[] s = { "", "the peer closed or reset the connection", "PINGREQ timed out", "CONNECT timed out",
                "CONNACK timed out", "the server closed the connection", "gave up after send failures",
                "the link is dead" };
            int e = Integer.parseInt(m.group(1));
            return Optional.of(new Explanation(text, "Quectel +QMTSTAT", e > 0 && e < s.length ? s[e]
                    : "state " + e + " is not in the table", e == 5 ? "A server that closes right after CONNECT is "
                            + "refusing the client (AWS IoT: policy, certificate, client id): run bin/uplink doctor."
                            : "Check the link (AT+CSQ, AT+CEREG?) and the keep-alive against the network's NAT "
                                    + "timeout.", Confidence.MANUAL));
        }
        if ((m = QMTOPEN.matcher(text)).find()) {
            String[] s = { "open failed", "OK", "wrong parameter", "identifier in use", "PDP activation failed",
                "DNS failed", "network disconnected" };
            int r = Integer.parseInt(m.group(1));
            return Optional.of(new Explanation(text, "Quectel +QMTOPEN", r >= -1 && r <= 5 ? s[r + 1] : "result " + r
                    + " is not in the table", "Check the host, the APN and the registration.", Confidence.MANUAL));
        }
        if ((m = CME_ERROR.matcher(text)).find()) {
            int code = Integer.parseInt(m.group(1));
            if (code == 918 || code == 930 || code == 931) {
                String meaning = switch (code) {
                case 931 -> "not documented by Sierra. Sierra's own test scripts expect it for content that is not a "
                        + "certificate or key (AT+KCERTSTORE, AT+KPRIVKSTORE); in the field a PEM certificate stored "
                        + "without line breaks gave it";
                case 930 -> "not documented by Sierra. Sierra's own test scripts expect it when fewer bytes arrive "
                        + "than AT+KCERTSTORE/AT+KPRIVKSTORE announced before the EOF pattern";
                default -> "not documented by Sierra. Seen in Sierra's own test scripts after AT+KSSLCFG=2,1; it "
                        + "points at the TLS configuration";
                };
                String fix = switch (code) {
                case 931 -> "Store the PEM with its line breaks, exactly as many bytes as announced, with hardware "
                        + "flow control (AT&K3) or in chunks of about 200 bytes.";
                case 930 -> "Announce exactly the bytes sent (the PEM's length, line ends included) and use hardware "
                        + "flow control (AT&K3) so that none are lost.";
                default -> "Check the AT+KSSLCFG/AT+KSSLCRYPTO settings against the module's manual; run "
                        + "bin/uplink doctor with host TLS to see what the server asks for.";
                };
                return Optional.of(new Explanation(text, "Sierra Wireless HL78xx +CME ERROR", meaning, fix,
                        Confidence.FIELD));
            }
            String meaning = CME.get(code);
            return Optional.of(new Explanation(text, code >= 513 && code <= 528 ? "Nordic nRF91 %CMNG +CME ERROR"
                    : "3GPP 27.007 +CME ERROR", meaning == null ? "code " + code + " is not in Uplink's tables: see "
                            + "the module's AT manual" : meaning, cmeFix(code), meaning == null ? Confidence.UNDOCUMENTED
                                    : Confidence.MANUAL));
        }
        if ((m = KTCP_NOTIF.matcher(text)).find()) {
            int n = Integer.parseInt(m.group(1));
            String meaning = KTCP.get(n);
            return Optional.of(new Explanation(text, "Sierra Wireless +KTCP_NOTIF", meaning == null ? "code " + n
                    + " is not in the table" : meaning, n >= 13 ? "Run bin/uplink doctor with host TLS to see the "
                            + "handshake; the module's own TLS says no more than this." : "Check the link and the "
                                    + "host; close and delete the session (AT+KTCPCLOSE, AT+KTCPDEL) before retrying.",
                    Confidence.MANUAL));
        }
        if ((m = MBED.matcher(text)).find()) {
            int code = Integer.parseInt(m.group(1), 16);
            String[] v = MBEDTLS.get(code);
            if (v != null) {
                String meaning = v[1] == null ? v[0] : "mbedTLS 2.x: " + v[0] + "; mbedTLS 3.x: " + v[1];
                return Optional.of(new Explanation(text, "mbedTLS -0x" + Integer.toHexString(code).toUpperCase(
                        java.util.Locale.ROOT), meaning, mbedFix(code), Confidence.MANUAL));
            }
            return Optional.of(new Explanation(text, "mbedTLS", "-0x" + m.group(1) + " is not in Uplink's table: "
                    + "look it up in your mbedTLS version's headers (ssl.h, x509.h, net_sockets.h)", "",
                    Confidence.UNDOCUMENTED));
        }
        if ((m = NUMBER.matcher(text)).find()) {
            int code = Integer.parseInt(m.group(1));
            String paho = paho(code);
            if (paho != null) {
                return Optional.of(new Explanation(text, "Eclipse Paho reason code", paho, pahoFix(code),
                        Confidence.MANUAL));
            }
        }
        return Optional.empty();
    }

    private static Optional<Explanation> bg95(String source, String raw, int err) {
        String meaning = err == 0 ? "success" : BG95.get(err);
        return Optional.of(new Explanation(raw, source, meaning == null ? "code " + err + " is not in the BG95 table"
                : meaning, bg95Fix(err), meaning == null ? Confidence.UNDOCUMENTED : Confidence.MANUAL));
    }

    private static String bg95Fix(int err) {
        return switch (err) {
        case 0 -> "";
        case 561, 570, 573 -> "Check the APN (AT+QICSGP) and re-activate the context (AT+QIDEACT then AT+QIACT).";
        case 565 -> "Check the host name and the module's DNS servers (AT+QIDNSCFG).";
        case 566 -> "For SSL: the module's handshake failed and it does not say why. Turn SNI on "
                + "(AT+QSSLCFG=\"sni\",<ctx>,1), check the CA file and the module's clock, or let the gateway do TLS "
                + "(tls.mode=host) and run bin/uplink doctor to see the handshake.";
        case 563 -> "Close the socket first (AT+QICLOSE), or use another connectID.";
        case 552 -> "Check the parameters; a module that answers 552 to everything after many TLS cycles needs a "
                + "power cycle (seen in the field).";
        default -> "Close the socket (AT+QICLOSE) and retry; if it repeats, run bin/uplink doctor.";
        };
    }

    private static String bc66Fix(int err) {
        return switch (err) {
        case 0 -> "";
        case -3 -> "Check the stored CA (AT+QSSLCFG=...,\"cacert\" must report a byte count > 0) and the clock.";
        case -4 -> "Store the client key that belongs to the certificate, in a form the module reads (PKCS#1/SEC1 "
                + "PEM): bin/uplink creds check --modem quectel-bc66.";
        case -5 -> "The BC66/BC660K offers only TLS_RSA_WITH_AES_128/256_CBC_SHA and 3DES: a server that wants "
                + "ECDHE, GCM or ChaCha20 cannot talk to it. Use host TLS (the gateway's TLS engine over the "
                + "module's plain sockets).";
        case -9 -> "Run bin/uplink doctor (or probe) against the server from the gateway: it names the TLS "
                + "mismatch the module does not. A cipher or SNI mismatch is the usual cause on this module.";
        default -> "Check the SSL configuration (AT+QSSLCFG) and retry; run bin/uplink doctor for the server side.";
        };
    }

    private static String cmeFix(int code) {
        return switch (code) {
        case 10, 13 -> "Insert the SIM the right way round and seat the tray.";
        case 11 -> "Set the PIN in the modem configuration (.sim.pin).";
        case 12 -> "Unblock the SIM with its PUK in a phone.";
        case 518 -> "Send AT+CFUN=4, write or delete the credential, then AT+CFUN=1.";
        case 513 -> "List what is stored: AT%CMNG=1; write the credential under the sec_tag the socket uses.";
        case 407 -> "Delete the file first (AT+QFDEL) or upload under another name.";
        default -> "";
        };
    }

    private static String mbedFix(int code) {
        return switch (code) {
        case 0x7280 -> "Find out what the server objects to: run bin/uplink doctor (or probe) against it from the "
                + "gateway, which decodes the whole handshake. Usual causes: no cipher suite in common, SNI missing "
                + "or wrong, TLS version, or the link dropping (then compare over another network).";
        case 0x7780 -> "Enable the library's debug output to see the alert, or run bin/uplink doctor, which names it.";
        case 0x2700 -> "Check the CA certificate, the clock, and that the host name matches the certificate.";
        case 0x7380 -> "Enable a suite the server accepts (ECDHE with AES-GCM for most clouds).";
        default -> "";
        };
    }

    private static String connack(int rc) {
        return MqttProbe.connackMeaning(rc);
    }

    private static String paho(int code) {
        return switch (code) {
        case 0 -> "success";
        case 1 -> "CONNACK 1: unacceptable protocol version";
        case 2 -> "CONNACK 2: client identifier rejected";
        case 3 -> "CONNACK 3: server unavailable";
        case 4 -> "CONNACK 4: bad user name or password";
        case 5 -> "CONNACK 5: not authorized";
        case 32000 -> "timed out waiting for a response from the server";
        case 32100 -> "the client is already connected";
        case 32101 -> "the client is already disconnected";
        case 32102 -> "the client is disconnecting";
        case 32103 -> "unable to connect to the server (TCP or TLS failed)";
        case 32104 -> "the client is not connected";
        case 32105 -> "the socket factory does not match the URI (tcp:// with an SSL factory or ssl:// with a plain "
                + "one)";
        case 32109 -> "connection lost: the connection broke (network, server close, keep-alive)";
        case 32110 -> "a connect is already in progress";
        case 32202 -> "too many publishes in progress: the in-flight window is full (QoS 0 counts too)";
        default -> null;
        };
    }

    private static String pahoFix(int code) {
        return switch (code) {
        case 32109 -> "If it happens right after CONNECT, the broker refused the client silently (AWS IoT: policy, "
                + "certificate, client id): run bin/uplink doctor. Otherwise check keep-alive and the link.";
        case 32202 -> "Throttle publishing to the in-flight window, or raise MaxInflight within the broker's limit; "
                + "Uplink's connector keeps the window for you.";
        case 32103 -> "Run bin/uplink doctor: it names the TCP or TLS failure.";
        case 4, 5, 2 -> "Check the credentials and the broker's ACL; run bin/uplink doctor.";
        default -> "";
        };
    }

    /** Every source this class knows, for help texts. */
    public static List<String> sources() {
        return List.of("+QSSLOPEN (BG95, BC66)", "+QIOPEN", "+QMTOPEN", "+QMTCONN", "+QMTSTAT", "+CME ERROR (27.007, "
                + "nRF91 %CMNG, Sierra 918/930/931)", "+KTCP_NOTIF", "mbedTLS -0x....", "Paho reason codes");
    }
}
