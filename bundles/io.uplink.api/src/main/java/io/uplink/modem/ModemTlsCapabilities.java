package io.uplink.modem;

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

    /** The 1.0 form: key types and slots unknown. */
    public ModemTlsCapabilities(Set<String> versions, List<Integer> cipherSuites, boolean sni,
            int maxCertificateBytes) {
        this(versions, cipherSuites, sni, maxCertificateBytes, Set.of(), 0);
    }
}
