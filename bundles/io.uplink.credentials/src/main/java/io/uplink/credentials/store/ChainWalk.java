package io.uplink.credentials.store;

import java.security.GeneralSecurityException;
import java.security.Provider;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * Follows a certificate's issuers through a pool of candidates, verifying each signature, to say exactly which link
 * of a chain is missing. Path validation proper is {@link java.security.cert.CertPathValidator}'s job once the walk
 * reached an anchor.
 */
final class ChainWalk {

    /** How the walk ended. */
    enum End {
        /** Reached a certificate in the trusted set (or a self-signed root when no trusted set is given). */
        TRUSTED,
        /** Reached a self-signed root that is not in the trusted set. */
        UNTRUSTED_ROOT,
        /** The issuer of the last certificate is in neither the pool nor the trusted set. */
        MISSING_ISSUER,
        /** A certificate with the issuer's name exists but did not sign the last certificate. */
        BAD_SIGNATURE,
        /** The chain loops or is unreasonably long. */
        TOO_LONG
    }

    /** The path found, leaf first, and how it ended. */
    record Result(List<X509Certificate> path, End end) {
        X509Certificate last() {
            return path.get(path.size() - 1);
        }
    }

    private static final int MAX_LENGTH = 10;

    private ChainWalk() {
    }

    /**
     * @param trusted certificates trusted as anchors; empty means "any self-signed root ends the walk as TRUSTED"
     */
    static Result walk(X509Certificate leaf, List<X509Certificate> pool, List<X509Certificate> trusted,
            Provider provider) {
        List<X509Certificate> path = new ArrayList<>();
        path.add(leaf);
        X509Certificate current = leaf;
        while (path.size() <= MAX_LENGTH) {
            if (trusted.contains(current) && current != leaf) {
                return new Result(path, End.TRUSTED);
            }
            if (isSelfSigned(current, provider)) {
                return new Result(path, trusted.isEmpty() || trusted.contains(current) ? End.TRUSTED
                        : End.UNTRUSTED_ROOT);
            }
            boolean sameName = false;
            X509Certificate issuer = null;
            for (X509Certificate candidate : concat(pool, trusted)) {
                if (candidate.getSubjectX500Principal().equals(current.getIssuerX500Principal())
                        && !path.contains(candidate)) {
                    sameName = true;
                    if (verifies(current, candidate, provider)) {
                        issuer = candidate;
                        break;
                    }
                }
            }
            if (issuer == null) {
                return new Result(path, sameName ? End.BAD_SIGNATURE : End.MISSING_ISSUER);
            }
            path.add(issuer);
            current = issuer;
        }
        return new Result(path, End.TOO_LONG);
    }

    static boolean isSelfSigned(X509Certificate cert, Provider provider) {
        return cert.getSubjectX500Principal().equals(cert.getIssuerX500Principal()) && verifies(cert, cert, provider);
    }

    private static boolean verifies(X509Certificate cert, X509Certificate issuer, Provider provider) {
        try {
            cert.verify(issuer.getPublicKey(), provider);
            return true;
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    private static List<X509Certificate> concat(List<X509Certificate> a, List<X509Certificate> b) {
        List<X509Certificate> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
