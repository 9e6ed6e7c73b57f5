package io.uplink.credentials;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * A client certificate chain (leaf first) and its private key, for mutual TLS.
 * {@link #toString()} never shows the key.
 *
 * @since 1.0
 */
public record ClientIdentity(String alias, List<X509Certificate> chain, PrivateKey key) {

    public ClientIdentity {
        Objects.requireNonNull(alias, "alias");
        chain = List.copyOf(chain);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("a client identity needs at least its own certificate");
        }
        Objects.requireNonNull(key, "key");
    }

    /** The client's own certificate. */
    public X509Certificate certificate() {
        return chain.get(0);
    }

    @Override
    public String toString() {
        return "ClientIdentity[alias=" + alias + ", subject=" + certificate().getSubjectX500Principal().getName()
                + ", key=" + key.getAlgorithm() + " (hidden)]";
    }
}
