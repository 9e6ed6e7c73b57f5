package io.uplink.modem.sierra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import io.uplink.modem.Modem;
import io.uplink.modem.ModemException;
import io.uplink.modem.ModemIdentity;
import io.uplink.modem.ModemSettings;
import io.uplink.modem.RegistrationState;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Identification and attach of the HL78xx, over a scripted channel. */
class SierraDialectTest {

    static final ModemIdentity HL7800 = new ModemIdentity("Sierra Wireless", "HL7800", "HL7800.4.6.9.4",
            "354616090000011");

    private final FakeHl78 fake = new FakeHl78();

    @AfterEach
    void close() throws Exception {
        fake.close();
    }

    static ModemSettings settings(Map<String, String> extra) {
        java.util.Map<String, String> all = new java.util.HashMap<>(Map.of("registration.timeout.s", "0"));
        all.putAll(extra);
        return new ModemSettings("iot.example", "", "", "", 1, all);
    }

    @Test
    void matchesTheHl78FamilyByWhatAtiCgmiAndCgmmSay() {
        SierraHl78Dialect d = new SierraHl78Dialect();
        assertThat(d.matches(HL7800)).isTrue();
        // ATI on the HL78xx names only the model: the identification takes it for the manufacturer too
        assertThat(d.matches(new ModemIdentity("HL7802", "HL7802", "", ""))).isTrue();
        assertThat(d.matches(new ModemIdentity("Sierra Wireless", "HL7812", "", ""))).isTrue();
        assertThat(d.matches(new ModemIdentity("SIERRA WIRELESS", "BHL7800-M", "", ""))).isTrue();
        assertThat(d.matches(new ModemIdentity("Sierra Wireless", "HL7518", "", ""))).isFalse();
        assertThat(d.matches(new ModemIdentity("Sierra Wireless", "BX3105", "", ""))).isFalse();
        assertThat(d.matches(new ModemIdentity("Quectel", "BG95-M3", "", ""))).isFalse();
        assertThat(d.family()).isEqualTo("sierra-hl78xx");
    }

    @Test
    void attachSetsUpThenSwitchesTheRadioOnThenConfiguresTheApnThenWaitsForRegistration() throws Exception {
        Modem modem = new SierraHl78Dialect().attach(fake, HL7800, settings(Map.of()));
        assertThat(fake.lines()).containsExactly("ATE0", "AT+CMEE=1", "AT+KPATTERN=\"--EOF--Pattern--\"", "AT&K3",
                "AT+CPIN?", "AT+CFUN?", "AT+CFUN=1", "AT+CGDCONT=1,\"IP\",\"iot.example\"",
                "AT+KCNXCFG=1,\"GPRS\",\"iot.example\"", "AT+CEREG?");
        assertThat(modem.registration()).isEqualTo(RegistrationState.HOME);
        assertThat(modem.dialectFamily()).isEqualTo("sierra-hl78xx");
        assertThat(modem.transport().describe()).isEqualTo("Sierra Wireless HL7800 on fake-hl78");
        assertThat(modem.tls()).isPresent();
        assertThat(modem.signalQuality()).hasValueSatisfying(q -> assertThat(q.csq()).isEqualTo(21));
        modem.detach();
        assertThat(fake.listenerCount()).isZero();
    }

    @Test
    void theRadioIsLeftAloneWhenItIsOnAndApnCredentialsGoToKcnxcfgMasked() throws Exception {
        fake.cfun = 1;
        new SierraHl78Dialect().attach(fake, HL7800, new ModemSettings("apn", "user", "secret", "", 2,
                Map.of("registration.timeout.s", "0", "flow.control", "none")));
        assertThat(fake.lines()).contains("AT&K0", "AT+KCNXCFG=2,\"GPRS\",\"apn\",\"user\",\"secret\"")
                .doesNotContain("AT+CFUN=1", "AT&K3");
        assertThat(fake.sent.stream().filter(c -> c.line().startsWith("AT+KCNXCFG")).findFirst().orElseThrow()
                .toString()).doesNotContain("secret");
    }

    @Test
    void rtsCtsAsTheModemConfigurationSpellsItIsHardwareFlowControl() throws Exception {
        new SierraHl78Dialect().attach(fake, HL7800, settings(Map.of("flow.control", "rts-cts")));
        assertThat(fake.lines()).contains("AT&K3").doesNotContain("AT&K0");
    }

    @Test
    void anUnknownFlowControlSettingIsNamed() {
        assertThatThrownBy(() -> new SierraHl78Dialect().attach(fake, HL7800, settings(Map.of("flow.control",
                "rts"))))
                .isInstanceOf(ModemException.class).hasMessageContaining("flow.control is 'rts'")
                .hasMessageContaining("AT&K3");
    }

    @Test
    void aDeniedRegistrationSaysSo() {
        fake.cereg = 3;
        assertThatThrownBy(() -> new SierraHl78Dialect().attach(fake, HL7800, settings(Map.of())))
                .isInstanceOf(ModemException.class).hasMessageContaining("denied registration")
                .satisfies(e -> assertThat(((ModemException) e).fix()).contains("LTE-M"));
    }

    @Test
    void noRegistrationInTimeNamesTheLastState() {
        fake.cereg = 2;
        assertThatThrownBy(() -> new SierraHl78Dialect().attach(fake, HL7800, settings(Map.of())))
                .isInstanceOf(ModemException.class).hasMessageContaining("not registered")
                .hasMessageContaining("SEARCHING");
    }

    @Test
    void aMissingSimIsNamed() {
        fake.cpinError = 10;
        assertThatThrownBy(() -> new SierraHl78Dialect().attach(fake, HL7800, settings(Map.of())))
                .isInstanceOf(ModemException.class).hasMessageContaining("No SIM is inserted")
                .satisfies(e -> assertThat(((ModemException) e).dialectCode()).isEqualTo("10"));
    }

    @Test
    void aSimPinWithoutConfiguredPinIsNamed() {
        fake.cpin = "+CPIN: SIM PIN";
        assertThatThrownBy(() -> new SierraHl78Dialect().attach(fake, HL7800, settings(Map.of())))
                .isInstanceOf(ModemException.class).hasMessageContaining("asks for its PIN");
    }

    @Test
    void anApnWithAQuoteIsRefusedBeforeItReachesTheModem() {
        assertThatThrownBy(() -> new SierraHl78Dialect().attach(fake, HL7800, new ModemSettings("a\"b", "", "", "",
                1, Map.of("registration.timeout.s", "0"))))
                .isInstanceOf(ModemException.class).hasMessageContaining("double quote");
        assertThat(fake.lines()).noneMatch(l -> l.startsWith("AT+CGDCONT"));
    }

    @Test
    void aRegistrationUrcUpdatesTheModem() throws Exception {
        Modem modem = new SierraHl78Dialect().attach(fake, HL7800, settings(Map.of()));
        fake.urc("+CEREG: 5,\"1A2B\",\"01C2D3E4\",7");
        assertThat(modem.registration()).isEqualTo(RegistrationState.ROAMING);
        fake.urc("+CEREG: 2");
        assertThat(modem.registration()).isEqualTo(RegistrationState.SEARCHING);
    }
}
