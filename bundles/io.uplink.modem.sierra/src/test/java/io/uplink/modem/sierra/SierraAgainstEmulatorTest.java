package io.uplink.modem.sierra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import io.uplink.modem.AtCommand;
import io.uplink.modem.AtResponse;
import io.uplink.modem.CredentialKind;
import io.uplink.modem.Modem;
import io.uplink.modem.ModemException;
import io.uplink.modem.ModemIdentity;
import io.uplink.modem.ModemSettings;
import io.uplink.modem.emulator.EmulatedModule;
import io.uplink.modem.emulator.ModuleSettings;
import io.uplink.modem.emulator.Personalities;
import io.uplink.modem.emulator.VirtualSerialLine;
import io.uplink.modem.serial.ModemIdentification;
import io.uplink.modem.serial.SerialAtChannel;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The dialect and {@code emulator:hl7800} were written from the same manual by different hands; this checks the
 * places where the manual is thin against each other, through the real AT channel: the undocumented codes (930, 931,
 * 918), the listing the dialect verifies by, {@code AT+KTCPSTAT}, and what the dialect relies on when it cuts data
 * around the EOF pattern.
 */
class SierraAgainstEmulatorTest {

    private VirtualSerialLine line;
    private EmulatedModule module;
    private SerialAtChannel at;
    private Modem modem;

    @BeforeEach
    void attach() throws Exception {
        line = new VirtualSerialLine("emulated-hl7800", 0);
        module = Personalities.start("emulator:hl7800", line.modemEnd(), ModuleSettings.INSTANT);
        at = new SerialAtChannel(line.gatewayEnd());
        ModemIdentity identity = ModemIdentification.identify(at);
        assertThat(new SierraHl78Dialect().matches(identity)).as(identity.toString()).isTrue();
        modem = new SierraHl78Dialect().attach(at, identity, new ModemSettings("iot.emulated", "", "", "", 1,
                Map.of("registration.timeout.s", "10")));
    }

    @AfterEach
    void close() {
        modem.detach();
        at.close();
        module.close();
        line.close();
    }

    private static final String CA = "-----BEGIN CERTIFICATE-----\n"
            + "MIIBfzCCASWgAwIBAgIUQ7o4bq3X0cW3o3dVb8O9tgd2fxUwCgYIKoZIzj0EAwIw\n"
            + "FTETMBEGA1UEAwwKdGVzdCByb290IDAeFw0yNjAxMDEwMDAwMDBaFw0zNjAxMDEw\n"
            + "-----END CERTIFICATE-----\n";

    @Test
    void aPemWithoutLineBreaksIs931AndTooFewBytesAre930AsTheFieldSaw() throws Exception {
        SierraCredentialStore store = new SierraCredentialStore(at);
        String oneLine = CA.replace("\n", "");
        assertThatThrownBy(() -> store.store(CredentialKind.CA_CERTIFICATES,
                oneLine.getBytes(StandardCharsets.US_ASCII))).isInstanceOf(ModemException.class)
                .satisfies(e -> assertThat(((ModemException) e).dialectCode()).isEqualTo("931"));
        byte[] pem = CA.getBytes(StandardCharsets.US_ASCII);
        byte[] announcedMore = new byte[pem.length + 16 + SierraCommands.EOF_BYTES.length];
        System.arraycopy(pem, 0, announcedMore, 0, pem.length);
        System.arraycopy(SierraCommands.EOF_BYTES, 0, announcedMore, pem.length, SierraCommands.EOF_BYTES.length);
        AtResponse r = at.execute(AtCommand.of("AT+KCERTSTORE=0," + (pem.length + 16))
                .withPayload("CONNECT", java.util.Arrays.copyOf(announcedMore, pem.length
                        + SierraCommands.EOF_BYTES.length)).withTimeout(Duration.ofSeconds(10)));
        assertThat(r.result().text()).isEqualTo("+CME ERROR: 930");
    }

    @Test
    void theTlsVersionOptionTakesTls12AndOption2Value1Is918() throws Exception {
        assertThat(at.execute(AtCommand.of("AT+KSSLCFG=0,3")).isOk()).isTrue();
        assertThat(at.execute(AtCommand.of("AT+KSSLCFG=2,1")).result().text()).isEqualTo("+CME ERROR: 918");
    }

    @Test
    void theListingNamesTheSlotsTheDialectVerifiesBy() throws Exception {
        SierraCredentialStore store = new SierraCredentialStore(at);
        SierraCredentialStore.Listing empty = store.list();
        assertThat(empty.available()).as(empty.evidence()).isTrue();
        assertThat(empty.bytes(CredentialKind.CA_CERTIFICATES)).hasValue(0);
        assertThat(empty.bytes(CredentialKind.PRIVATE_KEY)).hasValue(0);
    }
}
