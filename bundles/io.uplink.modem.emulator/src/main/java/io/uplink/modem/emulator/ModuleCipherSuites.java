package io.uplink.modem.emulator;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The cipher suites the emulated BG95's TLS offers: TLS 1.2 and older, ECDHE or RSA key exchange, AES in GCM or CBC.
 * No ChaCha20-Poly1305 and no TLS 1.3 suite, as on the real module (its full list is unconfirmed: the fact sheet
 * marks it [U]; this set is the AES/ECDHE/RSA part of the Quectel SSL notes' table).
 */
final class ModuleCipherSuites {

    /** {@code AT+QSSLCFG="ciphersuite",<ctx>,0XFFFF}: all suites. */
    static final int ALL = 0xFFFF;

    /** IANA code -> JSSE name, in the module's order of preference. */
    static final Map<Integer, String> SUITES = new LinkedHashMap<>();

    static {
        SUITES.put(0xC02F, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
        SUITES.put(0xC030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384");
        SUITES.put(0xC02B, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
        SUITES.put(0xC02C, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384");
        SUITES.put(0xC027, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256");
        SUITES.put(0xC028, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384");
        SUITES.put(0xC023, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256");
        SUITES.put(0xC024, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384");
        SUITES.put(0xC013, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA");
        SUITES.put(0xC014, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA");
        SUITES.put(0xC009, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA");
        SUITES.put(0xC00A, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA");
        SUITES.put(0x009C, "TLS_RSA_WITH_AES_128_GCM_SHA256");
        SUITES.put(0x009D, "TLS_RSA_WITH_AES_256_GCM_SHA384");
        SUITES.put(0x003C, "TLS_RSA_WITH_AES_128_CBC_SHA256");
        SUITES.put(0x003D, "TLS_RSA_WITH_AES_256_CBC_SHA256");
        SUITES.put(0x002F, "TLS_RSA_WITH_AES_128_CBC_SHA");
        SUITES.put(0x0035, "TLS_RSA_WITH_AES_256_CBC_SHA");
    }

    private ModuleCipherSuites() {
    }

    /** {@code 0X0035}, {@code 0xc02f} or {@code 0XFFFF} -> the code; null when the module does not know it. */
    static Integer parse(String value) {
        String v = value.trim().toUpperCase(Locale.ROOT);
        if (!v.startsWith("0X") || v.length() < 3 || v.length() > 6) {
            return null;
        }
        try {
            int code = Integer.parseInt(v.substring(2), 16);
            return code == ALL || SUITES.containsKey(code) ? code : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The JSSE names to enable for a setting, limited to what the Java runtime supports. */
    static String[] enabled(int setting, String[] supported) {
        List<String> wanted = new ArrayList<>();
        if (setting == ALL) {
            wanted.addAll(SUITES.values());
        } else if (SUITES.containsKey(setting)) {
            wanted.add(SUITES.get(setting));
        }
        List<String> available = Arrays.asList(supported);
        return wanted.stream().filter(available::contains).toArray(String[]::new);
    }

    /** {@code AT+QSSLCFG="sslversion"} -> JSSE protocol names; the module never offers TLS 1.3. */
    static String[] protocols(int sslVersion) {
        switch (sslVersion) {
        case 0:
            return new String[] { "SSLv3" };
        case 1:
            return new String[] { "TLSv1" };
        case 2:
            return new String[] { "TLSv1.1" };
        case 3:
            return new String[] { "TLSv1.2" };
        default:
            return new String[] { "TLSv1", "TLSv1.1", "TLSv1.2" };
        }
    }
}
