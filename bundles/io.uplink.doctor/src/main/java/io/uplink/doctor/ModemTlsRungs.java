package io.uplink.doctor;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

import io.uplink.diagnostics.Finding;
import io.uplink.diagnostics.Finding.Status;
import io.uplink.diagnostics.Layer;
import io.uplink.modem.CredentialKind;
import io.uplink.modem.Modem;
import io.uplink.modem.ModemCredentials;
import io.uplink.modem.ModemException;
import io.uplink.modem.ModemTls;
import io.uplink.modem.ModemTlsCapabilities;
import io.uplink.modem.ModemTlsProfile;
import io.uplink.modem.ProvisioningListener;
import io.uplink.modem.ProvisioningReport;
import io.uplink.tls.TlsClientProfile;
import io.uplink.tls.TlsEngine;
import io.uplink.tls.TlsHandshakeException;
import io.uplink.tls.TlsSession;
import io.uplink.transport.Connection;
import io.uplink.transport.TransportException;

/**
 * The modem-TLS part of the ladder: the credentials stored in the modem (provisioned, compared, read back), then the
 * modem's own handshake. A modem's TLS failure says nothing (BG95 {@code 566}, BC66 {@code -9}), so when it fails
 * the same handshake is repeated by the gateway's TLS engine over the same modem's plain socket, limited to the
 * versions and suites the modem offers and the server name it sends: its failure names the real cause. One more
 * handshake with the engine's own defaults tells whether host TLS would connect where the modem's TLS cannot.
 *
 * <p>One instance per diagnosis, on the diagnosing thread.
 */
final class ModemTlsRungs {

    /** The findings, and the modem's TLS connection when it opened (for the MQTT rungs; the caller closes it). */
    record Outcome(List<Finding> findings, Connection connection) {
    }

    /** A repeated handshake: agreed, refused (with the engine's classification), or the socket itself failed. */
    private record Attempt(boolean agreed, TlsHandshakeException refusal) {
        boolean refused() {
            return refusal != null;
        }
    }

    private final Modem modem;
    private final ModemTls tls;
    private final TlsEngine engine;
    private final DoctorTarget target;

    ModemTlsRungs(Modem modem, ModemTls tls, TlsEngine engine, DoctorTarget target) {
        this.modem = modem;
        this.tls = tls;
        this.engine = engine;
        this.target = target;
    }

    /**
     * @param trust the CA certificates to store (required: a modem has no CA list of its own)
     * @param identity the client certificate and key to store when the server wants them, or null
     */
    Outcome run(ModemCredentials trust, ModemCredentials identity) {
        List<Finding> findings = new ArrayList<>();
        if (trust == null || trust.part(CredentialKind.CA_CERTIFICATES) == null) {
            findings.add(new Finding(Layer.TLS, Status.FAIL, "credentials.malformed", "The modem's own TLS needs the "
                    + "CA certificates that signed the broker's certificate; none were given.", "Give them with --ca "
                            + "FILE or --trust-alias ALIAS (a modem has no CA list of its own).", List.of()));
            return new Outcome(findings, null);
        }
        List<String> stored = new ArrayList<>();
        try {
            for (ModemCredentials c : identity == null ? List.of(trust) : List.of(trust, identity)) {
                ProvisioningReport r = tls.provision(c, ProvisioningListener.NONE);
                r.items().forEach(i -> stored.add(i.location() + ": " + i.outcome().name().toLowerCase(Locale.ROOT)
                        + ", " + i.verification()));
            }
        } catch (ModemException e) {
            findings.add(new Finding(Layer.TLS, Status.FAIL, "credentials.modem-storage", "Storing the certificates "
                    + "in the " + modem.identity() + " failed: " + e.getMessage(), e.fix(), List.of(e.rawText())));
            return new Outcome(findings, null);
        }
        // How far "identical" goes depends on the module: read back (BG95), its SHA-256 (nRF91), only its byte count
        // and Uplink's record (BC66/BC660K, HL78xx): each part's evidence says which, so the summary claims no more.
        findings.add(new Finding(Layer.TLS, Status.PASS, "ok", "The modem holds the certificates Uplink has ("
                + stored.size() + (stored.size() == 1 ? " part" : " parts") + "; the evidence says how far the modem "
                + "let each be checked).", "", stored));
        boolean mutual = identity != null;
        String sni = serverName();
        ModemTlsProfile profile = ModemTlsProfile.builder().serverName(sni)
                .verification(mutual ? ModemTlsProfile.Verification.MUTUAL : ModemTlsProfile.Verification.SERVER)
                .trustSet(trust.name()).identitySet(mutual ? identity.name() : null)
                .handshakeTimeout(target.timeout()).build();
        try {
            Connection c = tls.connect(target.host(), target.port(), target.timeout(), profile);
            findings.add(new Finding(Layer.TLS, Status.PASS, "ok", "The modem's own TLS connected to "
                    + target.host() + ":" + target.port() + (sni == null ? " (no SNI)" : " (SNI " + sni + ")")
                    + ".", "", List.of()));
            return new Outcome(findings, c);
        } catch (TransportException e) {
            findings.add(explain(e));
            return new Outcome(findings, null);
        }
    }

    /** The modem's failure, explained by repeating its handshake with the gateway's engine over the same modem. */
    private Finding explain(TransportException modemFailure) {
        List<String> evidence = new ArrayList<>();
        evidence.add("modem: " + modemFailure.getMessage() + " [" + modemFailure.rawDetail() + "]");
        ModemTlsCapabilities caps = tls.capabilities();
        List<String> suites = ModemSuites.names(caps.cipherSuites());
        Set<String> versions = new TreeSet<>(caps.versions());
        versions.retainAll(Set.of(TlsClientProfile.TLS_1_2, TlsClientProfile.TLS_1_3));
        String offer = (versions.isEmpty() ? "no TLS version the gateway speaks" : String.join("/", versions))
                + " with " + ModemSuites.describe(suites);
        if (engine == null || versions.isEmpty() || suites.isEmpty()) {
            return new Finding(Layer.TLS, Status.FAIL, "tls.modem-handshake", "The modem's own TLS failed ("
                    + modemFailure.rawDetail() + "); it does not say why, and the gateway cannot repeat its handshake"
                    + (engine == null ? " (no TLS engine running)" : "") + ".", "Use host TLS (tls.mode=host): the "
                            + "gateway's TLS over the modem's plain sockets says exactly what fails.", evidence);
        }
        Attempt asModem = handshake(TlsClientProfile.builder(serverName()).versions(versions)
                .cipherSuites(suites), evidence, "as the modem");
        Attempt asHost = handshake(TlsClientProfile.builder(serverName() == null ? target.host()
                : serverName()), evidence, "with the gateway's own TLS");
        String modemWords = "the " + modem.identity().model() + "'s TLS offers " + offer;
        if (!asModem.refused()) {
            return new Finding(Layer.TLS, Status.FAIL, "tls.modem-handshake", "The modem's own TLS failed ("
                    + modemFailure.rawDetail() + "), yet the same handshake by the gateway, limited to what " + modemWords
                    + (asModem.agreed() ? ", succeeded: the modem's TLS stack fails where the protocol would not "
                            + "(firmware, memory, a certificate format it cannot read)." : ", could not be repeated "
                                    + "(the modem's plain socket failed too; see the evidence)."), asHost.agreed() ? "Use host TLS (tls.mode=host), which "
                            + "connects; or update the modem's firmware." : "Update the modem's firmware; check "
                                    + "the certificates it holds (uplink modem info).", evidence);
        }
        String cause = Doctor.tlsCause(asModem.refusal(), target, true).code();
        String hostWorks = asHost.agreed() ? " The gateway's own TLS connects: use host TLS (tls.mode=host)." : "";
        String summary = switch (cause) {
        case "tls.cipher-mismatch", "tls.version-mismatch" -> "The broker " + target.host() + ":" + target.port()
                + " shares no TLS version and cipher suite with the modem: " + modemWords + "."
                + (asHost.agreed() ? " The broker accepts what the gateway's TLS offers (TLS 1.3, ChaCha20 or "
                        + "modern AES-GCM suites)." : "");
        case "tls.unknown-ca" -> "The CA stored in the modem is not the one that signed the broker's certificate ("
                + asModem.refusal().getMessage() + ").";
        default -> "The modem's TLS failed (" + modemFailure.rawDetail() + "); repeated by the gateway as the modem "
                + "would: " + asModem.refusal().getMessage();
        };
        String fix = switch (cause) {
        case "tls.cipher-mismatch", "tls.version-mismatch" -> asHost.agreed() ? "Use host TLS (endpoint setting "
                + "tls.mode=host, or --tls host): the gateway runs TLS over the modem's plain sockets and offers "
                + "what the broker wants." : "Neither the modem's nor the gateway's TLS meets this broker"
                        + (asHost.refused() ? ": " + asHost.refusal().fix() : ".");
        case "tls.unknown-ca" -> "Import the CA that signed the broker's certificate (the probe shows the chain: "
                + "uplink probe " + target.host() + ") and provision it into the modem again." + hostWorks;
        default -> asModem.refusal().fix() + hostWorks;
        };
        return new Finding(Layer.TLS, Status.FAIL, cause, summary, fix, evidence);
    }

    /** One handshake over the modem's plain socket. */
    private Attempt handshake(TlsClientProfile.Builder b, List<String> evidence, String how) {
        b.handshakeTimeout(target.timeout());
        if (!target.anchors().isEmpty()) {
            b.trustAnchors(target.anchors());
        }
        if (target.identity() != null) {
            b.clientIdentity(target.identity());
        }
        Connection c = null;
        try {
            c = modem.transport().connect(target.host(), target.port(), target.timeout());
            TlsSession s = engine.handshake(c, b.build());
            evidence.add("repeated " + how + ": " + s.protocol() + " " + s.cipherSuite() + " agreed");
            s.close();
            return new Attempt(true, null);
        } catch (TlsHandshakeException e) {
            evidence.add("repeated " + how + ": " + e.getMessage());
            return new Attempt(false, e);
        } catch (java.io.IOException e) {
            evidence.add("repeated " + how + ": the modem's plain socket failed: " + e.getMessage());
            return new Attempt(false, null);
        } finally {
            if (c != null) {
                try {
                    c.close();
                } catch (RuntimeException | java.io.IOException ignored) {
                    // the diagnosis is what matters
                }
            }
        }
    }

    private String serverName() {
        if (!target.sni().isEmpty()) {
            return target.sni();
        }
        return Doctor.isIpLiteral(target.host()) ? null : target.host();
    }

}
