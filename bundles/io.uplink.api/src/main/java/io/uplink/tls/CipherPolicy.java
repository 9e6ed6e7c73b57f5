package io.uplink.tls;

/**
 * Which cipher suites a client offers.
 *
 * @since 1.0
 */
public enum CipherPolicy {
    /** TLS 1.3 suites and TLS 1.2 ECDHE with AES-GCM or ChaCha20-Poly1305. The default. */
    MODERN,
    /** {@link #MODERN} plus TLS 1.2 ECDHE and RSA key exchange with AES-CBC, for old brokers. */
    COMPATIBLE,
    /** Exactly the suites listed in {@link TlsClientProfile#cipherSuites()}. */
    EXPLICIT,
    /**
     * For metered, high-latency links: prefers what the engine can resume, so that a reconnect is a short handshake.
     * The suites of {@link #MODERN} (extended master secret required); while TLS 1.2 is among the profile's versions,
     * only TLS 1.2 is offered, because the engine resumes TLS 1.2 sessions and cannot resume TLS 1.3 ones (see the
     * engine's documentation). A server that refuses TLS 1.2 is offered the profile's versions from the next
     * connection on.
     *
     * @since 1.3
     */
    CONSTRAINED
}
