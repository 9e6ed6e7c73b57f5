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
    EXPLICIT
}
