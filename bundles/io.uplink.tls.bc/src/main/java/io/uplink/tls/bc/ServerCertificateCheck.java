package io.uplink.tls.bc;

import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.security.Provider;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import javax.security.auth.x500.X500Principal;

import io.uplink.tls.TlsHandshakeException.Failure;

/**
 * Verifies the server's chain against trust anchors and its name against the expected host, and says precisely what
 * is wrong: which certificate expired and when, which issuer is unknown, which names the certificate covers.
 */
final class ServerCertificateCheck {

    /** Why the server's certificate was refused. */
    record Verdict(Failure failure, String message, String fix) {
    }

    private static final Instant EARLIEST_PLAUSIBLE_CLOCK = Instant.parse("2025-01-01T00:00:00Z");
    private static final DateTimeFormatter DAY = DateTimeFormatter.ISO_LOCAL_DATE.withZone(ZoneOffset.UTC);

    private ServerCertificateCheck() {
    }

    /** Null when the chain is acceptable. */
    static Verdict check(List<X509Certificate> chain, List<X509Certificate> anchors, String host,
            boolean verifyHostname, Instant now, Provider provider) {
        if (chain.isEmpty()) {
            return new Verdict(Failure.PROTOCOL, "The server sent no certificate.",
                    "Check the server's TLS configuration (certfile/keyfile).");
        }
        X509Certificate leaf = chain.get(0);
        if (now.isBefore(EARLIEST_PLAUSIBLE_CLOCK)) {
            return new Verdict(Failure.CERTIFICATE_EXPIRED, "The gateway clock says " + DAY.format(now)
                    + ", so no server certificate can be checked.", "Set the gateway clock (NTP, or the cellular "
                    + "network time with AT+CTZU=1 / AT+CCLK?).");
        }
        for (X509Certificate c : chain) {
            if (now.isAfter(c.getNotAfter().toInstant())) {
                return new Verdict(Failure.CERTIFICATE_EXPIRED, "The server's certificate " + name(c) + " expired on "
                        + DAY.format(c.getNotAfter().toInstant()) + ".", c == leaf ? "The broker operator must renew "
                        + "the server certificate." : "The broker sends an expired intermediate; its operator must "
                        + "update the chain.");
            }
            if (now.isBefore(c.getNotBefore().toInstant())) {
                return new Verdict(Failure.CERTIFICATE_EXPIRED, "The server's certificate " + name(c) + " is valid "
                        + "only from " + DAY.format(c.getNotBefore().toInstant()) + "; the gateway clock says "
                        + DAY.format(now) + ".", "If the certificate is new, the gateway clock is behind: set it.");
            }
        }
        Set<X500Principal> anchorNames = new HashSet<>();
        for (X509Certificate a : anchors) {
            anchorNames.add(a.getSubjectX500Principal());
        }
        List<X509Certificate> path = new ArrayList<>();
        for (X509Certificate c : chain) {
            if (anchors.contains(c)) {
                break;
            }
            path.add(c);
            if (anchorNames.contains(c.getIssuerX500Principal())) {
                break;
            }
        }
        X509Certificate last = path.isEmpty() ? leaf : path.get(path.size() - 1);
        if (!path.isEmpty() && !anchorNames.contains(last.getIssuerX500Principal())) {
            return new Verdict(Failure.UNKNOWN_CA, "The server's chain ends at " + name(last) + ", issued by '"
                    + last.getIssuerX500Principal().getName(X500Principal.RFC1779) + "', which is not among the "
                    + anchors.size() + " trust anchors.", "Add the CA that issued the broker's certificate to the "
                    + "trust anchors (for AWS IoT: Amazon Root CA 1 and 3), or check the broker address.");
        }
        if (!path.isEmpty()) {
            try {
                Set<TrustAnchor> trust = new HashSet<>();
                for (X509Certificate a : anchors) {
                    trust.add(new TrustAnchor(a, null));
                }
                PKIXParameters params = new PKIXParameters(trust);
                params.setRevocationEnabled(false);
                params.setDate(Date.from(now));
                CertPathValidator.getInstance("PKIX", provider).validate(
                        CertificateFactory.getInstance("X.509", provider).generateCertPath(path), params);
            } catch (GeneralSecurityException e) {
                return new Verdict(Failure.UNKNOWN_CA, "The server's chain names '"
                        + last.getIssuerX500Principal().getName(X500Principal.RFC1779) + "' as its issuer, and a "
                        + "trust anchor has that name, but the chain does not validate against it ("
                        + e.getMessage() + "): it is a different CA with the same name, such as a renewed or "
                        + "re-created CA.", "Replace the trust anchor with the CA certificate that actually issued "
                        + "the broker's certificate.");
            }
        }
        if (verifyHostname && !matches(leaf, host)) {
            return new Verdict(Failure.HOSTNAME_MISMATCH, "The server's certificate is for " + names(leaf) + ", not "
                    + host + ".", "Connect to one of those names (the endpoint your cloud console shows), or fix the "
                    + "SNI override.");
        }
        return null;
    }

    static boolean matches(X509Certificate cert, String host) {
        String h = host.toLowerCase(Locale.ROOT);
        boolean ip = isIpLiteral(h);
        for (String n : names(cert)) {
            String name = n.toLowerCase(Locale.ROOT);
            if (ip) {
                if (isIpLiteral(name) && sameAddress(name, h)) {
                    return true;
                }
            } else if (name.equals(h) || name.startsWith("*.") && h.indexOf('.') > 0
                    && h.substring(h.indexOf('.')).equals(name.substring(1))) {
                return true;
            }
        }
        return false;
    }

    static List<String> names(X509Certificate cert) {
        List<String> names = new ArrayList<>();
        try {
            Collection<List<?>> sans = cert.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    if ((Integer) san.get(0) == 2 || (Integer) san.get(0) == 7) {
                        names.add(String.valueOf(san.get(1)));
                    }
                }
            }
        } catch (CertificateParsingException ignored) {
            // unreadable SANs match nothing
        }
        if (names.stream().noneMatch(n -> !isIpLiteral(n))) {
            String dn = cert.getSubjectX500Principal().getName(X500Principal.RFC2253);
            for (String part : dn.split(",")) {
                if (part.startsWith("CN=")) {
                    names.add(part.substring(3));
                }
            }
        }
        return names;
    }

    static boolean isIpLiteral(String s) {
        return s.matches("[0-9.]+") || s.contains(":");
    }

    private static boolean sameAddress(String a, String b) {
        try {
            return InetAddress.getByName(a).equals(InetAddress.getByName(b));
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    static String name(X509Certificate c) {
        return c.getSubjectX500Principal().getName(X500Principal.RFC1779);
    }

    /** One line per certificate for the trace. */
    static String describe(List<X509Certificate> chain) {
        List<String> lines = new ArrayList<>();
        for (X509Certificate c : chain) {
            lines.add(name(c) + " (issuer " + c.getIssuerX500Principal().getName(X500Principal.RFC1779) + ", "
                    + DAY.format(c.getNotBefore().toInstant()) + " to " + DAY.format(c.getNotAfter().toInstant())
                    + (c.getBasicConstraints() < 0 ? ", names " + names(c) : ", CA") + ")");
        }
        return String.join(" <- ", lines);
    }
}
