package io.uplink.kura.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Dictionary;
import java.util.Hashtable;

import org.junit.jupiter.api.Test;

class PasswordFieldsTest {

    /** Stands in for Kura's AES: "enc:" + reversed text, anything else refused. */
    private static char[] decrypt(char[] v) {
        String s = new String(v);
        if (!s.startsWith("enc:")) {
            throw new IllegalArgumentException("not encrypted");
        }
        return new StringBuilder(s.substring(4)).reverse().toString().toCharArray();
    }

    @Test
    void kuraEncryptedPasswordsOfAnEndpointAreHandedOverClear() {
        Dictionary<String, Object> p = new Hashtable<>();
        p.put(".password", "enc:terces");
        p.put(".azure.device.key", "already-clear");
        p.put("host", "enc:not-a-password-field");
        int n = PasswordFields.decrypt("io.uplink.cloud.mqtt", p, PasswordFieldsTest::decrypt);
        assertThat(n).isEqualTo(1);
        assertThat(p.get(".password")).isEqualTo("secret");
        assertThat(p.get(".azure.device.key")).isEqualTo("already-clear");
        assertThat(p.get("host")).isEqualTo("enc:not-a-password-field");
    }

    @Test
    void otherPidsAndEmptyValuesAreLeftAlone() {
        Dictionary<String, Object> p = new Hashtable<>();
        p.put(".password", "enc:x");
        assertThat(PasswordFields.decrypt("org.eclipse.kura.cloud.CloudService", p, PasswordFieldsTest::decrypt)).isZero();
        Dictionary<String, Object> modem = new Hashtable<>();
        modem.put(".sim.pin", "");
        modem.put(".apn.password", "enc:nipa");
        assertThat(PasswordFields.decrypt("io.uplink.modem", modem, PasswordFieldsTest::decrypt)).isEqualTo(1);
        assertThat(modem.get(".apn.password")).isEqualTo("apin");
    }
}
