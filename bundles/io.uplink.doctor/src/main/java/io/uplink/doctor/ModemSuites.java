package io.uplink.doctor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * IANA names of the cipher suites modems' own TLS stacks offer, by code, so the doctor can repeat a modem's handshake
 * with the gateway's TLS engine restricted to the same suites, and say them in words.
 */
final class ModemSuites {

    private static final Map<Integer, String> NAMES = Map.ofEntries(
            Map.entry(0x000A, "TLS_RSA_WITH_3DES_EDE_CBC_SHA"),
            Map.entry(0x002F, "TLS_RSA_WITH_AES_128_CBC_SHA"),
            Map.entry(0x0035, "TLS_RSA_WITH_AES_256_CBC_SHA"),
            Map.entry(0x003C, "TLS_RSA_WITH_AES_128_CBC_SHA256"),
            Map.entry(0x003D, "TLS_RSA_WITH_AES_256_CBC_SHA256"),
            Map.entry(0x009C, "TLS_RSA_WITH_AES_128_GCM_SHA256"),
            Map.entry(0x009D, "TLS_RSA_WITH_AES_256_GCM_SHA384"),
            Map.entry(0xC009, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA"),
            Map.entry(0xC00A, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA"),
            Map.entry(0xC013, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"),
            Map.entry(0xC014, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA"),
            Map.entry(0xC023, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256"),
            Map.entry(0xC024, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384"),
            Map.entry(0xC027, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256"),
            Map.entry(0xC028, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384"),
            Map.entry(0xC02B, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"),
            Map.entry(0xC02C, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"),
            Map.entry(0xC02F, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"),
            Map.entry(0xC030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"),
            Map.entry(0xC0AC, "TLS_ECDHE_ECDSA_WITH_AES_128_CCM"),
            Map.entry(0xC0AE, "TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8"),
            Map.entry(0xCCA8, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"),
            Map.entry(0xCCA9, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"));

    private ModemSuites() {
    }

    /** The names of the codes this table knows, in the given order. */
    static List<String> names(List<Integer> codes) {
        List<String> n = new ArrayList<>();
        for (int c : codes) {
            String name = NAMES.get(c);
            if (name != null) {
                n.add(name);
            }
        }
        return n;
    }

    /** A short description: "TLS 1.2 with 18 suites (AES-GCM and AES-CBC, RSA and ECDHE key exchange)". */
    static String describe(List<String> names) {
        boolean gcm = names.stream().anyMatch(s -> s.contains("GCM"));
        boolean cbc = names.stream().anyMatch(s -> s.contains("CBC"));
        boolean chacha = names.stream().anyMatch(s -> s.contains("CHACHA20"));
        boolean ecdhe = names.stream().anyMatch(s -> s.contains("ECDHE"));
        boolean rsaKx = names.stream().anyMatch(s -> s.startsWith("TLS_RSA_"));
        List<String> ciphers = new ArrayList<>();
        if (gcm) {
            ciphers.add("AES-GCM");
        }
        if (cbc) {
            ciphers.add("AES-CBC");
        }
        if (chacha) {
            ciphers.add("ChaCha20");
        }
        List<String> kx = new ArrayList<>();
        if (rsaKx) {
            kx.add("RSA");
        }
        if (ecdhe) {
            kx.add("ECDHE");
        }
        return names.size() + " suites (" + String.join(" and ", ciphers) + ", " + String.join(" and ", kx)
                + " key exchange" + (chacha ? "" : "; no ChaCha20") + ")";
    }
}
