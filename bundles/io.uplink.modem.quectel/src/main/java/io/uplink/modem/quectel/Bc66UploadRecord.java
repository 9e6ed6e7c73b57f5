package io.uplink.modem.quectel;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.uplink.modem.CredentialKind;

/**
 * What this gateway uploaded into each BC66/BC660K's certificate slots, per module (IMEI, else port): the set's name,
 * the bytes' SHA-256 and count. The module itself reports only how many bytes a slot holds ({@code +QSSLCFG: 0,0,
 * "cacert",<n>}) and cannot show the content, so "unchanged" needs both: the same count from the module and this
 * record saying these very bytes were uploaded to it. Held by the dialect component: it outlives re-attaches and
 * modem restarts, not a gateway restart (then the first provisioning uploads again, once).
 *
 * <p>Thread-safe.
 */
final class Bc66UploadRecord {

    /** One slot's last upload. */
    record Upload(String set, String sha256, long bytes, Instant when) {
    }

    private final Map<String, Map<CredentialKind, Upload>> byModule = new ConcurrentHashMap<>();

    Upload get(String module, CredentialKind kind) {
        Map<CredentialKind, Upload> m = byModule.get(module);
        return m == null ? null : m.get(kind);
    }

    void put(String module, CredentialKind kind, Upload u) {
        byModule.computeIfAbsent(module,
                k -> java.util.Collections.synchronizedMap(new EnumMap<>(CredentialKind.class)))
                .put(kind, u);
    }

    void forget(String module, CredentialKind kind) {
        Map<CredentialKind, Upload> m = byModule.get(module);
        if (m != null) {
            m.remove(kind);
        }
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
