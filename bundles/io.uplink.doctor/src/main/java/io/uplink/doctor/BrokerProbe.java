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
     * @param versions accepted suites per version (empty list: version refused)
     * @param sni what happened without SNI: "needed" (refused), "same" (same certificate), or the other subject
     * @param modems per modem family, the suites the broker and the modem share (empty: host TLS needed)
     */
    public record Report(String host, int port, Map<String, List<String>> versions, String sni, List<String> chain,
            boolean asksForClientCertificate, Map<String, List<String>> modems, List<String> evidence) {
    }

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
     * offers are asked about too, and the report's modems hold it under {@code modemName}.
     *
     * @param modem the modem's capabilities as it reports them, or null for none
     */
    public Report probe(String host, int port, String modemName, ModemTlsCapabilities modem) throws IOException {
        List<String> modemSuites = modem == null ? List.of() : ModemSuites.names(modem.cipherSuites());
        boolean modem12 = modem != null && modem.versions().contains(TlsClientProfile.TLS_1_2);
        List<String> evidence = new ArrayList<>();
        Map<String, List<String>> versions = new LinkedHashMap<>();
        List<String> chain = new ArrayList<>();
        boolean asks = false;
        for (String version : List.of(TlsClientProfile.TLS_1_3, TlsClientProfile.TLS_1_2)) {
            List<String> accepted = new ArrayList<>();
            List<String> asked = new ArrayList<>(SUITES.get(version));
            if (version.equals(TlsClientProfile.TLS_1_2) && modem12) {
                modemSuites.stream().filter(x -> !asked.contains(x)).forEach(asked::add);
            }
            for (String suite : asked) {
                Attempt a = attempt(host, port, host, Set.of(version), List.of(suite));
                if (a.serverHello) {
                    accepted.add(suite);
                    if (chain.isEmpty()) {
                        chain.addAll(a.chain);
                    }
                    asks |= a.certificateRequest;
                }
                evidence.add(version + " " + suite + ": " + (a.serverHello ? "accepted" : "refused (" + a.outcome
                        + ")"));
            }
            versions.put(version, accepted);
        }
        String sni = "unknown";
        if (!isIp(host)) {
            String ip = InetAddress.getByName(host).getHostAddress();
            Attempt bare = attempt(ip, port, ip, Set.of(TlsClientProfile.TLS_1_3, TlsClientProfile.TLS_1_2),
                    List.of());
            evidence.add("without SNI (connecting to " + ip + "): " + (bare.serverHello ? "served "
                    + String.join(" <- ", bare.chain) : "refused (" + bare.outcome + ")"));
            sni = !bare.serverHello ? "needed" : bare.chain.isEmpty() || chain.isEmpty()
                    || bare.chain.get(0).equals(chain.get(0)) ? "same" : bare.chain.get(0);
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
        return new Report(host, port, versions, sni, chain, asks, modems, evidence);
    }

    /** One ClientHello's answer, as the probe reads it from the handshake trace. */
    record Attempt(boolean serverHello, boolean certificateRequest, List<String> chain, String outcome) {
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
        try (TlsSession s = tls.handshake(c, b.build())) {
            trace = s.trace().events();
            outcome = "ok";
        } catch (TlsHandshakeException e) {
            trace = e.trace().events();
            outcome = e.failure().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
                    + (e.alert().isEmpty() ? "" : ", alert " + e.alert());
        } catch (IllegalArgumentException e) {
            return new Attempt(false, false, List.of(), "not offered by this TLS engine");
        } finally {
            c.close();
        }
        boolean hello = trace.stream().anyMatch(t -> t.type().equals("ServerHello")
                && choseOffered(t.detail(), versions, suites));
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
        return new Attempt(hello, request, chain, outcome);
    }

    /**
     * Whether a ServerHello chose what was offered. The engine notes "server chose VERSION" and "suite NAME" on it
     * only once it has checked the choice; a hello it could not read, or one choosing a version or suite that was not
     * offered, has neither, and counts as a refusal, not an acceptance.
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
