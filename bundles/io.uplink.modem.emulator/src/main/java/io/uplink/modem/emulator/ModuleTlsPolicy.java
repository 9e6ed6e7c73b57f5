package io.uplink.modem.emulator;

import java.time.Instant;
import java.util.List;

/**
 * How one module TLS connection behaves, as its personality derives it from the module's own settings (a BG95 SSL
 * context, an nRF91 socket's sec_tag and options): versions and suites the module offers, SNI, what it verifies, and
 * the credentials it holds. {@link ModuleTlsConnection} runs the handshake from this alone.
 *
 * @param owner the thread name prefix, e.g. {@code emulated-bg95-ssl-3}
 * @param protocols JSSE protocol names the module offers (e.g. {@code TLSv1.2}); those the JDK lacks are dropped
 * @param cipherSuites JSSE suite names in the module's order of preference; those the JDK lacks are dropped
 * @param sniHost the server name sent as SNI, or empty for none
 * @param verifyChain verify the server's chain against {@code ca} (the connection fails without a CA)
 * @param checkHostName the name the server certificate must carry, or empty for no name check
 * @param checkDates check validity dates against {@code moduleTime}; false validates at a moment inside the chain's
 *            validity, so expired certificates pass
 * @param moduleTime the module's clock when the connection opens
 * @param handshakeTimeoutSeconds TCP connect plus handshake must finish within this
 * @param ca PEM trust anchors, or null
 * @param clientCert PEM client certificate chain, or null; with {@code clientKey} presented when the server asks
 * @param clientKey PEM client key, or null
 * @param caName how the module names the CA, for failure causes (e.g. {@code CA file 'ca.pem'})
 * @param refusal when not null, the connection fails with this cause before any byte is sent (a setting the module
 *            refuses to connect with, e.g. a missing file)
 */
record ModuleTlsPolicy(String owner, List<String> protocols, List<String> cipherSuites, String sniHost,
        boolean verifyChain, String checkHostName, boolean checkDates, Instant moduleTime, int handshakeTimeoutSeconds,
        byte[] ca, byte[] clientCert, byte[] clientKey, String caName, String refusal) {

    ModuleTlsPolicy {
        protocols = List.copyOf(protocols);
        cipherSuites = List.copyOf(cipherSuites);
        sniHost = sniHost == null ? "" : sniHost;
        checkHostName = checkHostName == null ? "" : checkHostName;
        if (handshakeTimeoutSeconds < 1) {
            throw new IllegalArgumentException("handshake timeout must be at least 1 s, was " + handshakeTimeoutSeconds);
        }
    }
}
