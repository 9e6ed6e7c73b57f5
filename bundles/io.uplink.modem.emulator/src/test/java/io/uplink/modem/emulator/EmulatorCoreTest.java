package io.uplink.modem.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The core's 27.007 side (radio, registration, CMEE, identity) and the port names, seen through a raw terminal. */
class EmulatorCoreTest {

    private VirtualSerialLine line;
    private EmulatedModule module;
    private RawTerminal term;

    private void start(String model, Faults faults, String pin) throws IOException {
        line = new VirtualSerialLine("core-test", 0);
        module = Personalities.start("emulator:" + model, line.modemEnd(),
                new ModuleSettings(LinkModel.INSTANT, faults, pin, Bg95Options.DEFAULTS));
        term = new RawTerminal(line.gatewayEnd());
    }

    @AfterEach
    void stop() {
        if (module != null) {
            module.close();
            line.close();
        }
    }

    @Test
    void flightModeDeregistersAndFullFunctionalityRegistersThroughSearching() throws Exception {
        start("bg95", Faults.NONE, "");
        term.send("ATE0");
        term.expect("OK\r\n");
        term.send("AT+CEREG=1");
        term.expect("OK\r\n");
        term.send("AT+CFUN=4");
        assertThat(term.expect("+CEREG: 0\r\n")).contains("OK\r\n");
        term.send("AT+QIACT=1");
        assertThat(term.expect("\r\n")).isEqualTo("\r\n");
        assertThat(term.expect("ERROR\r\n")).isEqualTo("ERROR\r\n"); // no data session without the radio
        term.send("AT+CFUN?");
        term.expect("+CFUN: 4\r\n\r\nOK\r\n");
        term.send("AT+CFUN=1");
        String out = term.expect("+CEREG: 1\r\n");
        assertThat(out).contains("OK\r\n").contains("+CEREG: 2\r\n");
        assertThat(out.indexOf("+CEREG: 2")).isLessThan(out.indexOf("+CEREG: 1"));
        term.send("AT+CEREG=2");
        term.expect("OK\r\n");
        term.send("AT+CEREG?");
        term.expect("+CEREG: 2,1,\"" + Registration.TAC + "\",\"" + Registration.CELL_ID + "\",8\r\n");
    }

    @Test
    void aSearchingNetworkNeverReportsRegistered() throws Exception {
        start("bg95", Faults.NONE.withRegistration(2), "");
        term.send("ATE0");
        term.expect("OK\r\n");
        term.send("AT+CEREG=1");
        term.expect("OK\r\n");
        term.send("AT+CFUN=0");
        term.expect("+CEREG: 0\r\n");
        term.send("AT+CFUN=1");
        term.expect("+CEREG: 2\r\n");
        term.send("AT+CEREG?");
        assertThat(term.expect("OK\r\n")).contains("+CEREG: 1,2\r\n").doesNotContain("+CEREG: 1\r\n");
        term.send("AT+COPS?");
        assertThat(term.expect("OK\r\n")).contains("+COPS: 0\r\n");
    }

    @Test
    void cmeeZeroTurnsErrorCodesIntoPlainError() throws Exception {
        start("bg95", Faults.NONE, "1234");
        term.send("ATE0");
        term.expect("OK\r\n");
        term.send("AT+CMEE?");
        term.expect("+CMEE: 1\r\n");
        term.send("AT+CPIN=\"9999\"");
        term.expect("+CME ERROR: 16\r\n");
        term.send("AT+CMEE=0");
        term.expect("OK\r\n");
        term.send("AT+CPIN=\"9999\"");
        assertThat(term.expect("ERROR\r\n")).isEqualTo("\r\nERROR\r\n");
        term.send("AT+CMEE=3");
        term.expect("ERROR\r\n");
    }

    @Test
    void aLockedSimKeepsTheModuleUnregisteredUntilThePin() throws Exception {
        start("bg95", Faults.NONE, "1234");
        term.send("ATE0");
        term.expect("OK\r\n");
        term.send("AT+CEREG=1");
        term.expect("OK\r\n");
        term.send("AT+CEREG?");
        term.expect("+CEREG: 1,0\r\n");
        term.send("AT+CPIN=\"1234\"");
        String out = term.expect("+CEREG: 1\r\n");
        assertThat(out).contains("+CPIN: READY").contains("+CEREG: 2");
    }

    @Test
    void identityComesFromThePersonality() throws Exception {
        start("BG95", Faults.NONE, "");
        term.send("ATE0");
        term.expect("OK\r\n");
        term.send("AT+CGMI");
        term.expect("Quectel\r\n\r\nOK\r\n");
        term.send("AT+CGSN");
        term.expect("866349045095357\r\n\r\nOK\r\n");
        term.send("AT+CCLK=\"garbage\"");
        term.expect("+CME ERROR: 50\r\n");
    }

    @Test
    void anUnknownModelNamesTheKnownOnes() {
        assertThat(Personalities.names()).contains("bg95");
        assertThatThrownBy(() -> Personalities.factory("emulator:sim800")).isInstanceOf(IOException.class)
                .hasMessageContaining("'emulator:sim800'").hasMessageContaining("'emulator:bg95'");
    }

    @Test
    void commandLinesSplitTheV250Way() {
        CommandLine c = CommandLine.parse("at+qiopen=1,0,\"TCP\",\"a,b\",80");
        assertThat(c.name()).isEqualTo("+QIOPEN");
        assertThat(c.args()).isEqualTo(List.of("1", "0", "TCP", "a,b", "80"));
        assertThat(c.quoted(3)).isTrue();
        assertThat(c.quoted(4)).isFalse();
        assertThat(c.intArg(4)).isEqualTo(80);
        assertThat(c.intArg(2)).isEqualTo(-1);
        assertThat(CommandLine.parse("AT+CFUN?").query()).isTrue();
        assertThat(CommandLine.parse("AT+CFUN=?").test()).isTrue();
        assertThat(CommandLine.parse("AT").name()).isEmpty();
    }
}
