package io.uplink.tls.bc;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.uplink.tls.CipherPolicy;
import io.uplink.tls.TlsClientProfile;

import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.crypto.TlsCrypto;

/** The suites each {@link CipherPolicy} offers, and IANA names for codes. */
final class CipherSuites {

    private static final int[] TLS13 = { CipherSuite.TLS_AES_128_GCM_SHA256, CipherSuite.TLS_CHACHA20_POLY1305_SHA256,
            CipherSuite.TLS_AES_256_GCM_SHA384 };
    private static final int[] TLS12_MODERN = { CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
            CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
            CipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256, CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
            CipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 };
    /** For old brokers: ECDHE with CBC, then RSA key exchange (no forward secrecy), as BC660K-era servers need. */
    private static final int[] TLS12_COMPATIBLE_EXTRA = { CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256,
            CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256, CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA,
            CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA, CipherSuite.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA,
            CipherSuite.TLS_RSA_WITH_AES_128_GCM_SHA256, CipherSuite.TLS_RSA_WITH_AES_256_GCM_SHA384,
            CipherSuite.TLS_RSA_WITH_AES_128_CBC_SHA256, CipherSuite.TLS_RSA_WITH_AES_128_CBC_SHA,
            CipherSuite.TLS_RSA_WITH_AES_256_CBC_SHA };

    private static final Map<Integer, String> NAMES = new HashMap<>();
    private static final Map<String, Integer> CODES = new HashMap<>();

    static {
        for (Field f : CipherSuite.class.getFields()) {
            if (f.getType() == int.class && Modifier.isStatic(f.getModifiers()) && f.getName().startsWith("TLS_")) {
                try {
                    int code = f.getInt(null);
                    NAMES.putIfAbsent(code, f.getName());
                    CODES.put(f.getName(), code);
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    private CipherSuites() {
    }

    /** The suites to offer, filtered by the versions offered and by what the crypto provider implements. */
    static int[] offer(TlsClientProfile profile, TlsCrypto crypto) {
        return offer(profile, crypto, false);
    }

    /** @param tls12Only the profile's TLS 1.3 is not offered (a constrained profile, see BcTlsEngine) */
    static int[] offer(TlsClientProfile profile, TlsCrypto crypto, boolean tls12Only) {
        Set<String> versions = tls12Only ? Set.of(TlsClientProfile.TLS_1_2) : profile.versions();
        List<Integer> list = new ArrayList<>();
        if (profile.cipherPolicy() == CipherPolicy.EXPLICIT) {
            for (String name : profile.cipherSuites()) {
                Integer code = CODES.get(name);
                if (code == null) {
                    throw new IllegalArgumentException("Unknown cipher suite '" + name + "': use IANA names such as "
                            + "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 or TLS_AES_128_GCM_SHA256");
                }
                list.add(code);
            }
        } else {
            if (versions.contains(TlsClientProfile.TLS_1_3)) {
                add(list, TLS13);
            }
            if (versions.contains(TlsClientProfile.TLS_1_2)) {
                add(list, TLS12_MODERN);
                if (profile.cipherPolicy() == CipherPolicy.COMPATIBLE) {
                    add(list, TLS12_COMPATIBLE_EXTRA);
                }
            }
        }
        int[] wanted = list.stream().mapToInt(Integer::intValue).toArray();
        return TlsUtils.getSupportedCipherSuites(crypto, wanted);
    }

    private static void add(List<Integer> list, int[] codes) {
        for (int c : codes) {
            list.add(c);
        }
    }

    static String name(int code) {
        return NAMES.getOrDefault(code, String.format("0x%04X", code));
    }

    static List<String> names(int[] codes) {
        List<String> n = new ArrayList<>();
        for (int c : codes) {
            n.add(name(c));
        }
        return n;
    }
}
