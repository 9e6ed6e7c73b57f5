package io.uplink.modem.nordic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import io.uplink.modem.Modem;
import io.uplink.modem.ModemException;
import io.uplink.modem.ModemIdentity;
import io.uplink.modem.ModemSettings;
import io.uplink.modem.RegistrationState;

import org.junit.jupiter.api.Test;

/** Identification and attach over a scripted Serial LTE Modem. */
class NordicSlmDialectTest {

    static final ModemIdentity NRF9160 = new ModemIdentity("Nordic Semiconductor ASA", "nRF9160-SICA",
            "mfw_nrf9160_1.3.5", "352656100367872");

    static ModemSettings settings(String apn) {
        return new ModemSettings(apn, "", "", "", 1, Map.of("registration.timeout.s", "0"));
    }

    @Test
    void matchesTheNrf91FamilyByCgmiAndCgmm() {
        NordicSlmDialect d = new NordicSlmDialect();
        assertThat(d.matches(NRF9160)).isTrue();
        assertThat(d.matches(new ModemIdentity("Nordic Semiconductor ASA", "nRF9161-LACA", "mfw_nrf91x1_2.0.1", "")))
                .isTrue();
        assertThat(d.matches(new ModemIdentity("Nordic Semiconductor ASA", "nRF9151-LACA", "", ""))).isTrue();
        assertThat(d.matches(new ModemIdentity("Quectel", "BG95-M3", "BG95M3LAR02A03", ""))).isFalse();
        assertThat(d.matches(new ModemIdentity("Nordic Semiconductor ASA", "nRF52840", "", ""))).isFalse();
        assertThat(d.family()).isEqualTo("nordic-nrf91-slm");
    }

    @Test
    void attachFromPowerOnSetsErrorsApnRadioAndWaitsForRegistration() throws Exception {
        FakeSlm slm = new FakeSlm();
        Modem modem = new NordicSlmDialect().attach(slm, NRF9160, settings("iot.example"));
        assertThat(modem.registration()).isEqualTo(RegistrationState.HOME);
        assertThat(slm.apn).isEqualTo("iot.example");
        assertThat(slm.cfun).isEqualTo(1);
        assertThat(slm.commands).containsSubsequence("AT+CMEE=1", "AT+CGDCONT=0,\"IP\",\"iot.example\"",
                "AT+CFUN=1", "AT+CPIN?", "AT+CEREG?", "AT+CGACT?");
        assertThat(modem.dialectFamily()).isEqualTo("nordic-nrf91-slm");
        assertThat(modem.tls()).isPresent();
        modem.detach();
        assertThat(slm.cfun).isEqualTo(4);
        assertThat(slm.urcs.get("+CEREG:")).isEmpty();
    }

    @Test
    void anOnlineModemWithAnotherApnGoesOfflineToChangeIt() throws Exception {
        FakeSlm slm = new FakeSlm();
        slm.cfun = 1;
        slm.apn = "old.apn";
        new NordicSlmDialect().attach(slm, NRF9160, settings("new.apn"));
        assertThat(slm.commands).containsSubsequence("AT+CFUN=4", "AT+CGDCONT=0,\"IP\",\"new.apn\"", "AT+CFUN=1");
        assertThat(slm.apn).isEqualTo("new.apn");
    }

    @Test
    void theSameApnIsNotWrittenAgainAndAnOnlineModemStaysOnline() throws Exception {
        FakeSlm slm = new FakeSlm();
        slm.cfun = 1;
        slm.apn = "iot.example";
        new NordicSlmDialect().attach(slm, NRF9160, settings("iot.example"));
        assertThat(slm.count("AT+CGDCONT=")).isZero();
        assertThat(slm.count("AT+CFUN=")).isZero();
    }

    @Test
    void aSimAskingForAPinWithoutOneConfiguredIsNamed() {
        FakeSlm slm = new FakeSlm();
        slm.pinStatus = "SIM PIN";
        assertThatThrownBy(() -> new NordicSlmDialect().attach(slm, NRF9160, settings("")))
                .isInstanceOf(ModemException.class).hasMessageContaining("PIN")
                .satisfies(e -> assertThat(((ModemException) e).fix()).contains("sim.pin"));
    }

    @Test
    void aDeniedRegistrationIsNamed() {
        FakeSlm slm = new FakeSlm();
        slm.cereg = 3;
        assertThatThrownBy(() -> new NordicSlmDialect().attach(slm, NRF9160, settings("")))
                .isInstanceOf(ModemException.class).hasMessageContaining("denied");
    }

    @Test
    void noRegistrationWithinTheTimeoutNamesTheLastState() {
        FakeSlm slm = new FakeSlm();
        slm.cereg = 2;
        assertThatThrownBy(() -> new NordicSlmDialect().attach(slm, NRF9160, settings("")))
                .isInstanceOf(ModemException.class).hasMessageContaining("SEARCHING")
                .hasMessageContaining("+CEREG: 1,2");
    }

    @Test
    void errorCodesRefusedMeansThisIsNoSerialLteModem() {
        FakeSlm slm = new FakeSlm();
        slm.on("AT+CMEE=1", FakeSlm::error);
        assertThatThrownBy(() -> new NordicSlmDialect().attach(slm, NRF9160, settings("")))
                .isInstanceOf(ModemException.class).hasMessageContaining("AT+CMEE=1")
                .satisfies(e -> assertThat(((ModemException) e).fix()).contains("Serial LTE Modem"));
    }

    @Test
    void signalAndOperatorAreAskedWith27007Commands() throws Exception {
        FakeSlm slm = new FakeSlm();
        slm.on("AT+COPS?", c -> FakeSlm.ok(c, "+COPS: 0,0,\"Telia\",7"));
        slm.on("AT+CSQ", c -> FakeSlm.ok(c, "+CSQ: 20,99"));
        Modem modem = new NordicSlmDialect().attach(slm, NRF9160, settings(""));
        assertThat(modem.networkOperator()).contains("Telia");
        assertThat(modem.signalQuality()).hasValueSatisfying(q -> assertThat(q.csq()).isEqualTo(20));
        modem.detach();
        assertThat(modem.networkOperator()).isEmpty();
    }

    @Test
    void registrationUrcsUpdateTheModem() throws Exception {
        FakeSlm slm = new FakeSlm();
        Modem modem = new NordicSlmDialect().attach(slm, NRF9160, settings(""));
        slm.urc("+CEREG: 2,\"002F\",\"0012BEEF\",7");
        assertThat(modem.registration()).isEqualTo(RegistrationState.SEARCHING);
        slm.urc("+CEREG: 5");
        assertThat(modem.registration()).isEqualTo(RegistrationState.ROAMING);
    }
}
