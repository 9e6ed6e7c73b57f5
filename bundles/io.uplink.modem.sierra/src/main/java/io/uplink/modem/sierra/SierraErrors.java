package io.uplink.modem.sierra;

import java.util.Map;

import io.uplink.transport.TransportException.Reason;

/**
 * The HL78xx's codes, each with its meaning in plain words, the fix and how a transport classifies it: every
 * {@code +KTCP_NOTIF} code (the manual's table), and the {@code +CME ERROR} codes of the socket and credential
 * commands. 918, 930 and 931 are not in any manual we could read: their meanings are what Sierra's own test scripts
 * and field logs show, and are marked so.
 */
final class SierraErrors {

    /** One code: what it means, how to fix it, how a transport classifies it. */
    record Entry(String meaning, String fix, Reason reason) {
    }

    private static final Map<Integer, Entry> NOTIFICATIONS = Map.ofEntries(
            Map.entry(0, new Entry("network error: the module lost its data connection (no coverage, or the network "
                    + "ended the PDP context)", "Check the antenna and coverage (AT+CSQ, AT+CEREG?); the next "
                            + "connection sets the session up again.", Reason.UNREACHABLE)),
            Map.entry(1, new Entry("no more sockets available: every socket of the module's IP stack is taken",
                    "Close unused connections; sessions left configured by another program are freed with "
                            + "AT+KTCPCLOSE and AT+KTCPDEL.", Reason.NO_RESOURCES)),
            Map.entry(2, new Entry("memory problem: the module ran out of memory for the session",
                    "Close unused sessions; restart the module if it repeats.", Reason.NO_RESOURCES)),
            Map.entry(3, new Entry("DNS error: the module could not resolve the host name",
                    "Check the host name, and that the APN gives working DNS servers (AT+CGCONTRDP).",
                    Reason.DNS_FAILED)),
            Map.entry(4, new Entry("the server or the remote side closed the connection",
                    "Reconnect. If it happens at the same point every time (e.g. right after the MQTT CONNECT), "
                            + "run the doctor: the server may be refusing the client.", Reason.CLOSED)),
            Map.entry(5, new Entry("TCP connection error: nothing accepted the connection (refused or unreachable)",
                    "Check host and port, and that the server is reachable from the cellular network (not only from "
                            + "your LAN).", Reason.REFUSED)),
            Map.entry(6, new Entry("generic error: the module gives no detail",
                    "Retry; if it repeats, restart the module and run the doctor.", Reason.OTHER)),
            Map.entry(7, new Entry("accepting a client request failed (server sessions only)",
                    "Uplink opens client sessions only; restart the module if this appears.", Reason.OTHER)),
            Map.entry(8, new Entry("data sent, but the module expected more or fewer bytes than AT+KTCPSND "
                    + "announced: the EOF pattern arrived early or late (data holding the pattern, or bytes lost on the "
                    + "serial line)", "Use hardware flow control (AT&K3 with RTS/CTS wired); the session is closed, "
                            + "reconnect.", Reason.CLOSED)),
            Map.entry(9, new Entry("bad session ID: the module does not know this session (deleted, or the module "
                    + "restarted)", "Reconnect: a new session is configured.", Reason.CLOSED)),
            Map.entry(10, new Entry("the session is already running", "Close it first (AT+KTCPCLOSE).",
                    Reason.INVALID_REQUEST)),
            Map.entry(11, new Entry("all sessions are in use", "Close unused connections (AT+KTCPCLOSE, "
                    + "AT+KTCPDEL).", Reason.NO_RESOURCES)),
            Map.entry(12, new Entry("connection timeout: the server did not answer in time",
                    "Check coverage and that the server is reachable from the cellular network; raise the connect "
                            + "timeout on slow links.", Reason.TIMEOUT)),
            Map.entry(13, new Entry("TLS connection error: the module's TLS handshake failed (no TLS version or "
                    + "cipher suite in common, or the server ended the handshake). With an RSA server certificate "
                    + "firmware 4.6 can only negotiate ECDHE-RSA-AES128-GCM-SHA256",
                    "Run 'uplink doctor --tls modem' (it sets the server's suites against the module's); or use host "
                            + "TLS (tls.mode=host), which speaks every modern suite.", Reason.REFUSED)),
            Map.entry(14, new Entry("TLS initialisation error: the module could not set up TLS with the stored "
                    + "credentials and profile (a missing or unusable certificate or key, or a profile it refuses)",
                    "Provision the credentials again ('uplink creds provision'), check the key type (EC P-256 or "
                            + "RSA 2048), or use host TLS.", Reason.INVALID_REQUEST)),
            Map.entry(15, new Entry("TLS certificate error: the server's certificate did not verify against the CA "
                    + "stored in the module (wrong CA, expired, or wrongly named)",
                    "Store the CA that signed the broker's chain ('uplink creds provision'); check the module's clock "
                            + "(AT+CCLK?) if the certificate is valid.", Reason.REFUSED)));

    private static final Map<Integer, Entry> CME = Map.ofEntries(
            Map.entry(3, new Entry("operation not allowed in the module's present state", "Check the session state; "
                    + "reconnect.", Reason.INVALID_REQUEST)),
            Map.entry(4, new Entry("operation not supported by this firmware", "Update the module's firmware or use "
                    + "host TLS.", Reason.INVALID_REQUEST)),
            Map.entry(910, new Entry("bad session ID: the module does not know this session", "Reconnect: a new "
                    + "session is configured.", Reason.CLOSED)),
            Map.entry(918, new Entry("the module refused the setting (undocumented: Sierra's own test expects 918 for "
                    + "AT+KSSLCFG=2,1, a value its firmware does not support)", "Leave the setting at a value the "
                            + "firmware supports; Uplink only sets the TLS version (AT+KSSLCFG=0,3).",
                    Reason.INVALID_REQUEST)),
            Map.entry(930, new Entry("fewer bytes arrived than announced before the EOF pattern (undocumented: "
                    + "Sierra's own test sends fewer bytes than announced and expects 930)", "Check the serial line "
                            + "(hardware flow control AT&K3 with RTS/CTS wired); provision again.",
                    Reason.INVALID_REQUEST)),
            Map.entry(931, new Entry("the module cannot use what it received as a certificate or key (undocumented: "
                    + "Sierra's own test sends non-PEM text and expects 931; in the field a PEM without line breaks "
                    + "gave 931)", "Check it is a PEM certificate or key of a type the module takes (EC P-256, RSA "
                            + "2048); Uplink lays PEM out in 64-character lines before upload.",
                    Reason.INVALID_REQUEST)));

    private SierraErrors() {
    }

    /** A {@code +KTCP_NOTIF} code; codes outside the manual's 0..15 are named as unknown. */
    static Entry notification(int code) {
        Entry e = NOTIFICATIONS.get(code);
        return e != null ? e : new Entry("notification " + code + " (not in the HL78xx manual's table)",
                "Reconnect; restart the module if it repeats.", Reason.OTHER);
    }

    /** A {@code +CME ERROR} code of a socket or credential command. */
    static Entry cme(int code) {
        Entry e = CME.get(code);
        return e != null ? e : new Entry("error " + code + " (not in the HL78xx tables Uplink knows)",
                "Check the command's parameters; restart the module if every command fails.", Reason.OTHER);
    }

    /** Every notification code the manual lists, for the doctor's explanations and the tests. */
    static Map<Integer, Entry> notifications() {
        return NOTIFICATIONS;
    }
}
