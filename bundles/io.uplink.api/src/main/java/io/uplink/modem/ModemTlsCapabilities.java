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
 * @since 1.0
 */
public record ModemTlsCapabilities(Set<String> versions, List<Integer> cipherSuites, boolean sni,
        int maxCertificateBytes) {

    /** A modem without a TLS stack. */
    public static final ModemTlsCapabilities NONE = new ModemTlsCapabilities(Set.of(), List.of(), false, 0);

    public ModemTlsCapabilities {
        versions = Set.copyOf(versions);
        cipherSuites = List.copyOf(cipherSuites);
    }
}
