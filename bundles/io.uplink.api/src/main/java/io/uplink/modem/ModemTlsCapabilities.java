package io.uplink.modem;

import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.List;
import java.util.Set;

/**
 * What a modem's built-in TLS stack offers (modem TLS mode). Host TLS does not depend on it.
 *
 * @param versions protocol names offered, e.g. {@code TLSv1.2}; empty when the modem has no TLS
 * @param cipherSuites IANA cipher-suite codes offered, in the modem's order
 * @param sni whether the modem can send SNI
 * @param maxCertificateBytes largest certificate or key file the modem stores, 0 when unknown
 * @param keyTypes private key types and sizes the modem's TLS can use, e.g. {@code RSA-2048}, {@code EC-P256};
 *        empty when unknown (since 1.2)
 * @param credentialSlots how many credential sets the modem can use side by side (TLS contexts, security tags in
 *        use), 0 when it has no credential storage (since 1.2)
 * @since 1.0
 */
public record ModemTlsCapabilities(Set<String> versions, List<Integer> cipherSuites, boolean sni,
        int maxCertificateBytes, Set<String> keyTypes, int credentialSlots) {

    /** A modem without a TLS stack. */
    public static final ModemTlsCapabilities NONE = new ModemTlsCapabilities(Set.of(), List.of(), false, 0);

    public ModemTlsCapabilities {
        versions = Set.copyOf(versions);
        cipherSuites = List.copyOf(cipherSuites);
        keyTypes = Set.copyOf(keyTypes);
    }

    /**
     * The key type of a public key in the form {@link #keyTypes()} uses: {@code RSA-<bits>}, {@code EC-P256},
     * {@code EC-P384}, {@code EC-P521} (EC keys by field size), else the algorithm name (e.g. {@code Ed25519}).
     *
     * @since 1.2
     */
    public static String keyTypeOf(PublicKey key) {
        if (key instanceof RSAPublicKey rsa) {
            return "RSA-" + rsa.getModulus().bitLength();
        }
        if (key instanceof ECPublicKey ec) {
            return "EC-P" + ec.getParams().getCurve().getField().getFieldSize();
        }
        return key.getAlgorithm();
    }

    /**
     * Whether the modem's TLS can use a key of this type; true when the key types are unknown.
     *
     * @since 1.2
     */
    public boolean acceptsKey(String keyType) {
        return keyTypes.isEmpty() || keyTypes.contains(keyType);
    }

    /** The 1.0 form: key types and slots unknown. */
    public ModemTlsCapabilities(Set<String> versions, List<Integer> cipherSuites, boolean sni,
            int maxCertificateBytes) {
        this(versions, cipherSuites, sni, maxCertificateBytes, Set.of(), 0);
    }
}
