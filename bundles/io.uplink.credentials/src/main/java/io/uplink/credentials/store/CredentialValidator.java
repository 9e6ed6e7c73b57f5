package io.uplink.credentials.store;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.Set;

import io.uplink.credentials.CredentialUse;
import io.uplink.credentials.Problem;
import io.uplink.credentials.Problem.Severity;
import io.uplink.credentials.ValidationContext;

/**
 * Checks what was read: does the key belong to a certificate, does the chain reach a trust anchor (and if not, which
 * link is missing), are the dates right for the gateway's clock, may the certificate authenticate a TLS client, can
 * the target modem use the key, does a server certificate match the host. Every finding is a {@link Problem} with a
 * stable code.
 */
final class CredentialValidator {

    /** Names as people read them: values with special characters are quoted, not backslash-escaped. */
    private static final String RFC1779 = javax.security.auth.x500.X500Principal.RFC1779;

    /** A gateway clock before this is wrong (typically 1970 after a power loss without RTC or network time). */
    static final Instant EARLIEST_PLAUSIBLE_CLOCK = Instant.parse("2025-01-01T00:00:00Z");
    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
    private static final String ANY_EKU = "2.5.29.37.0";
    private static final DateTimeFormatter DAY = DateTimeFormatter.ISO_LOCAL_DATE.withZone(ZoneOffset.UTC);

    /** The roles the validated material takes, for storage. */
    record Outcome(List<String> contents, List<Problem> problems, X509Certificate leaf, PrivateKey key,
            List<X509Certificate> clientChain, List<X509Certificate> trustAnchors) {
    }

    private final Provider provider;
    private final Duration expiryWarning;

    CredentialValidator(Provider provider, Duration expiryWarning) {
        this.provider = provider;
        this.expiryWarning = expiryWarning;
    }

    Outcome validate(List<X509Certificate> certs, List<PrivateKey> keys, List<X509Certificate> configuredAnchors,
            ValidationContext ctx) {
        List<String> contents = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        for (X509Certificate c : certs) {
            contents.add(describe(c));
        }
        if (keys.size() > 1) {
            problems.add(new Problem("several-keys", Severity.ERROR, keys.size() + " private keys were given; an "
                    + "alias holds one device identity.", "Import each key with its certificate under its own alias."));
        }
        PrivateKey key = keys.isEmpty() ? null : keys.get(0);
        X509Certificate leaf = null;
        if (key != null) {
            leaf = certs.stream().filter(c -> keyMatches(key, c)).findFirst().orElse(null);
            contents.add("private key: " + KeyFacts.of(key)
                    + (leaf != null ? ", matches " + leaf.getSubjectX500Principal().getName(RFC1779) : ""));
            if (leaf == null && certs.isEmpty()) {
                problems.add(new Problem("no-certificate", Severity.ERROR, "A private key was given without its "
                        + "certificate; TLS needs both.", "Import the device certificate issued for this key too."));
            } else if (leaf == null) {
                X509Certificate candidate = certs.stream().filter(c -> c.getBasicConstraints() < 0).findFirst()
                        .orElse(certs.get(0));
                problems.add(new Problem("key-mismatch", Severity.ERROR, "The private key (" + KeyFacts.of(key)
                        + ") does not belong to the certificate " + candidate.getSubjectX500Principal().getName(RFC1779)
                        + ": its public key is different.", "Use the key created together with this certificate "
                        + "(for AWS IoT, the private.pem.key downloaded with the same certificate), or the "
                        + "certificate issued for this key."));
            }
        } else {
            leaf = certs.stream().filter(c -> c.getBasicConstraints() < 0).findFirst().orElse(null);
        }

        List<X509Certificate> anchors = new ArrayList<>(configuredAnchors);
        List<X509Certificate> supplied = new ArrayList<>(certs);
        List<X509Certificate> clientChain = new ArrayList<>();
        boolean clockWrong = ctx.now().isBefore(EARLIEST_PLAUSIBLE_CLOCK);
        if (clockWrong) {
            problems.add(new Problem("clock-wrong", Severity.ERROR, "The gateway clock says "
                    + DAY.format(ctx.now()) + ", which cannot be right: certificate dates cannot be checked and TLS "
                    + "will fail.", "Set the clock: enable NTP, or take the time from the cellular network "
                    + "(AT+CTZU=1, AT+CCLK?)."));
        }
        if (leaf != null) {
            if (key != null) {
                if (ctx.use() == CredentialUse.TLS_SERVER) {
                    checkServerUse(leaf, key, problems);
                } else {
                    checkClientUse(leaf, problems);
                    ModemKeyLimits.check(ctx.targetModemFamily(), KeyFacts.of(key)).ifPresent(problems::add);
                }
                if ("RSA".equals(KeyFacts.of(key).type()) && KeyFacts.of(key).bits() < 2048) {
                    problems.add(new Problem("key-weak", Severity.WARNING, "The RSA key has only "
                            + KeyFacts.of(key).bits() + " bits; " + (ctx.use() == CredentialUse.TLS_SERVER
                                    ? "browsers refuse" : "brokers may refuse") + " keys under 2048 bits.",
                            "Issue a new certificate with an RSA 2048 or EC P-256 key."));
                }
            }
            // A server's certificate: a broker's (no key here) or the console's own (with its key).
            boolean serverCertificate = key == null || ctx.use() == CredentialUse.TLS_SERVER;
            if (serverCertificate && !ctx.endpointHost().isEmpty()
                    && !HostnameMatcher.matches(leaf, ctx.endpointHost())) {
                problems.add(new Problem("hostname-mismatch", Severity.ERROR, "The certificate "
                        + leaf.getSubjectX500Principal().getName(RFC1779) + " is valid for "
                        + HostnameMatcher.names(leaf) + ", not for " + ctx.endpointHost() + ".",
                        (key == null ? "Connect" : "Open the console") + " with one of those names, or have the "
                        + "server's certificate reissued with "
                        + ctx.endpointHost() + " in its subject alternative names."));
            }
            supplied.remove(leaf);
            ChainWalk.Result walk = ChainWalk.walk(leaf, supplied, trustedSet(anchors, supplied), provider);
            if (key != null && ctx.use() == CredentialUse.TLS_SERVER && walk.end() == ChainWalk.End.MISSING_ISSUER) {
                explainServerChain(walk, leaf, problems);
            } else {
                explainChain(walk, key != null, !anchors.isEmpty(), problems);
            }
            clientChain.addAll(walk.path().subList(0, walk.end() == ChainWalk.End.TRUSTED
                    && walk.path().size() > 1 ? walk.path().size() - 1 : walk.path().size()));
            if (!clockWrong) {
                for (X509Certificate c : walk.path()) {
                    checkDates(c, c == leaf, ctx, problems);
                }
                if (walk.end() == ChainWalk.End.TRUSTED && problems.stream().noneMatch(
                        p -> p.severity() == Severity.ERROR && isChainOrDate(p.code()))) {
                    pkixValidate(walk, ctx.now(), problems);
                }
            }
        }
        List<X509Certificate> trustAnchors = new ArrayList<>();
        for (X509Certificate c : certs) {
            if (c != leaf && c.getBasicConstraints() >= 0 && !clientChain.contains(c)) {
                trustAnchors.add(c);
                if (!clockWrong && leaf == null) {
                    checkDates(c, false, ctx, problems);
                }
            }
        }
        problems.sort(Comparator.comparing(Problem::severity));
        return new Outcome(contents, problems, leaf, key, clientChain, trustAnchors);
    }

    private static List<X509Certificate> trustedSet(List<X509Certificate> configured, List<X509Certificate> supplied) {
        if (!configured.isEmpty()) {
            return configured;
        }
        return List.of(); // any self-signed root among the supplied certificates ends the walk
    }

    private static void explainChain(ChainWalk.Result walk, boolean clientIdentity, boolean anchorsConfigured,
            List<Problem> problems) {
        X509Certificate last = walk.last();
        String issuer = last.getIssuerX500Principal().getName(RFC1779);
        switch (walk.end()) {
        case MISSING_ISSUER:
            problems.add(new Problem("chain-incomplete", clientIdentity && !anchorsConfigured ? Severity.WARNING
                    : Severity.ERROR, "The chain stops at " + last.getSubjectX500Principal().getName(RFC1779) + ": its "
                    + "issuer '" + issuer + "' is neither in the supplied certificates nor among the trust anchors.",
                    clientIdentity ? "Nothing to do if the broker knows that issuer (AWS IoT and Azure know the CAs "
                            + "they issue from or you registered); otherwise add the issuer's certificate to the "
                            + "import." : "Add the certificate of '" + issuer + "' (the intermediate CA) to the "
                                    + "import or to the trust anchors."));
            break;
        case BAD_SIGNATURE:
            problems.add(new Problem("bad-signature", Severity.ERROR, "A certificate named '" + issuer + "' was "
                    + "supplied but did not sign " + last.getSubjectX500Principal().getName(RFC1779) + ".",
                    "The CA certificate is a different one with the same name (e.g. a renewed CA); supply the one "
                            + "that issued this certificate."));
            break;
        case UNTRUSTED_ROOT:
            problems.add(new Problem("untrusted-root", Severity.ERROR, "The chain ends at the root "
                    + last.getSubjectX500Principal().getName(RFC1779) + ", which is not among the trust anchors.",
                    "Add that root to the trust anchors, or check that you are using the right certificate."));
            break;
        case TOO_LONG:
            problems.add(new Problem("chain-invalid", Severity.ERROR, "The certificate chain loops or has more than "
                    + "10 certificates.", "Supply only the device certificate, its intermediates and the root."));
            break;
        default:
            break;
        }
    }

    /**
     * A TLS server sends its certificate and the intermediates; browsers hold the roots. So a chain that stops at an
     * intermediate CA is complete for a server, and one that stops at the server's own certificate works only in
     * browsers that find the intermediate themselves.
     */
    private static void explainServerChain(ChainWalk.Result walk, X509Certificate leaf, List<Problem> problems) {
        if (walk.last() != leaf) {
            return;
        }
        String issuer = leaf.getIssuerX500Principal().getName(RFC1779);
        problems.add(new Problem("chain-incomplete", Severity.WARNING, "The certificate's issuer '" + issuer + "' is "
                + "not in the import, so the console cannot send it; browsers that do not fetch or cache that "
                + "intermediate CA refuse the connection.", "Import the certificate together with the certificate "
                + "of '" + issuer + "' (the intermediate CA), e.g. the 'fullchain' file your CA provides."));
    }

    private void pkixValidate(ChainWalk.Result walk, Instant now, List<Problem> problems) {
        List<X509Certificate> path = walk.path();
        if (path.size() < 2) {
            return;
        }
        try {
            X509Certificate anchor = path.get(path.size() - 1);
            PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(anchor, null)));
            params.setRevocationEnabled(false);
            params.setDate(Date.from(now));
            CertificateFactory cf = CertificateFactory.getInstance("X.509", provider);
            CertPathValidator.getInstance("PKIX", provider)
                    .validate(cf.generateCertPath(path.subList(0, path.size() - 1)), params);
        } catch (GeneralSecurityException e) {
            problems.add(new Problem("chain-invalid", Severity.ERROR, "The chain does not validate: "
                    + CredentialReader.safeMessage(e) + ".", "Check that the intermediate certificates are CA "
                    + "certificates for this purpose; obtain the chain from the issuing CA again."));
        }
    }

    /** How a certificate that matches the key is marked as a CA: not at all, as a real CA, or as a self-signed one. */
    private enum CaMark {
        NONE, CA_KEY, SELF_SIGNED_MARK;

        /**
         * A CA_KEY signs certificates or was issued as a CA: its key must never be on a gateway. A self-signed
         * certificate marked CA:TRUE without keyCertSign is what 'openssl req -x509' makes by default.
         */
        static CaMark of(X509Certificate leaf) {
            if (leaf.getBasicConstraints() < 0) {
                return NONE;
            }
            boolean[] usage = leaf.getKeyUsage();
            boolean signsCertificates = usage != null && usage.length > 5 && usage[5];
            boolean selfSigned = leaf.getSubjectX500Principal().equals(leaf.getIssuerX500Principal());
            return signsCertificates || !selfSigned ? CA_KEY : SELF_SIGNED_MARK;
        }
    }

    private static void checkClientUse(X509Certificate leaf, List<Problem> problems) {
        CaMark mark = CaMark.of(leaf);
        if (mark != CaMark.NONE) {
            if (mark == CaMark.CA_KEY) {
                problems.add(new Problem("ca-as-device", Severity.ERROR, "The certificate that matches the key, "
                        + leaf.getSubjectX500Principal().getName(RFC1779) + ", is a CA certificate, not a device "
                        + "certificate.", "Import the device certificate and its own key; a CA's key must never be "
                        + "on a device."));
            } else {
                problems.add(new Problem("ca-as-device", Severity.WARNING, "The self-signed certificate "
                        + leaf.getSubjectX500Principal().getName(RFC1779) + " is marked as a CA (basicConstraints "
                        + "CA:TRUE), as 'openssl req -x509' does by default; some brokers refuse such a client "
                        + "certificate.", "Create it with -addext basicConstraints=critical,CA:FALSE, or have it "
                        + "issued by your CA."));
            }
        }
        boolean[] ku = leaf.getKeyUsage();
        if (ku != null && !ku[0]) {
            problems.add(new Problem("client-auth-forbidden", Severity.ERROR, "The certificate's key usage does not "
                    + "include digitalSignature, which TLS client authentication needs.",
                    "Have the certificate reissued for client authentication (key usage digitalSignature)."));
        }
        try {
            List<String> eku = leaf.getExtendedKeyUsage();
            if (eku != null && !eku.contains(CLIENT_AUTH) && !eku.contains(ANY_EKU)) {
                problems.add(new Problem("client-auth-forbidden", Severity.ERROR, "The certificate's extended key "
                        + "usage " + ekuNames(eku) + " does not allow TLS client authentication.",
                        "Have the certificate reissued with extended key usage clientAuth."
                                + (eku.contains(SERVER_AUTH) ? " If it is meant for the gateway's console over "
                                        + "HTTPS, import it as a server certificate: 'uplink creds import --for "
                                        + "console --alias NAME --cert FILE --key FILE', then 'uplink run "
                                        + "--https-alias NAME'." : "")));
            }
        } catch (java.security.cert.CertificateParsingException e) {
            problems.add(new Problem("client-auth-forbidden", Severity.ERROR, "The certificate's extended key usage "
                    + "extension is unreadable.", "Have the certificate reissued."));
        }
    }

    /**
     * A TLS server's certificate (the console's HTTPS): an end-entity certificate whose key the server may use as TLS
     * needs it. Key usage (RFC 5280 4.2.1.3): digitalSignature for TLS 1.3 and (EC)DHE, the only way an EC or EdDSA
     * key serves; keyEncipherment alone lets an RSA key serve only TLS 1.2's RSA key transport. Browsers need extended
     * key usage serverAuth when the extension is present, and Firefox refuses a CA certificate as a server's.
     */
    private static void checkServerUse(X509Certificate leaf, PrivateKey key, List<Problem> problems) {
        String who = leaf.getSubjectX500Principal().getName(RFC1779);
        boolean[] ku = leaf.getKeyUsage();
        CaMark mark = CaMark.of(leaf);
        if (mark != CaMark.NONE) {
            if (mark == CaMark.CA_KEY) {
                problems.add(new Problem("ca-as-server", Severity.ERROR, "The certificate that matches the key, " + who
                        + ", is a CA certificate, not a server certificate.", "Import the server certificate and "
                        + "its own key; a CA's key must never be on a gateway."));
            } else {
                problems.add(new Problem("ca-as-server", Severity.WARNING, "The self-signed certificate " + who
                        + " is marked as a CA (basicConstraints CA:TRUE), as 'openssl req -x509' does by default; "
                        + "Firefox refuses a CA certificate as a server's.", "Create it with -addext "
                        + "basicConstraints=critical,CA:FALSE, or leave --https-alias out and let the gateway "
                        + "generate one."));
            }
        }
        boolean rsa = "RSA".equals(KeyFacts.of(key).type());
        boolean signs = ku == null || ku[0];
        boolean transportsKeys = ku == null || ku.length > 2 && ku[2];
        if (!signs && !(rsa && transportsKeys)) {
            problems.add(new Problem("server-auth-forbidden", Severity.ERROR, "The certificate's key usage does not "
                    + "include digitalSignature" + (rsa ? " or keyEncipherment" : ", which a TLS server with an "
                    + KeyFacts.of(key).type() + " key needs") + ", so a TLS server cannot use it.",
                    "Have the certificate reissued for a TLS server (key usage digitalSignature)."));
        } else if (!signs) {
            problems.add(new Problem("server-auth-limited", Severity.WARNING, "The certificate's key usage allows "
                    + "keyEncipherment but not digitalSignature: the console can then only use TLS 1.2 with RSA key "
                    + "exchange, which current browsers are dropping.", "Have the certificate reissued with key "
                    + "usage digitalSignature, keyEncipherment."));
        }
        try {
            List<String> eku = leaf.getExtendedKeyUsage();
            if (eku != null && !eku.contains(SERVER_AUTH) && !eku.contains(ANY_EKU)) {
                problems.add(new Problem("server-auth-forbidden", Severity.ERROR, "The certificate's extended key "
                        + "usage " + ekuNames(eku) + " does not allow a TLS server; browsers refuse it.",
                        "Have the certificate reissued with extended key usage serverAuth."));
            }
        } catch (java.security.cert.CertificateParsingException e) {
            problems.add(new Problem("server-auth-forbidden", Severity.ERROR, "The certificate's extended key usage "
                    + "extension is unreadable.", "Have the certificate reissued."));
        }
    }

    private void checkDates(X509Certificate c, boolean isLeaf, ValidationContext ctx, List<Problem> problems) {
        Instant now = ctx.now();
        String who = c.getSubjectX500Principal().getName(RFC1779);
        Instant notBefore = c.getNotBefore().toInstant();
        Instant notAfter = c.getNotAfter().toInstant();
        if (now.isBefore(notBefore)) {
            problems.add(new Problem("not-yet-valid", Severity.ERROR, "The certificate " + who + " is valid only from "
                    + DAY.format(notBefore) + "; the gateway clock says " + DAY.format(now) + ".",
                    "If the certificate was issued just now, the gateway clock is behind: set it (NTP or the "
                            + "network time); otherwise wait until " + DAY.format(notBefore) + "."));
        } else if (now.isAfter(notAfter)) {
            problems.add(new Problem("expired", Severity.ERROR, "The certificate " + who + " expired on "
                    + DAY.format(notAfter) + ".", "Obtain a renewed certificate and import it"
                    + (isLeaf ? " with its key." : ".")));
        } else if (isLeaf && now.plus(expiryWarning).isAfter(notAfter)) {
            problems.add(new Problem("expires-soon", Severity.WARNING, "The certificate " + who + " expires on "
                    + DAY.format(notAfter) + ".", "Renew it before then; " + (ctx.use() == CredentialUse.TLS_SERVER
                            ? "browsers refuse the console's HTTPS afterwards." : "the device cannot connect "
                                    + "afterwards.")));
        }
    }

    /** Sign and verify a nonce: works for every key type, and never compares secrets. */
    private boolean keyMatches(PrivateKey key, X509Certificate cert) {
        String alg;
        switch (key.getAlgorithm()) {
        case "RSA":
            alg = "SHA256withRSA";
            break;
        case "EC":
        case "ECDSA":
            alg = "SHA256withECDSA";
            break;
        default:
            alg = key.getAlgorithm();
        }
        try {
            byte[] nonce = new byte[32];
            new SecureRandom().nextBytes(nonce);
            Signature s = Signature.getInstance(alg, provider);
            s.initSign(key);
            s.update(nonce);
            byte[] sig = s.sign();
            Signature v = Signature.getInstance(alg, provider);
            v.initVerify(cert.getPublicKey());
            v.update(nonce);
            return v.verify(sig);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    private static boolean isChainOrDate(String code) {
        return code.startsWith("chain") || code.equals("bad-signature") || code.equals("untrusted-root")
                || code.equals("expired") || code.equals("not-yet-valid");
    }

    private static String ekuNames(List<String> eku) {
        List<String> names = new ArrayList<>();
        for (String oid : eku) {
            switch (oid) {
            case SERVER_AUTH:
                names.add("serverAuth");
                break;
            case CLIENT_AUTH:
                names.add("clientAuth");
                break;
            case "1.3.6.1.5.5.7.3.3":
                names.add("codeSigning");
                break;
            case "1.3.6.1.5.5.7.3.4":
                names.add("emailProtection");
                break;
            default:
                names.add(oid);
            }
        }
        return String.join(", ", names);
    }

    static String describe(X509Certificate c) {
        return "certificate: " + c.getSubjectX500Principal().getName(RFC1779) + " (issued by "
                + c.getIssuerX500Principal().getName(RFC1779) + "), valid " + DAY.format(c.getNotBefore().toInstant())
                + " to " + DAY.format(c.getNotAfter().toInstant()) + (c.getBasicConstraints() >= 0 ? ", CA" : "")
                + ", " + KeyFacts.of(c.getPublicKey());
    }
}
