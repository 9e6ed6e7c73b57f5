package io.uplink.modem.emulator;

/**
 * What the emulated module's TLS negotiated on one SSL client, for tests and benchmarks.
 *
 * @param protocol e.g. {@code TLSv1.2}
 * @param cipherSuite the JSSE name of the suite, e.g. {@code TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256}
 * @param sniHost the host name sent as SNI, or empty when none was sent ({@code "sni"} 0, or an IP address)
 * @param clientCertificateSent whether the module presented a client certificate (seclevel 2)
 * @param handshakeMillis from the start of AT+QSSLOPEN's TCP connect to the end of the TLS handshake, with the link
 *            model's latency applied per flight
 */
public record ModuleTlsSession(String protocol, String cipherSuite, String sniHost, boolean clientCertificateSent,
        long handshakeMillis) {
}
