package io.uplink.modem.emulator;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The nRF9160's own TLS as a {@link ModuleTlsPolicy}: TLS 1.2 only, ECDHE-ECDSA and ECDHE-RSA with AES-CBC and
 * AES-GCM, no ChaCha20, no RSA key exchange (Nordic's cipher-suites sample, fact sheet section 7). peer_verify 2
 * verifies the chain against the sec_tag's root CA and, only with TLS_HOSTNAME set, the server name; SNI is
 * TLS_HOSTNAME or nothing; the client certificate and key of the sec_tag go out when both exist; dates are not
 * checked [U: the modem checks them only with network time].
 */
final class Nrf9160Tls {

    /** The nRF9160's TLS 1.2 suites, IANA code -> JSSE name, in its order of preference [U: the order]. */
    static final Map<Integer, String> CIPHER_SUITES = new LinkedHashMap<>();

    static {
        CIPHER_SUITES.put(0xC02B, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
        CIPHER_SUITES.put(0xC02C, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384");
        CIPHER_SUITES.put(0xC02F, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
        CIPHER_SUITES.put(0xC030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384");
        CIPHER_SUITES.put(0xC023, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256");
        CIPHER_SUITES.put(0xC024, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384");
        CIPHER_SUITES.put(0xC027, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256");
        CIPHER_SUITES.put(0xC028, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384");
        CIPHER_SUITES.put(0xC009, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA");
        CIPHER_SUITES.put(0xC00A, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA");
        CIPHER_SUITES.put(0xC013, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA");
        CIPHER_SUITES.put(0xC014, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA");
    }

    private Nrf9160Tls() {
    }

    /** The socket's TLS as the modem runs it: see the class comment. */
    static ModuleTlsPolicy policy(Nrf9160Socket s, Nrf9160Credentials credentials, java.time.Instant moduleTime,
            String owner) {
        byte[] ca = credentials.content(s.secTag, 0);
        byte[] cert = credentials.content(s.secTag, 1);
        byte[] key = credentials.content(s.secTag, 2);
        boolean verify = s.peerVerify == 2;
        String name = s.hostname == null ? "" : s.hostname;
        String refusal = verify && ca == null ? "peer_verify 2 needs a root CA (type 0) in sec_tag " + s.secTag
                : null;
        return new ModuleTlsPolicy(owner, List.of("TLSv1.2"), List.copyOf(CIPHER_SUITES.values()),
                HostNames.isIpLiteral(name) ? "" : name, verify, verify ? name : "", false, moduleTime,
                Nrf9160Sockets.CONNECT_TIMEOUT_S, ca, cert, key, "root CA of sec_tag " + s.secTag, refusal);
    }
}
