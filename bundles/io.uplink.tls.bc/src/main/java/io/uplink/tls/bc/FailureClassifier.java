package io.uplink.tls.bc;

import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;

import io.uplink.tls.TlsHandshakeException;
import io.uplink.tls.TlsHandshakeException.Failure;
import io.uplink.tls.TlsHandshakeException.Side;
import io.uplink.transport.TransportException;

import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsFatalAlertReceived;

/** Turns whatever ended a handshake into a {@link TlsHandshakeException} that names the cause and the fix. */
final class FailureClassifier {

    private FailureClassifier() {
    }

    static TlsHandshakeException classify(Throwable e, UplinkTlsClient client, HandshakeRecorder recorder,
            String endpoint, int port, boolean deadlinePassed) {
        ServerCertificateCheck.Verdict verdict = client.verdict();
        if (verdict != null) {
            return build(verdict.failure(), verdict.message(), verdict.fix(), Side.CLIENT,
                    alertName(e), client, recorder, port, e);
        }
        if (e instanceof NotTlsException notTls) {
            return build(Failure.NOT_TLS, "The server " + endpoint + " does not speak TLS on this port"
                    + (notTls.guess().isEmpty() ? "" : "; it looks like " + notTls.guess()) + ". It answered the "
                    + "ClientHello with '" + notTls.quote() + "'.", "Check the port: MQTT over TLS is usually 8883 "
                            + "(AWS IoT also 443 with ALPN). If this port is meant to be plain MQTT, connect without "
                            + "TLS (mqtt:// on the command line, tls.mode=none in the endpoint) only on a network you trust.",
                    Side.NONE, "", client, recorder, port, e);
        }
        if (deadlinePassed || e instanceof InterruptedIOException) {
            boolean silent = recorder.receivedTotal() == 0;
            return build(Failure.TIMEOUT, "The TLS handshake with " + endpoint + " did not finish in time"
                    + progress(recorder) + (silent ? ": the server accepted the connection but sent nothing, not even "
                            + "a ServerHello" : "") + ".", silent ? "A server that accepts TCP and stays silent is "
                                    + "not answering TLS on this port (a firewall or proxy holding the connection, a "
                                    + "service that waits for the client to speak its own protocol, or an overloaded "
                                    + "server): check the host and port, then the link." : "Check the link (a modem "
                                            + "link may be slow or losing data) and raise the handshake timeout if "
                                            + "the link is just slow.", Side.NONE, "", client, recorder, port, e);
        }
        if (e instanceof TlsFatalAlertReceived received) {
            return fromServerAlert(received.getAlertDescription(), client, recorder, endpoint, port, e);
        }
        if (e instanceof TlsFatalAlert raised) {
            short d = raised.getAlertDescription();
            String why = raised.getMessage() == null ? "" : raised.getMessage();
            if (d == AlertDescription.protocol_version && client.negotiatedVersion().isEmpty()) {
                return build(Failure.VERSION_MISMATCH, "The server answered with a TLS version this client does "
                        + "not offer (it offered " + String.join(", ", versionsOffered(recorder)) + ").",
                        "Allow TLS 1.2 and 1.3 in the profile.", Side.CLIENT, AlertDescription.getName(d), client,
                        recorder, port, e);
            }
            long oversized = oversizedCertificateMessage(d, why);
            if (oversized > 0) {
                ServerCertificateCheck.Verdict v = CertificateLimits.messageTooLarge(oversized);
                return build(v.failure(), v.message(), v.fix(), Side.CLIENT, AlertDescription.getName(d), client,
                        recorder, port, e);
            }
            String agreed = client.negotiatedVersion().isEmpty() ? "" : " after agreeing on "
                    + client.negotiatedVersion() + (client.negotiatedSuite().isEmpty() ? "" : " with "
                            + client.negotiatedSuite());
            String detail = AlertDescription.getText(d) + (why.isEmpty() ? "" : " (" + why.replaceFirst(
                    "^[a-z_]+\\(\\d+\\); ", "") + ")");
            if (recorder.has("ServerHello")) {
                return build(Failure.PROTOCOL, "The server " + endpoint + " broke the TLS protocol" + agreed + ": "
                        + "this client refused what it sent with " + detail + ".", "The server, or something between "
                                + "(a proxy, a load balancer, a modem's broken TLS offload), does not speak correct "
                                + "TLS: check that this is the broker's TLS port, and give its operator the capture "
                                + "(--pcap) and the trace.", Side.CLIENT, AlertDescription.getName(d), client,
                        recorder, port, e);
            }
            return build(Failure.PROTOCOL, "This client aborted the handshake with " + endpoint + ": " + detail + ".",
                    "See the trace for the message that was refused.", Side.CLIENT, AlertDescription.getName(d),
                    client, recorder, port, e);
        }
        if (isReset(e)) {
            boolean afterHello = recorder.has("ServerHello");
            return build(Failure.CONNECTION_RESET, "The connection to " + endpoint + " was reset (TCP RST) "
                    + (afterHello ? "after the server's hello" : "right after the ClientHello") + progress(recorder)
                    + ": the server or a firewall between aborted it.", afterHello ? "Check the server's log and any "
                            + "firewall or proxy on the way; if it repeats, capture it (--pcap)." : "A port that "
                                    + "resets a ClientHello often does not speak TLS (a plain MQTT port does this) or "
                                    + "a firewall blocks TLS: check the port (8883 for MQTT over TLS), then the "
                                    + "firewall.", Side.NONE, "", client, recorder, port, e);
        }
        if (e instanceof EOFException || e instanceof IOException && String.valueOf(e.getMessage())
                .toLowerCase().contains("closed")) {
            String when = recorder.has("ServerHello") ? "after the server's hello" : "right after the ClientHello";
            String fix = recorder.has("ServerHello") ? "The server may have rejected the client certificate "
                    + "silently; check the certificate is registered and active, and the SNI name."
                    : "The server refused the ClientHello without an alert: check the port is a TLS port, the SNI "
                            + "name (" + client.sniName() + "), and that the server accepts one of the offered "
                            + "versions and suites (try cipher policy 'compatible').";
            return build(Failure.PEER_CLOSED, "The server closed the connection " + when + ", without an alert"
                    + progress(recorder) + ".", fix, Side.NONE, "", client, recorder, port, e);
        }
        if (e instanceof TransportException t) {
            return build(Failure.TRANSPORT, "The connection failed during the TLS handshake: " + t.getMessage(),
                    t.fix(), Side.NONE, "", client, recorder, port, e);
        }
        return build(Failure.PROTOCOL, "The TLS handshake with " + endpoint + " failed: " + e, "See the trace.",
                Side.NONE, "", client, recorder, port, e);
    }

    private static TlsHandshakeException fromServerAlert(short d, UplinkTlsClient client, HandshakeRecorder recorder,
            String endpoint, int port, Throwable e) {
        String alert = AlertDescription.getName(d);
        String said = "The server " + endpoint + " refused the handshake with the alert '" + alert + "'";
        boolean afterHello = recorder.has("ServerHello");
        if (d == AlertDescription.certificate_required
                || client.clientCertificateRequested() && !client.clientCertificateSent()) {
            return build(Failure.CLIENT_CERTIFICATE_REQUIRED, said + ": it requires a client certificate and none is "
                    + "configured.", "Configure the device certificate and key (uplink creds import) for this "
                    + "endpoint.", Side.SERVER, alert, client, recorder, port, e);
        }
        if (client.clientCertificateSent() && (d == AlertDescription.bad_certificate
                || d == AlertDescription.unknown_ca || d == AlertDescription.certificate_unknown
                || d == AlertDescription.access_denied || d == AlertDescription.decrypt_error
                || d == AlertDescription.certificate_revoked || d == AlertDescription.certificate_expired
                || d == AlertDescription.unsupported_certificate)) {
            return build(Failure.CLIENT_CERTIFICATE_REJECTED, said + ": it does not accept the client certificate.",
                    "Register the device certificate's CA with the broker (or activate the certificate in the cloud "
                            + "console), and check the certificate has not expired.",
                    Side.SERVER, alert, client, recorder, port, e);
        }
        if (d == AlertDescription.protocol_version) {
            return build(Failure.VERSION_MISMATCH, said + ": no TLS version in common (offered: "
                    + String.join(", ", versionsOffered(recorder)) + ").", "Allow the version the broker needs in "
                    + "the profile (TLS 1.2 and 1.3 by default).", Side.SERVER, alert, client, recorder, port, e);
        }
        if (!afterHello && (d == AlertDescription.handshake_failure || d == AlertDescription.insufficient_security)) {
            return build(Failure.CIPHER_MISMATCH, said + " before choosing anything: it supports none of the "
                    + client.offeredSuites().length + " offered cipher suites.", "Try cipher policy 'compatible' "
                    + "(adds CBC and RSA key exchange suites), or list the suites the broker accepts ('uplink probe' "
                    + "shows them).", Side.SERVER, alert, client, recorder, port, e);
        }
        if (d == AlertDescription.unrecognized_name) {
            return build(Failure.PROTOCOL, said + ": it does not serve the SNI name '" + client.sniName() + "'.",
                    "Use the exact endpoint host name your cloud console shows (or fix the SNI override).",
                    Side.SERVER, alert, client, recorder, port, e);
        }
        return build(Failure.PROTOCOL, said + ".", "See the trace for the last message before the alert.",
                Side.SERVER, alert, client, recorder, port, e);
    }

    /** A reset by the peer, as the JDK reports it on read ("Connection reset") or on write ("Broken pipe"). */
    private static boolean isReset(Throwable e) {
        if (!(e instanceof java.net.SocketException)) {
            return false;
        }
        String m = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT);
        return m.contains("connection reset") || m.contains("broken pipe");
    }

    /**
     * The length of a Certificate message Bouncy Castle refused at its header for being over
     * {@link CertificateLimits#MAX_HANDSHAKE_MESSAGE_BYTES}; 0 when the alert is something else. Bouncy Castle says so
     * only in its message ("Handshake message length exceeds the maximum: certificate(11), 200000 > 164000"); a test
     * against a real server with such a certificate keeps this reading honest.
     */
    static long oversizedCertificateMessage(short alert, String message) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("exceeds the maximum: certificate\\(11\\), "
                + "(\\d+) >").matcher(message);
        return alert == AlertDescription.internal_error && m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    private static java.util.List<String> versionsOffered(HandshakeRecorder recorder) {
        String detail = recorder.trace().events().stream().filter(ev -> ev.type().equals("ClientHello"))
                .map(io.uplink.tls.TraceEvent::detail).findFirst().orElse("");
        java.util.List<String> v = new java.util.ArrayList<>();
        if (detail.contains("TLSv1.3")) {
            v.add("TLSv1.3");
        }
        if (detail.contains("TLSv1.2")) {
            v.add("TLSv1.2");
        }
        return v;
    }

    private static String alertName(Throwable e) {
        return e instanceof TlsFatalAlert a ? AlertDescription.getName(a.getAlertDescription()) : "";
    }

    private static String progress(HandshakeRecorder recorder) {
        return " (" + recorder.sentTotal() + " bytes sent, " + recorder.receivedTotal() + " received)";
    }

    private static TlsHandshakeException build(Failure failure, String message, String fix, Side side, String alert,
            UplinkTlsClient client, HandshakeRecorder recorder, int port, Throwable cause) {
        return new TlsHandshakeException(failure, message, fix, side, alert, recorder.trace(), recorder.pcap(port),
                cause);
    }
}
