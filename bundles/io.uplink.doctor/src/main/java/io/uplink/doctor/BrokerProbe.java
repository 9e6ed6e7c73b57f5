package io.uplink.doctor;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.uplink.modem.ModemTlsCapabilities;
import io.uplink.tls.TlsClientProfile;
import io.uplink.tls.TlsEngine;
import io.uplink.tls.TlsHandshakeException;
import io.uplink.tls.TlsSession;
import io.uplink.tls.TraceEvent;
import io.uplink.transport.Connection;
import io.uplink.transport.Transport;

/**
 * What a broker's TLS accepts, asked one ClientHello at a time: each TLS version, each cipher suite per version,
 * whether it needs SNI and what it serves without it, the chain it sends, whether it asks for a client certificate.
 * Set against the cipher suites a modem's own TLS stack offers, it says whether that modem can talk to the broker
 * by itself, or needs host TLS.
 */
public final class BrokerProbe {

    /** Suites asked about, per version (IANA names). A suite counts as accepted when the server chose it. */
    static final Map<String, List<String>> SUITES = Map.of(
            TlsClientProfile.TLS_1_3, List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384",
                    "TLS_CHACHA20_POLY1305_SHA256"),
            TlsClientProfile.TLS_1_2, List.of("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
                    "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
                    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
                    "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
                    "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
                    "TLS_RSA_WITH_AES_128_GCM_SHA256", "TLS_RSA_WITH_AES_256_GCM_SHA384",
                    "TLS_RSA_WITH_AES_128_CBC_SHA", "TLS_RSA_WITH_AES_256_CBC_SHA",
                    "TLS_RSA_WITH_3DES_EDE_CBC_SHA"));

    /**
     * The suites modems' own TLS stacks offer, where the fact sheet confirms them. BC66/BC660K: RSA key exchange with
     * AES-CBC or 3DES only, TLS 1.2 at most.
     */
    public static final Map<String, List<String>> MODEM_SUITES = Map.of("quectel-bc66", List.of(
            "TLS_RSA_WITH_AES_128_CBC_SHA", "TLS_RSA_WITH_AES_256_CBC_SHA", "TLS_RSA_WITH_3DES_EDE_CBC_SHA"));

    /**
     * @param versions accepted suites per version (empty list: version refused, or not asked when the probe stopped)
     * @param sni what happened without SNI: "needed" (refused), "same" (same certificate), "unknown" (not tested:
     *        the host is an IP address, or the probe stopped), or the other subject
     * @param modems per modem family, the suites the broker and the modem share (empty: host TLS needed)
     * @param answer how the server answered the probe as a whole
     * @param problem empty when the server answered TLS correctly; otherwise why its answers cannot be trusted or why
     *        the probe stopped early, in plain words
     */
    public record Report(String host, int port, Map<String, List<String>> versions, String sni, List<String> chain,
            boolean asksForClientCertificate, Map<String, List<String>> modems, List<String> evidence, Answer answer,
            String problem) {

        /** A report of a server that answered TLS. */
        public Report(String host, int port, Map<String, List<String>> versions, String sni, List<String> chain,
                boolean asksForClientCertificate, Map<String, List<String>> modems, List<String> evidence) {
            this(host, port, versions, sni, chain, asksForClientCertificate, modems, evidence, Answer.TLS, "");
        }

        /** Whether the probe stopped before asking everything (the versions and SNI are then unknown, not refused). */
        public boolean stoppedEarly() {
            return answer == Answer.SILENT || answer == Answer.RESET || answer == Answer.NOT_TLS;
        }
    }

    /** How the server answered the probe as a whole. */
    public enum Answer {
        /** TLS, correctly: accepted and refused offers are real answers. */
        TLS,
        /** TLS, but some ServerHello chose a suite that was not offered. */
        PROTOCOL_ERRORS,
        /** No ServerHello (no byte at all) on {@value BrokerProbe#SILENT_LIMIT} handshakes in a row. */
        SILENT,
        /** Reset before any ServerHello on {@value BrokerProbe#SILENT_LIMIT} handshakes in a row. */
        RESET,
        /** Something other than TLS came back. */
        NOT_TLS
    }

    /** Handshakes in a row without any answer (silent or reset before a ServerHello) after which the probe stops. */
    static final int SILENT_LIMIT = 2;

    private final TlsEngine tls;
    private final Transport transport;
    private final Duration timeout;

    public BrokerProbe(TlsEngine tls, Transport transport, Duration timeout) {
        this.tls = tls;
        this.transport = transport;
        this.timeout = timeout;
    }

    /** Runs every question; a refusal is an answer, only an unreachable host throws. */
    public Report probe(String host, int port) throws IOException {
        return probe(host, port, null, null);
    }

    /**
     * As {@link #probe(String, int)}, and sets the broker against a live modem's own TLS: the TLS 1.2 suites it
     * offers are asked about too, and the report's modems hold it under {@code modemName}. Stops early, with the
     * report's problem saying why, when the server does not speak TLS or does not answer {@value #SILENT_LIMIT}
     * handshakes in a row.
     *
     * @param modem the modem's capabilities as it reports them, or null for none
     */
    public Report probe(String host, int port, String modemName, ModemTlsCapabilities modem) throws IOException {
        List<String> modemSuites = modem == null ? List.of() : ModemSuites.names(modem.cipherSuites());
        boolean modem12 = modem != null && modem.versions().contains(TlsClientProfile.TLS_1_2);
        List<String> evidence = new ArrayList<>();
        Map<String, List<String>> versions = new LinkedHashMap<>();
        List<String> chain = new ArrayList<>();
        List<String> protocolErrors = new ArrayList<>();
        boolean asks = false;
        int unanswered = 0;
        String stop = "";
        Answer answer = Answer.TLS;
        for (String version : List.of(TlsClientProfile.TLS_1_3, TlsClientProfile.TLS_1_2)) {
            List<String> accepted = new ArrayList<>();
            versions.put(version, accepted);
            List<String> asked = new ArrayList<>(SUITES.get(version));
            if (version.equals(TlsClientProfile.TLS_1_2) && modem12) {
                modemSuites.stream().filter(x -> !asked.contains(x)).forEach(asked::add);
            }
            for (String suite : asked) {
                if (!stop.isEmpty()) {
                    break;
                }
                Attempt a = attempt(host, port, host, Set.of(version), List.of(suite));
                evidence.add(version + " " + suite + ": " + a.describe());
                switch (a.kind) {
                case ACCEPTED -> {
                    accepted.add(suite);
                    if (chain.isEmpty()) {
                        chain.addAll(a.chain);
                    }
                    asks |= a.certificateRequest;
                }
                case PROTOCOL_ERROR -> protocolErrors.add(version + " " + suite + ": " + a.outcome);
                case NOT_TLS -> {
                    stop = "not TLS: " + a.outcome;
                    answer = Answer.NOT_TLS;
                }
                default -> {
                }
                }
                unanswered = a.kind == Kind.SILENT || a.kind == Kind.RESET ? unanswered + 1 : 0;
                if (stop.isEmpty() && unanswered >= SILENT_LIMIT) {
                    answer = a.kind == Kind.SILENT ? Answer.SILENT : Answer.RESET;
                    stop = a.kind == Kind.SILENT ? "silent: " + host + ":" + port + " accepted TCP but sent no "
                            + "ServerHello within " + timeout.toSeconds() + " s, " + SILENT_LIMIT + " handshakes in a "
                            + "row; it does not answer TLS on this port (a firewall or proxy holding connections, a "
                            + "service waiting for its own protocol, or an overloaded server)" : "reset: " + host + ":"
                                    + port + " reset " + SILENT_LIMIT + " handshakes in a row before any ServerHello "
                                    + "(a port that does not speak TLS, such as plain MQTT, or a firewall)";
                }
            }
        }
        String sni = "unknown";
        if (!isIp(host) && stop.isEmpty()) {
            String ip = InetAddress.getByName(host).getHostAddress();
            Attempt bare = attempt(ip, port, ip, Set.of(TlsClientProfile.TLS_1_3, TlsClientProfile.TLS_1_2),
                    List.of());
            evidence.add("without SNI (connecting to " + ip + "): " + (bare.kind == Kind.ACCEPTED ? "served "
                    + String.join(" <- ", bare.chain) : bare.describe()));
            sni = switch (bare.kind) {
            case ACCEPTED -> bare.chain.isEmpty() || chain.isEmpty() || bare.chain.get(0).equals(chain.get(0))
                    ? "same" : bare.chain.get(0);
            case REFUSED -> "needed";
            default -> "unknown"; // silence or a broken answer says nothing about SNI
            };
        }
        Map<String, List<String>> modems = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> m : MODEM_SUITES.entrySet()) {
            List<String> shared = new ArrayList<>(versions.getOrDefault(TlsClientProfile.TLS_1_2, List.of()));
            shared.retainAll(m.getValue());
            modems.put(m.getKey(), shared);
        }
        if (modem != null) {
            List<String> shared = new ArrayList<>();
            for (String v : modem.versions()) {
                versions.getOrDefault(v, List.of()).stream().filter(modemSuites::contains).forEach(shared::add);
            }
            modems.put(modemName, shared);
        }
        if (stop.isEmpty() && !protocolErrors.isEmpty()) {
            answer = Answer.PROTOCOL_ERRORS;
        }
        String problem = !stop.isEmpty() ? stop : protocolErrors.isEmpty() ? "" : "protocol errors: the server "
                + "answered " + protocolErrors.size() + " handshake(s) with a ServerHello choosing what was not "
                + "offered, which a correct TLS server never does (" + protocolErrors.get(0) + ")";
        return new Report(host, port, versions, sni, chain, asks, modems, evidence, answer, problem);
    }

    /** What one handshake showed. */
    enum Kind {
        /** The ServerHello chose the version and suite offered (the handshake may fail later, e.g. on the chain). */
        ACCEPTED,
        /** An alert, a hang-up, or a ServerHello with an older version: the server does not take this offer. */
        REFUSED,
        /** The ServerHello chose a cipher suite that was not offered. */
        PROTOCOL_ERROR,
        /** No byte came back within the timeout. */
        SILENT,
        /** Reset before any ServerHello. */
        RESET,
        /** The answer is not TLS at all. */
        NOT_TLS
    }

    record Attempt(Kind kind, boolean certificateRequest, List<String> chain, String outcome) {
        String describe() {
            return switch (kind) {
            case ACCEPTED -> "accepted";
            case PROTOCOL_ERROR -> "protocol error of the server (" + outcome + ")";
            case SILENT -> "silent (" + outcome + ")";
            default -> "refused (" + outcome + ")";
            };
        }
    }

    /** One ClientHello offering {@code versions} and {@code suites} (all the engine has when empty). */
    Attempt attempt(String host, int port, String serverName, Set<String> versions, List<String> suites)
            throws IOException {
        TlsClientProfile.Builder b = TlsClientProfile.builder(serverName).versions(versions).verifyHostname(false)
                .handshakeTimeout(timeout).resumeSessions(false);
        if (!suites.isEmpty()) {
            b.cipherSuites(suites);
        }
        Connection c = transport.connect(host, port, timeout);
        List<TraceEvent> trace;
        String outcome;
        TlsHandshakeException failure = null;
        try (TlsSession s = tls.handshake(c, b.build())) {
            trace = s.trace().events();
            outcome = "ok";
        } catch (TlsHandshakeException e) {
            failure = e;
            trace = e.trace().events();
            outcome = e.failure().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
                    + (e.alert().isEmpty() ? "" : ", alert " + e.alert());
        } catch (IllegalArgumentException e) {
            return new Attempt(Kind.REFUSED, false, List.of(), "not offered by this TLS engine");
        } finally {
            c.close();
        }
        boolean request = trace.stream().anyMatch(t -> t.type().contains("CertificateRequest"));
        List<String> chain = new ArrayList<>();
        for (TraceEvent t : trace) {
            int i = t.detail().indexOf("server chain: ");
            if (t.type().equals("Certificate") && i >= 0 && chain.isEmpty()) {
                for (String part : t.detail().substring(i + "server chain: ".length()).split(" <- ")) {
                    chain.add(part.trim());
                }
            }
        }
        return new Attempt(kind(trace, failure, versions, suites), request, chain, failure == null ? outcome
                : outcome + ": " + failure.getMessage());
    }

    /**
     * A ServerHello is acceptance only when it chose a version and a suite that were offered: the engine notes its
     * choice in the trace ("server chose TLSv1.2", "suite ...") only once it checked them against the offer.
     */
    static Kind kind(List<TraceEvent> trace, TlsHandshakeException failure, Set<String> versions, List<String> suites) {
        TraceEvent hello = trace.stream().filter(t -> t.direction() == TraceEvent.Direction.RECEIVED
                && t.type().equals("ServerHello")).findFirst().orElse(null);
        if (hello != null) {
            String version = noted(hello.detail(), "server chose ");
            boolean versionOk = version != null && versions.contains(version);
            boolean suiteOk = choseOffered(hello.detail(), versions, suites);
            if (versionOk && suiteOk) {
                return Kind.ACCEPTED;
            }
            return versionOk ? Kind.PROTOCOL_ERROR : Kind.REFUSED;
        }
        if (failure == null) {
            return Kind.ACCEPTED; // a completed handshake has a ServerHello; kept for engines that trace less
        }
        boolean nothingReceived = trace.stream().noneMatch(t -> t.direction() == TraceEvent.Direction.RECEIVED);
        return switch (failure.failure()) {
        case NOT_TLS -> Kind.NOT_TLS;
        case TIMEOUT -> nothingReceived ? Kind.SILENT : Kind.REFUSED;
        case CONNECTION_RESET -> Kind.RESET;
        default -> Kind.REFUSED;
        };
    }

    /**
     * Whether a ServerHello chose what was offered. The engine notes "server chose VERSION" and "suite NAME" on it
     * only once it has checked the choice; a hello it could not read, or one choosing a version or suite that was not
     * offered, has neither, and is no acceptance. Names are compared whole, not as prefixes.
     */
    static boolean choseOffered(String detail, Set<String> versions, List<String> suites) {
        String suite = noted(detail, "suite ");
        String version = noted(detail, "server chose ");
        return suite != null && (suites.isEmpty() || suites.contains(suite))
                && (version == null || versions.contains(version));
    }

    private static String noted(String detail, String label) {
        int i = detail.indexOf(label);
        if (i < 0) {
            return null;
        }
        int end = detail.indexOf(';', i);
        return detail.substring(i + label.length(), end < 0 ? detail.length() : end).trim();
    }

    private static boolean isIp(String host) {
        return Doctor.isIpLiteral(host);
    }
}
