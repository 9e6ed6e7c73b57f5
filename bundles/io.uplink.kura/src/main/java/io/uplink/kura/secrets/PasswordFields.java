package io.uplink.kura.secrets;

import java.util.Dictionary;
import java.util.Map;
import java.util.Set;

/**
 * The Password fields of Uplink's forms, by PID or factory PID, and their decryption in a configuration's properties.
 * Kura's UI stores such values encrypted (AES, with the gateway's key); Uplink's components expect them clear.
 */
final class PasswordFields {

    /** Decrypts one value, or throws when it is not one Kura encrypted. */
    interface Decryptor {
        char[] decrypt(char[] value) throws Exception;
    }

    static final Map<String, Set<String>> BY_PID = Map.of(
            "io.uplink.cloud.mqtt", Set.of(".password", ".azure.device.key"),
            "io.uplink.credentials", Set.of(".store.secret"),
            "io.uplink.modem", Set.of(".apn.password", ".sim.pin"));

    private PasswordFields() {
    }

    /**
     * Replaces, in place, each Password field of the configuration's form that Kura encrypted by its clear value. A
     * value that does not decrypt was not set through Kura (ConfigAdmin, a file) and is left as it is.
     *
     * @return how many values were decrypted
     */
    static int decrypt(String pidOrFactoryPid, Dictionary<String, Object> properties, Decryptor decryptor) {
        Set<String> fields = BY_PID.get(pidOrFactoryPid);
        if (fields == null) {
            return 0;
        }
        int n = 0;
        for (String field : fields) {
            Object v = properties.get(field);
            if (!(v instanceof String s) || s.isEmpty()) {
                continue;
            }
            try {
                properties.put(field, new String(decryptor.decrypt(s.toCharArray())));
                n++;
            } catch (Exception notEncrypted) {
                // set outside Kura: already clear
            }
        }
        return n;
    }
}
