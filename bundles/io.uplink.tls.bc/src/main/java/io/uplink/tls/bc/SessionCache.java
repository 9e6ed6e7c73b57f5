package io.uplink.tls.bc;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.uplink.credentials.ClientIdentity;

import org.bouncycastle.tls.TlsSession;

/**
 * Resumable TLS 1.2 sessions, least recently used first out, and the servers that refused TLS 1.2 when a
 * {@code constrained} profile offered only that. Bounded: at most {@code capacity} of each.
 *
 * <p>A session is kept under the endpoint (host:port:SNI) together with a digest of everything that authenticated it:
 * the trust anchors, the client identity, whether the host name was verified, the ALPN list. A resumed handshake skips
 * the server's certificate and the client's, so a session made under other anchors or another identity must never
 * be resumed: with another digest it is simply not found.
 */
final class SessionCache {

    private final Map<String, TlsSession> sessions;
    private final Map<String, Boolean> refusesTls12;

    SessionCache(int capacity) {
        this.sessions = lru(capacity);
        this.refusesTls12 = lru(Math.max(16, capacity));
    }

    private static <V> Map<String, V> lru(int capacity) {
        return new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > capacity;
            }
        };
    }

    /** The cache key: the endpoint and a digest of the trust it was authenticated under. */
    static String key(String endpoint, List<X509Certificate> anchors, Optional<ClientIdentity> identity,
            boolean verifyHostname, List<String> alpn) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            List<String> anchorDigests = new ArrayList<>();
            for (X509Certificate c : anchors) {
                anchorDigests.add(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(
                        c.getEncoded())));
            }
            anchorDigests.sort(null); // the same set in another order is the same trust
            d.update(String.join(",", anchorDigests).getBytes(StandardCharsets.US_ASCII));
            d.update((byte) '|');
            if (identity.isPresent()) {
                for (X509Certificate c : identity.get().chain()) { // the key must match it: the chain says who
                    d.update(c.getEncoded());
                }
            }
            d.update((byte) '|');
            d.update((verifyHostname + "|" + String.join(",", alpn)).getBytes(StandardCharsets.UTF_8));
            return endpoint + "|" + HexFormat.of().formatHex(d.digest(), 0, 16);
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            // Without a digest nothing may be shared: a key no other connection can have.
            return endpoint + "|" + System.identityHashCode(anchors) + "|" + System.nanoTime();
        }
    }

    synchronized TlsSession get(String key) {
        TlsSession s = sessions.get(key);
        if (s != null && !s.isResumable()) {
            sessions.remove(key);
            return null;
        }
        return s;
    }

    synchronized void put(String key, TlsSession session) {
        sessions.put(key, session);
    }

    synchronized int size() {
        return sessions.size();
    }

    /** Remembers that the server at {@code endpoint} (host:port:SNI) refused a TLS 1.2-only offer. */
    synchronized void refusesTls12(String endpoint) {
        refusesTls12.put(endpoint, Boolean.TRUE);
    }

    synchronized boolean isKnownToRefuseTls12(String endpoint) {
        return refusesTls12.containsKey(endpoint);
    }

    synchronized void clear() {
        sessions.clear();
        refusesTls12.clear();
    }
}
