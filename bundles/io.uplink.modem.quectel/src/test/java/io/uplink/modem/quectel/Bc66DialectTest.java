package io.uplink.modem.quectel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import io.uplink.modem.Modem;
import io.uplink.modem.ModemException;
import io.uplink.modem.ModemIdentity;
import io.uplink.modem.ModemSettings;

import org.junit.jupiter.api.Test;

/** Identification and NB-IoT attach of the BC66/BC660K dialect, over a scripted channel. */
class Bc66DialectTest {

    static final ModemIdentity BC660K = new ModemIdentity("Quectel", "BC660K-GL", "BC660KGLAAR01A05",
            "866123456789012");
    static final ModemSettings SETTINGS = new ModemSettings("iot.nb", "", "", "", 1,
            Map.of("registration.timeout.s", "5"));

    @Test
    void matchesTheBc66FamilyAndNotTheBg95s() {
        QuectelBc66Dialect bc66 = new QuectelBc66Dialect();
        QuectelBg9xDialect bg95 = new QuectelBg9xDialect();
        for (String model : new String[] { "BC660K-GL", "BC66", "BC66-NA", "BC950K-GL", "Quectel_BC660K-GL" }) {
            ModemIdentity id = new ModemIdentity("Quectel", model, "r", "");
            assertThat(bc66.matches(id)).as(model).isTrue();
            assertThat(bg95.matches(id)).as(model).isFalse();
        }
        for (String model : new String[] { "BG95-M3", "BG96", "BG77", "BC95-G", "EG800K" }) {
            assertThat(bc66.matches(new ModemIdentity("Quectel", model, "r", ""))).as(model).isFalse();
        }
        assertThat(bc66.matches(new ModemIdentity("Nordic Semiconductor ASA", "BC660K-GL", "r", ""))).isFalse();
        assertThat(bc66.family()).isEqualTo("quectel-bc66");
    }

    /** Scripts an attach where the APN is already the module's default PDN and the radio is on. */
    static void scriptAttach(ScriptedAtChannel at) {
        at.expect("ATE0");
        at.expect("AT+CMEE=1");
        at.expect("AT+QCGDEFCONT?").lines("+QCGDEFCONT: \"IP\",\"iot.nb\"");
        at.expect("AT+CFUN?").lines("+CFUN: 1");
        at.expect("AT+CPIN?").lines("+CPIN: READY");
        at.expect("AT+CEREG?").lines("+CEREG: 0,1");
        at.expect("AT+CGATT?").lines("+CGATT: 1");
        at.expect("AT+QICFG=\"dataformat\",1,1");
    }

    @Test
    void attachesWithoutTouchingTheRadioWhenTheApnIsAlreadySet() throws Exception {
        ScriptedAtChannel at = new ScriptedAtChannel();
        scriptAttach(at);
        Modem m = new QuectelBc66Dialect().attach(at, BC660K, SETTINGS);
        assertThat(at.done()).as("left: %s", at.remaining()).isTrue();
        assertThat(m.registration().isRegistered()).isTrue();
        assertThat(m.dialectFamily()).isEqualTo("quectel-bc66");
        assertThat(m.tlsCapabilities().cipherSuites()).containsExactly(0x002F, 0x0035, 0x000A);
        assertThat(m.tlsCapabilities().versions()).containsExactlyInAnyOrder("TLSv1", "TLSv1.1", "TLSv1.2");
        assertThat(at.sent).noneMatch(c -> c.line().startsWith("AT+CFUN=") || c.line().startsWith("AT+QIACT"));
        m.detach();
        assertThat(at.listenerCount()).isZero();
    }

    @Test
    void setsAnotherApnWithTheRadioOffThenSwitchesItOn() throws Exception {
        ScriptedAtChannel at = new ScriptedAtChannel();
        at.expect("ATE0");
        at.expect("AT+CMEE=1");
        at.expect("AT+QCGDEFCONT?").lines("+QCGDEFCONT: \"IP\",\"old.apn\"");
        at.expect("AT+CFUN=0");
        at.expect("AT+QCGDEFCONT=\"IP\",\"iot.nb\"");
        at.expect("AT+CFUN?").lines("+CFUN: 0");
        at.expect("AT+CFUN=1");
        at.expect("AT+CPIN?").lines("+CPIN: READY");
        at.expect("AT+CEREG?").lines("+CEREG: 0,2");
        at.expect("AT+CGREG?").result("ERROR");
        at.expect("AT+CEREG?").lines("+CEREG: 0,5");
        at.expect("AT+CGATT?").lines("+CGATT: 0");
        at.expect("AT+CGATT=1");
        at.expect("AT+QICFG=\"dataformat\",1,1");
        Modem m = new QuectelBc66Dialect().attach(at, BC660K, SETTINGS);
        assertThat(at.done()).as("left: %s", at.remaining()).isTrue();
        assertThat(m.registration().isRegistered()).isTrue();
    }

    @Test
    void aRefusedApnIsExplained() {
        ScriptedAtChannel at = new ScriptedAtChannel();
        at.expect("ATE0");
        at.expect("AT+CMEE=1");
        at.expect("AT+QCGDEFCONT?").result("ERROR");
        at.expect("AT+CFUN=0");
        at.expect("AT+QCGDEFCONT=\"IP\",\"iot.nb\"").result("+CME ERROR: 3");
        assertThatThrownBy(() -> new QuectelBc66Dialect().attach(at, BC660K, SETTINGS))
                .isInstanceOf(ModemException.class).hasMessageContaining("APN")
                .satisfies(e -> assertThat(((ModemException) e).fix()).contains("APN name"));
    }

    @Test
    void aModuleRefusingHexDataFailsTheAttachWithTheCommand() {
        ScriptedAtChannel at = new ScriptedAtChannel();
        at.expect("ATE0");
        at.expect("AT+CMEE=1");
        at.expect("AT+QCGDEFCONT?").lines("+QCGDEFCONT: \"IP\",\"iot.nb\"");
        at.expect("AT+CFUN?").lines("+CFUN: 1");
        at.expect("AT+CPIN?").lines("+CPIN: READY");
        at.expect("AT+CEREG?").lines("+CEREG: 0,1");
        at.expect("AT+CGATT?").lines("+CGATT: 1");
        at.expect("AT+QICFG=\"dataformat\",1,1").result("ERROR");
        assertThatThrownBy(() -> new QuectelBc66Dialect().attach(at, BC660K, SETTINGS))
                .isInstanceOf(ModemException.class).hasMessageContaining("dataformat");
    }
}
