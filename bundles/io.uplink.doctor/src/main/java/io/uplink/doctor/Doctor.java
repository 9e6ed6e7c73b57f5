package io.uplink.doctor;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import io.uplink.diagnostics.Diagnosis;
import io.uplink.diagnostics.Finding;
import io.uplink.diagnostics.Finding.Status;
import io.uplink.diagnostics.Layer;
import io.uplink.diagnostics.ProgressListener;
import io.uplink.modem.Modem;
import io.uplink.modem.ModemCredentials;
import io.uplink.modem.ModemTls;
import io.uplink.tls.TlsClientProfile;
import io.uplink.tls.TlsEngine;
import io.uplink.tls.TlsHandshakeException;
import io.uplink.tls.TlsSession;
import io.uplink.tls.TraceEvent;
import io.uplink.transport.Connection;
import io.uplink.transport.Transport;
import io.uplink.transport.TransportException;

/**
 * Walks the network half of the ladder (DNS, TCP, TLS, MQTT CONNECT, publish round trip) over a given transport,
 * stopping at the first failure. When the path through a modem fails at TCP or TLS, the same steps are tried over the
 * gateway's own network to tell a modem fault from a server fault. Plain Java: the gateway's component and the
 * command line both use it.
 */
public final class Doctor {

    private static final int KEEPALIVE_SECONDS = 60;
    /** How long to wait after a TLS 1.3 handshake for the server's verdict on the client certificate. */
    private static final long SETTLE_MILLIS = 700;
    /** How long the check whether a port that refused TLS speaks plain MQTT waits for a CONNACK, at most. */
    private static final java.time.Duration PLAIN_CHECK_WAIT = java.time.Duration.ofSeconds(3);
    /** Causes that, when the same step works over the OS network, mean the modem path dropped the socket. */
    private static final java.util.Set<String> MODEM_SIDE = java.util.Set.of("tls.sni-wrong", "tls.sni-missing",
            "net.timeout", "net.tcp-refused", "modem.socket-closed", Cause.NET_CONNECTION_RESET.code());

    private final TlsEngine tls;
    /** Set by the TLS rung of the current walk; a diagnosis runs on its caller's thread. */
    private boolean certificateRequested;
    /** The TLS bytes of the current walk, as pcap. */
    private byte[] capture = new byte[0];

    public Doctor(TlsEngine tls) {
        this.tls = tls;
    }

    /**
     * @param earlier findings of rungs the caller walked first (modem, credentials); a failure among them ends the
     *            walk before the network
     * @param viaModem whether {@code transport} is a modem's
     * @param osFallback the gateway's own network, to compare with when the modem path fails; null for none
     */
    public synchronized Diagnosis diagnose(DoctorTarget target, Transport transport, boolean viaModem,
            Transport osFallback, List<Finding> earlier, ProgressListener progress) {
        certificateRequested = false;
        capture = new byte[0];
        Walk walk = new Walk(progress);
        earlier.forEach(walk::add);
        if (walk.failed()) {
            return walk.result();
        }
        Finding name = configuredServerName(target, false);
        if (name != null) {
            walk.add(name);
        }
        dns(target, viaModem, walk);
        if (!walk.failed()) {
            Connection c = tcp(target, transport, viaModem, walk);
            if (c != null) {
                try {
                    Connection session = tlsRung(target, c, transport, viaModem, walk);
                    if (session != null) {
                        mqtt(target, session, viaModem, walk);
                    }
                } finally {
                    closeQuietly(c);
                }
            }
        }
        Finding first = walk.firstFailure();
        if (viaModem && osFallback != null && first != null && MODEM_SIDE.contains(first.cause())
                && (first.layer() == Layer.TCP || first.layer() == Layer.TLS)) {
            Finding comparison = compareOverOs(target, osFallback, first);
            boolean serverFine = comparison.cause().equals("ok");
            if (serverFine) {
                walk.replace(first, new Finding(first.layer(), Status.FAIL, "modem.socket-closed", "The connection "
                        + "through the modem ended at the " + first.layer() + " step (" + first.summary() + ") while "
                        + "the same step over the gateway's own network succeeds: the modem or its network closed "
                        + "the socket.", "Check the signal (AT+CSQ; below 10 is poor) and the module's socket "
                                + "limits: modules that drop TLS after about 877 bytes need smaller records "
                                + "(max_fragment_length), a firmware update, or host TLS over the module's plain "
                                + "sockets, which is what Uplink does.", first.evidence()));
            }
            walk.add(comparison);
        }
        return walk.result();
    }

    /**
     * The ladder through a modem's own TLS (endpoint setting {@code tls.mode=modem}): the certificates stored in the
     * modem (compared, uploaded when they differ, read back), the modem's handshake, then MQTT CONNECT and a publish
     * over the modem's TLS session. A failed handshake is repeated by the gateway's TLS engine over the same modem's
     * plain socket, limited to what the modem offers, so that the modem's bare error code gets a real cause.
     *
     * @param modem an attached modem
     * @param trust the CA certificates to store in the modem (required), in its PEM style ({@link ModemTls#pemStyle()})
     * @param identity the client certificate and key for mutual TLS, or null
     * @param earlier findings of rungs the caller walked first; a failure among them ends the walk
     */
    public synchronized Diagnosis diagnoseModemTls(DoctorTarget target, Modem modem, ModemCredentials trust,
            ModemCredentials identity, List<Finding> earlier, ProgressListener progress) {
        if (!target.tls()) {
            throw new IllegalArgumentException("the modem's own TLS needs a TLS endpoint (mqtts://)");
        }
        certificateRequested = false;
        capture = new byte[0];
        Walk walk = new Walk(progress);
        earlier.forEach(walk::add);
        Finding name = configuredServerName(target, true); // a settings fault: reported whatever the modem did
        if (name != null) {
            walk.add(name);
        }
        if (walk.failed()) {
            return walk.result();
        }
        dns(target, true, walk);
        Optional<ModemTls> modemTls = modem.tls();
        if (modemTls.isEmpty()) {
            walk.add(new Finding(Layer.TLS, Status.FAIL, "modem.no-tls", "The " + modem.identity() + " has no TLS "
                    + "of its own that Uplink can drive.", "Use host TLS (tls.mode=host, or --tls host): the gateway "
                            + "runs TLS over the modem's plain sockets.", List.of()));
            return walk.result();
        }
        walk.add(new Finding(Layer.TCP, Status.SKIPPED, "ok", "The modem opens TCP and TLS in one command; a "
                + "failure of either shows in the TLS step.", "", List.of()));
        ModemTlsRungs.Outcome outcome = new ModemTlsRungs(modem, modemTls.get(), tls, target).run(trust, identity);
        outcome.findings().forEach(walk::add);
        if (outcome.connection() != null) {
            try {
                mqtt(target, outcome.connection(), true, walk);
            } finally {
                closeQuietly(outcome.connection());
            }
        }
        return walk.result();
    }

    /**
     * A configured server name (the endpoint's {@code sni} setting) that differs from the endpoint's host, found from
     * the settings alone, before any connection. The name is the SNI and the name the certificate is checked against
     * (the nRF91's TLS_HOSTNAME is both): a broker serving many names (AWS IoT) may accept the TLS connection and close
     * it after the MQTT CONNECT, which looks like a policy fault (seed 003). With the modem's own TLS it is a failure,
     * the walk stops there; with the gateway's TLS a warning, since a deliberate override (a proxy, an alias) is
     * possible and the handshake rung tells more.
     *
     * @return the finding, or null when no name is configured, it is the host's, or the host is an address
     */
    static Finding configuredServerName(DoctorTarget t, boolean modemTls) {
        if (!t.tls() || t.sni().isEmpty() || isIpLiteral(t.host())) {
            return null;
        }
        String name = stripDot(t.sni());
        if (name.equalsIgnoreCase(stripDot(t.host()))) {
            return null;
        }
        String who = modemTls ? "The modem sends it as SNI and checks the server's certificate against it (the nRF91's "
                + "TLS_HOSTNAME, the BG95's SNI)" : "The gateway sends it as SNI and checks the server's certificate "
                        + "against it";
        return new Finding(Layer.TLS, modemTls ? Status.FAIL : Status.WARN, Cause.TLS_SNI_WRONG.code(), "The TLS "
                + "server name is configured as '" + t.sni() + "', but the endpoint's host is '" + t.host() + "'. "
                + who + ": a broker that serves many names, such as AWS IoT, can accept the connection and then close "
                + "it after the MQTT CONNECT, and a certificate that does not name '" + t.sni() + "' fails the "
                + "handshake.", "Leave the endpoint's sni setting empty, so that the host '" + t.host() + "' is "
                        + "used, or set it to exactly the host (AWS IoT: your account's ATS endpoint, "
                        + "xxxx-ats.iot.REGION.amazonaws.com).", List.of("sni=" + t.sni(), "host=" + t.host()));
    }

    private static String stripDot(String name) {
        return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    }

    private static void dns(DoctorTarget t, boolean viaModem, Walk walk) {
        if (viaModem) {
            walk.add(new Finding(Layer.DNS, Status.SKIPPED, "ok", "The modem resolves " + t.host() + " itself when it "
                    + "opens the socket; a failure there shows in the TCP step.", "", List.of()));
            return;
        }
        if (isIpLiteral(t.host())) {
            walk.add(new Finding(Layer.DNS, Status.SKIPPED, "ok", t.host() + " is an IP address: nothing to resolve.",
                    "", List.of()));
            return;
        }
        long started = System.nanoTime();
        try {
            InetAddress[] all = InetAddress.getAllByName(t.host());
            walk.add(new Finding(Layer.DNS, Status.PASS, "ok", t.host() + " resolves to " + Arrays.stream(all)
                    .map(InetAddress::getHostAddress).collect(Collectors.joining(", ")) + " ("
                    + millisSince(started) + " ms).", "", List.of()));
        } catch (UnknownHostException e) {
            walk.add(new Finding(Layer.DNS, Status.FAIL, "net.dns", "The name " + t.host() + " cannot be resolved ("
                    + e.getMessage() + ").", "Check the spelling of the host (AWS: the ATS endpoint from 'aws iot "
                            + "describe-endpoint --endpoint-type iot:Data-ATS'), and that the gateway has a DNS server "
                            + "(/etc/resolv.conf) and a network route.", List.of("getAllByName(" + t.host() + "): "
                                    + e)));
        }
    }

    private static Connection tcp(DoctorTarget t, Transport transport, boolean viaModem, Walk walk) {
        long started = System.nanoTime();
        try {
            Connection c = transport.connect(t.host(), t.port(), t.timeout());
            walk.add(new Finding(Layer.TCP, Status.PASS, "ok", "TCP connection to " + t.host() + ":" + t.port()
                    + " over " + transport.describe() + " in " + millisSince(started) + " ms (" + c.remote() + ").",
                    "", List.of()));
            return c;
        } catch (TransportException e) {
            walk.add(new Finding(Layer.TCP, Status.FAIL, transportCause(e.reason(), viaModem), e.getMessage(),
                    e.fix(), e.rawDetail().isEmpty() ? List.of() : List.of(e.rawDetail())));
            return null;
        }
    }

    static String transportCause(TransportException.Reason reason, boolean viaModem) {
        return switch (reason) {
        case DNS_FAILED -> "net.dns";
        case REFUSED -> "net.tcp-refused";
        case CLOSED -> viaModem ? "modem.socket-closed" : "net.tcp-refused";
        case NO_RESOURCES -> viaModem ? "modem.buffer-overrun" : "net.timeout";
        case TRANSPORT_GONE, UNREACHABLE -> viaModem ? "modem.pdp" : "net.timeout";
        default -> "net.timeout";
        };
    }

    /** Returns the connection to speak MQTT on (the TLS session, or the plain connection), or null on failure. */
    private Connection tlsRung(DoctorTarget t, Connection c, Transport transport, boolean viaModem, Walk walk) {
        if (!t.tls()) {
            walk.add(new Finding(Layer.TLS, Status.SKIPPED, "ok", "Plain MQTT (mqtt://): no TLS. Use it only on a "
                    + "network you trust.", "", List.of()));
            return c;
        }
        String serverName = serverName(t);
        try {
            TlsSession s = tls.handshake(c, profile(t));
            capture(s);
            List<String> evidence = new ArrayList<>(trace(s.trace().events()));
            for (X509Certificate cert : s.serverChain()) {
                evidence.add("server certificate: " + cert.getSubjectX500Principal().getName() + " (issuer "
                        + cert.getIssuerX500Principal().getName() + ", valid until " + cert.getNotAfter().toInstant()
                        + ")");
            }
            boolean asked = s.trace().events().stream().anyMatch(e -> e.type().contains("CertificateRequest"));
            certificateRequested = asked;
            walk.add(new Finding(Layer.TLS, Status.PASS, "ok", s.protocol() + " " + s.cipherSuite() + " with "
                    + serverName + (s.applicationProtocol().isEmpty() ? "" : ", ALPN " + s.applicationProtocol())
                    + "; the server's certificate is trusted and names the host"
                    + (asked ? "; it asked for a client certificate" : "") + ".", "", evidence));
            Finding refused = settle(t, s);
            if (refused != null) {
                walk.add(refused);
                return null;
            }
            return s;
        } catch (TlsHandshakeException e) {
            capture = e.pcap();
            Cause cause = tlsCause(e, t, viaModem);
            List<String> evidence = new ArrayList<>(trace(e.trace().events()));
            String plainMqtt = mayBePlainPort(e) ? plainMqtt(t, transport, evidence) : null;
            if (plainMqtt != null) {
                walk.add(new Finding(Layer.TLS, Status.FAIL, Cause.TLS_NOT_TLS.code(), "This port does not speak "
                        + "TLS: " + t.host() + ":" + t.port() + " answered the ClientHello with "
                        + switch (e.failure()) {
                        case CONNECTION_RESET -> "a reset";
                        case PEER_CLOSED -> "a hang-up";
                        default -> "bytes that are not TLS";
                        } + ", and answers a plain MQTT CONNECT " + plainMqtt + ": it is a plain MQTT port.",
                        "For TLS, use the broker's TLS port (usually 8883). To use this port as it is, connect "
                                + "without TLS (mqtt://" + t.host() + ":" + t.port() + ", endpoint setting "
                                + "tls.mode=none), only on a network you trust: the password and the data travel "
                                + "in clear.", evidence));
                return null;
            }
            walk.add(new Finding(Layer.TLS, Status.FAIL, cause.code(), e.getMessage(), sniFix(cause, e), evidence));
            return null;
        }
    }

    /** A refusal before any ServerHello that a plain (non-TLS) port would also give. */
    private static boolean mayBePlainPort(TlsHandshakeException e) {
        return switch (e.failure()) {
        case NOT_TLS, CONNECTION_RESET, PEER_CLOSED -> !versionAgreed(e) && e.trace().events().stream()
                .noneMatch(ev -> ev.type().equals("ServerHello"));
        default -> false;
        };
    }

    /**
     * Asks the port, over a new plain connection, whether it answers an MQTT CONNECT (without user name or password:
     * nothing secret goes out in clear).
     *
     * @return how it answered (e.g. "with CONNACK 0 (accepted)"), or null when it does not speak MQTT
     */
    private static String plainMqtt(DoctorTarget t, Transport transport, List<String> evidence) {
        java.time.Duration wait = t.timeout().compareTo(PLAIN_CHECK_WAIT) < 0 ? t.timeout() : PLAIN_CHECK_WAIT;
        try (Connection plain = transport.connect(t.host(), t.port(), wait)) {
            MqttProbe.Answer a = new MqttProbe(plain, wait).connect("uplink-doctor-tls-check",
                    KEEPALIVE_SECONDS, "", null);
            evidence.add("plain MQTT check on a new connection (no user name or password sent):");
            evidence.addAll(a.evidence());
            return switch (a.outcome()) {
            case ACCEPTED -> "with CONNACK 0 (accepted)";
            case REFUSED -> "with CONNACK " + a.code() + " (" + MqttProbe.connackMeaning(a.code()) + ")";
            default -> null;
            };
        } catch (IOException e) {
            evidence.add("plain MQTT check: " + e.getMessage());
            return null;
        }
    }

    /** The TLS bytes of the last walk as a pcap capture; empty when it had no TLS step. */
    public synchronized byte[] lastCapture() {
        return capture.clone();
    }

    private void capture(TlsSession s) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try {
            s.writePcap(out);
            capture = out.toByteArray();
        } catch (IOException e) {
            capture = new byte[0]; // the diagnosis matters more than its capture
        }
    }

    /** The engine's fix, made specific where the doctor knows more (the name sent, or none). */
    private static String sniFix(Cause cause, TlsHandshakeException e) {
        return switch (cause) {
        case TLS_SNI_MISSING -> "Connect by host name, not IP address, so that the gateway sends the server name "
                + "(SNI), or give it with --sni / the endpoint's sni setting. Brokers that serve many names (AWS IoT, "
                + "Azure IoT Hub, HiveMQ Cloud) hang up on a ClientHello without one.";
        case TLS_SNI_WRONG -> e.failure() == TlsHandshakeException.Failure.PEER_CLOSED ? "Use the exact endpoint "
                + "host name your cloud console shows (AWS IoT: the ATS endpoint, xxxx-ats.iot.REGION.amazonaws.com) "
                + "and check any SNI override. If the name is right, the server may have refused the client "
                + "certificate silently: check it is registered and ACTIVE." : e.fix();
        default -> e.fix();
        };
    }

    private static String serverName(DoctorTarget t) {
        return t.sni().isEmpty() ? t.host() : t.sni();
    }

    /** The TLS profile of the target: its server name, ALPN, anchors and identity, the step's timeout. */
    private static TlsClientProfile profile(DoctorTarget t) {
        TlsClientProfile.Builder b = TlsClientProfile.builder(serverName(t)).alpn(t.alpn())
                .handshakeTimeout(t.timeout());
        if (!t.anchors().isEmpty()) {
            b.trustAnchors(t.anchors());
        }
        if (t.identity() != null) {
            b.clientIdentity(t.identity());
        }
        return b.build();
    }

    static Cause tlsCause(TlsHandshakeException e, DoctorTarget t, boolean viaModem) {
        if ("unrecognized_name".equals(e.alert())) {
            return t.sni().isEmpty() && isIpLiteral(t.host()) ? Cause.TLS_SNI_MISSING : Cause.TLS_SNI_WRONG;
        }
        return switch (e.failure()) {
        // A version was agreed in the trace: whatever failed later is not a version mismatch.
        case VERSION_MISMATCH -> versionAgreed(e) ? Cause.TLS_PROTOCOL_ERROR : Cause.TLS_VERSION_MISMATCH;
        case PROTOCOL -> Cause.TLS_PROTOCOL_ERROR;
        case NOT_TLS -> Cause.TLS_NOT_TLS;
        case CHAIN_TOO_LONG -> Cause.TLS_CHAIN_TOO_LONG;
        case CERTIFICATE_TOO_LARGE -> Cause.TLS_CERTIFICATE_TOO_LARGE;
        case CONNECTION_RESET -> Cause.NET_CONNECTION_RESET;
        case CIPHER_MISMATCH -> Cause.TLS_CIPHER_MISMATCH;
        case UNKNOWN_CA -> Cause.TLS_UNKNOWN_CA;
        case HOSTNAME_MISMATCH -> !t.sni().isEmpty() && !t.sni().equals(t.host()) ? Cause.TLS_SNI_WRONG
                : Cause.TLS_HOSTNAME_MISMATCH;
        case CERTIFICATE_EXPIRED -> clockImplausible(e) ? Cause.TLS_CLOCK_WRONG : Cause.TLS_SERVER_CERT_EXPIRED;
        case CLIENT_CERTIFICATE_REQUIRED -> Cause.TLS_CLIENT_CERT_REQUIRED;
        case CLIENT_CERTIFICATE_REJECTED -> Cause.TLS_CLIENT_CERT_REJECTED;
        case PEER_CLOSED -> isIpLiteral(t.host()) && t.sni().isEmpty() ? Cause.TLS_SNI_MISSING : Cause.TLS_SNI_WRONG;
        case TIMEOUT -> Cause.NET_TIMEOUT;
        case TRANSPORT -> viaModem ? Cause.MODEM_SOCKET_CLOSED : Cause.NET_TIMEOUT;
        };
    }

    /** Whether the trace shows the server's hello choosing a version this client offered (the engine notes it). */
    static boolean versionAgreed(TlsHandshakeException e) {
        return e.trace().events().stream().anyMatch(ev -> ev.direction() == TraceEvent.Direction.RECEIVED
                && ev.type().equals("ServerHello") && ev.detail().contains("server chose "));
    }

    /** A server certificate "not yet valid", or a gateway clock before 2025, points at the clock, not the server. */
    private static boolean clockImplausible(TlsHandshakeException e) {
        String m = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT);
        return m.contains("not yet valid") || m.contains("valid only from")
                || Instant.now().atZone(ZoneOffset.UTC).getYear() < 2025;
    }

    static boolean isIpLiteral(String host) {
        return host.matches("[0-9.]+") || host.contains(":");
    }

    private void mqtt(DoctorTarget t, Connection c, boolean viaModem, Walk walk) {
        List<String> problems = t.profileProblems(KEEPALIVE_SECONDS);
        if (!problems.isEmpty()) {
            walk.add(new Finding(Layer.MQTT, Status.FAIL, "mqtt.profile-violation", "The settings break the rules of "
                    + t.profile().id() + ": " + String.join(" ", problems), "Change the settings as said; the "
                            + "broker would refuse or silently drop the connection otherwise.", List.of()));
            return;
        }
        MqttProbe probe = new MqttProbe(c, t.timeout());
        MqttProbe.Answer connack;
        try {
            connack = probe.connect(t.clientId(), KEEPALIVE_SECONDS, t.username(), t.password());
        } catch (TlsHandshakeException e) {
            walk.add(new Finding(Layer.TLS, Status.FAIL, tlsCause(e, t, viaModem).code(), e.getMessage(), e.fix(),
                    trace(e.trace().events())));
            return;
        } catch (IOException e) {
            walk.add(new Finding(Layer.MQTT, Status.FAIL, "mqtt.closed-after-connect", "Sending CONNECT failed: "
                    + e.getMessage() + ".", closedFix(t), List.of()));
            return;
        }
        switch (connack.outcome()) {
        case ACCEPTED -> walk.add(new Finding(Layer.MQTT, Status.PASS, "ok", "The broker accepted CONNECT from '"
                + t.clientId() + "'.", "", connack.evidence()));
        case REFUSED -> {
            walk.add(new Finding(Layer.MQTT, Status.FAIL, "mqtt.connack-refused", "The broker refused CONNECT: "
                    + MqttProbe.connackMeaning(connack.code()) + " (CONNACK return code " + connack.code() + ").",
                    connackFix(connack.code()), connack.evidence()));
            return;
        }
        case CLOSED -> {
            walk.add(new Finding(Layer.MQTT, Status.FAIL, "mqtt.closed-after-connect", "The broker closed the "
                    + "connection after CONNECT without answering. Brokers such as AWS IoT answer a policy, "
                    + "certificate or client id fault this way.", closedFix(t), connack.evidence()));
            return;
        }
        default -> {
            walk.add(new Finding(Layer.MQTT, Status.FAIL, "net.timeout", "The broker did not answer CONNECT within "
                    + t.timeout().toSeconds() + " s (TLS and TCP were fine).", "Check that this port speaks MQTT "
                            + "(not HTTPS or WebSockets) and that the broker is not overloaded.",
                    connack.evidence()));
            return;
        }
        }
        MqttProbe.Answer puback;
        try {
            puback = probe.publish(t.topic(), ("uplink doctor " + Instant.now()).getBytes(StandardCharsets.UTF_8));
        } catch (TlsHandshakeException e) {
            walk.add(new Finding(Layer.TLS, Status.FAIL, tlsCause(e, t, viaModem).code(), e.getMessage(), e.fix(),
                    trace(e.trace().events())));
            return;
        } catch (IOException e) {
            walk.add(new Finding(Layer.PUBLISH, Status.FAIL, "mqtt.closed-after-connect", "Sending PUBLISH failed: "
                    + e.getMessage(), closedFix(t), List.of()));
            return;
        }
        switch (puback.outcome()) {
        case ACCEPTED -> walk.add(new Finding(Layer.PUBLISH, Status.PASS, "ok", "A QoS 1 message to '" + t.topic()
                + "' was acknowledged.", "", puback.evidence()));
        case CLOSED -> walk.add(new Finding(Layer.PUBLISH, Status.FAIL, "mqtt.closed-after-connect", "The broker "
                + "closed the connection after the PUBLISH to '" + t.topic() + "' instead of acknowledging it. AWS IoT "
                + "does this when the policy does not allow iot:Publish on that topic.", "Allow iot:Publish on "
                        + "arn:aws:iot:REGION:ACCOUNT:topic/" + t.topic() + " in the certificate's policy (or the "
                        + "broker's ACL), or diagnose with a topic the device may use (--topic).",
                puback.evidence()));
        default -> walk.add(new Finding(Layer.PUBLISH, Status.WARN, "ok", "The broker accepted the connection but "
                + "did not acknowledge a QoS 1 PUBLISH to '" + t.topic() + "' within " + t.timeout().toSeconds()
                + " s.", "Check the broker's ACL for this topic; some brokers drop unauthorized publishes "
                        + "silently.", puback.evidence()));
        }
    }

    /**
     * A connection that dies right after a TLS 1.3 handshake in which the server asked for a client certificate is
     * the server refusing the certificate (or its absence) after Finished, not an MQTT matter: the alert is often lost
     * to the reset that follows it.
     */
    private Finding afterHandshake(DoctorTarget t, String what, List<String> evidence) {
        if (t.tls() && certificateRequested && t.identity() == null) {
            return new Finding(Layer.TLS, Status.FAIL, "tls.client-cert-required", what + " The server had asked for "
                    + "a client certificate during the handshake and none was configured: it requires one.",
                    "Give the device certificate and key (--cert/--key, or credentials.alias of an identity in the "
                            + "credential store); AWS IoT and Azure X.509 devices always need one.", evidence);
        }
        if (t.tls() && certificateRequested) {
            return new Finding(Layer.TLS, Status.FAIL, "tls.client-cert-rejected", what + " The server had asked for "
                    + "a client certificate, ours was sent, and the server hung up: it does not accept it.",
                    "Check that the certificate is issued by a CA the server trusts (AWS IoT: registered and ACTIVE "
                            + "in the console), not expired, and meant for client authentication.", evidence);
        }
        return new Finding(Layer.TLS, Status.FAIL, "tls.client-cert-rejected", what, "Check the client "
                + "certificate and the server's log.", evidence);
    }

    /**
     * TLS 1.3 servers judge the client certificate after the handshake has finished on our side. Before speaking
     * MQTT, wait briefly for such a verdict, so that a refusal of the certificate is not taken for an MQTT one.
     *
     * @return a finding when the server refused, else null
     */
    private Finding settle(DoctorTarget t, TlsSession s) {
        if (!certificateRequested || !"TLSv1.3".equals(s.protocol())) {
            return null;
        }
        try {
            java.time.Duration before = s.readTimeout();
            s.setReadTimeout(java.time.Duration.ofMillis(SETTLE_MILLIS));
            int b = s.input().read();
            s.setReadTimeout(before);
            return b < 0 ? afterHandshake(t, "The server closed the connection right after the handshake.",
                    trace(s.trace().events())) : null;
        } catch (TlsHandshakeException e) {
            capture = e.pcap();
            return new Finding(Layer.TLS, Status.FAIL, tlsCause(e, t, false).code(), e.getMessage(), e.fix(),
                    trace(e.trace().events()));
        } catch (java.net.SocketTimeoutException e) {
            try {
                s.setReadTimeout(java.time.Duration.ZERO);
            } catch (IOException ignored) {
                // the next step reports a broken connection
            }
            return null; // no verdict: the certificate (or its absence) was accepted
        } catch (IOException e) {
            return afterHandshake(t, "The connection ended right after the handshake (" + e.getMessage() + ").",
                    trace(s.trace().events()));
        }
    }

    private static String closedFix(DoctorTarget t) {
        return switch (t.profile()) {
        case AWS_IOT -> "In the AWS IoT console check, in this order: the certificate is ACTIVE and attached to the "
                + "thing; its policy allows iot:Connect on arn:aws:iot:REGION:ACCOUNT:client/" + t.clientId()
                + "; no other device uses the same client id; the host is your account's ATS endpoint.";
        default -> "Check the broker's log for why it dropped '" + t.clientId() + "': its ACL or authentication "
                + "plugin, a duplicate client id, or a certificate it does not map to a user.";
        };
    }

    private static String connackFix(int rc) {
        return switch (rc) {
        case 1 -> "The broker does not speak MQTT 3.1.1: check the port (MQTT 5 only? WebSockets?).";
        case 2 -> "Use a client id the broker accepts (AWS IoT: the thing name; Azure: the device id).";
        case 3 -> "The broker is up but not serving: try again later or check its status page.";
        case 4 -> "Check the user name and password (Azure: a SAS token made from the device key; HiveMQ Cloud: the "
                + "credentials of the access management page).";
        case 5 -> "The broker does not allow this client: check its ACL or the credentials' permissions.";
        default -> "See the broker's documentation for this return code.";
        };
    }

    private Finding compareOverOs(DoctorTarget t, Transport os, Finding modemFailure) {
        List<String> evidence = new ArrayList<>();
        try (Connection c = os.connect(t.host(), t.port(), t.timeout())) {
            evidence.add("TCP to " + t.host() + ":" + t.port() + " over " + os.describe() + ": connected");
            if (t.tls()) {
                TlsSession s = tls.handshake(c, profile(t));
                evidence.add("TLS over " + os.describe() + ": " + s.protocol() + " " + s.cipherSuite());
            }
            return new Finding(modemFailure.layer(), Status.WARN, "ok", "Over the gateway's own "
                    + "network the broker answers at this step: the fault is on the modem path (its network, its "
                    + "socket, its buffer), not the server.", "", evidence);
        } catch (IOException e) {
            evidence.add("over " + os.describe() + ": " + e.getMessage());
            return new Finding(modemFailure.layer(), Status.WARN, modemFailure.cause(), "Over the gateway's own "
                    + "network this step fails too: the fault is the server or the settings, not the modem.",
                    modemFailure.fix(), evidence);
        }
    }

    private static List<String> trace(List<TraceEvent> events) {
        List<String> lines = new ArrayList<>();
        for (TraceEvent e : events) {
            lines.add(String.format(java.util.Locale.ROOT, "%6d ms %s %s (%d bytes)%s", e.offset().toMillis(),
                    e.direction().name().toLowerCase(java.util.Locale.ROOT).startsWith("s") ? "->" : "<-", e.type(),
                    e.size(), e.detail().isEmpty() ? "" : ": " + e.detail()));
        }
        return lines;
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (IOException e) {
            // the diagnosis is done; nothing to protect
        }
    }

    /** The findings so far, each reported to the listener as it is added. */
    private static final class Walk {
        private final ProgressListener progress;
        private final List<Finding> findings = new ArrayList<>();

        Walk(ProgressListener progress) {
            this.progress = progress;
        }

        void add(Finding f) {
            findings.add(f);
            progress.rungCompleted(f);
        }

        void replace(Finding old, Finding with) {
            findings.set(findings.indexOf(old), with);
        }

        boolean failed() {
            return firstFailure() != null;
        }

        Finding firstFailure() {
            return findings.stream().filter(f -> f.status() == Status.FAIL).findFirst().orElse(null);
        }

        Diagnosis result() {
            Finding first = firstFailure();
            Finding verdict = first != null ? first : new Finding(Layer.PUBLISH, Status.PASS, "ok", "Every step "
                    + "passed: the gateway can reach the broker, secure the connection, log in and publish.", "",
                    List.of());
            return new Diagnosis(verdict, findings);
        }
    }
}
