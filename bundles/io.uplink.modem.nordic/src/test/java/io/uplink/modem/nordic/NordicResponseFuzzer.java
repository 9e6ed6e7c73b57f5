package io.uplink.modem.nordic;

import io.uplink.modem.serial.FuzzedAtChannel;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import io.uplink.modem.Modem;
import io.uplink.modem.ModemCredentials;
import io.uplink.modem.ModemException;
import io.uplink.modem.ModemSettings;
import io.uplink.modem.ProvisioningListener;
import io.uplink.modem.ProvisioningReport;
import io.uplink.modem.StoredCredential;
import io.uplink.transport.Connection;
import io.uplink.transport.TransportException;

/**
 * Coverage-guided fuzzing of the Nordic dialect's response parsers (docs/FUZZING.md): attach (CFUN, CGDCONT, SIM,
 * +CEREG, CGACT), the {@code %CMNG} list and read answers, provisioning (compare, offline write, verify, back online),
 * the stored credentials, a socket's open, data-mode send and polled {@code #XRECV}, the {@code +CEREG} forms and the
 * data-mode splitter, over a channel that answers anything. The contract: each returns a value or throws
 * {@link ModemException} / {@link TransportException}, nothing else; what comes back is bounded by what the modem said.
 */
class NordicResponseFuzzer {

    /** No PIN and no registration wait: one pass over each answer. */
    private static final ModemSettings SETTINGS = new ModemSettings("iot.example", "", "", "", 1,
            Map.of("registration.timeout.s", "0"));

    @FuzzTest
    void parsesAnyAnswer(FuzzedDataProvider in) {
        FuzzedAtChannel at = new FuzzedAtChannel(in);
        int operation = in.consumeInt(0, 7);
        try {
            switch (operation) {
            case 0 -> attach(at);
            case 1 -> list(in);
            case 2 -> provision(at, in);
            case 3 -> stored(at);
            case 4 -> socket(at, in);
            case 5 -> {
                byte[] pem = NordicCredentials.parseRead(lines(in));
                if (pem != null) {
                    assertThat(new String(pem, StandardCharsets.US_ASCII)).endsWith("\n");
                }
            }
            case 6 -> NordicNetwork.registrationOf("+CEREG: " + in.consumeRemainingAsString());
            default -> split(in.consumeRemainingAsBytes());
            }
        } catch (ModemException | TransportException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        } catch (IOException e) {
            throw new AssertionError("only ModemException and TransportException may leave", e);
        }
    }

    private static List<String> lines(FuzzedDataProvider in) {
        List<String> l = new ArrayList<>();
        for (int n = in.consumeInt(0, 6); n > 0; n--) {
            l.add(in.consumeString(200).replace('\r', ' ').replace('\n', ' ').strip());
        }
        return l;
    }

    private static void attach(FuzzedAtChannel at) throws ModemException {
        Modem modem = new NordicSlmDialect().attach(at, NordicSlmDialectTest.NRF9160, SETTINGS);
        assertThat(modem.registration().isRegistered()).isTrue();
        modem.detach();
        assertThat(at.listenerCount()).isZero();
    }

    private static void list(FuzzedDataProvider in) {
        List<String> lines = lines(in);
        for (NordicCmng.Entry e : NordicCmng.parse(lines)) {
            assertThat(e.tag()).isBetween(0L, 4_294_967_295L);
            assertThat(e.sha256()).matches("|[0-9A-F]{64}");
        }
    }

    private static NordicModemState state(FuzzedAtChannel at) {
        return new NordicModemState(at, new NordicNetwork(at, Duration.ZERO), NordicSlmDialectTest.NRF9160, "",
                io.uplink.modem.RegistrationState.HOME);
    }

    private static void provision(FuzzedAtChannel at, FuzzedDataProvider in) throws ModemException {
        byte[] ca = ("-----BEGIN CERTIFICATE-----\n" + in.consumeString(40).replaceAll("[^A-Za-z0-9+/=]", "A")
                + "\n-----END CERTIFICATE-----\n").getBytes(StandardCharsets.US_ASCII);
        ProvisioningReport r = new NordicTls(state(at)).provision(ModemCredentials.trust("ca", ca),
                ProvisioningListener.NONE);
        assertThat(r.items()).hasSize(1);
        assertThat(r.bytesSent()).isIn(0L, (long) ca.length);
    }

    private static void stored(FuzzedAtChannel at) throws ModemException {
        for (StoredCredential c : new NordicTls(state(at)).stored()) {
            assertThat(c.name()).isNotEmpty();
            assertThat(c.location()).startsWith("sec_tag ");
        }
    }

    private static void socket(FuzzedAtChannel at, FuzzedDataProvider in) throws IOException {
        NordicSockets sockets = new NordicSockets(at, NordicSlmDialectTest.NRF9160);
        try (Connection c = sockets.connect("broker.example", 8883, Duration.ofSeconds(1))) {
            c.setReadTimeout(Duration.ofMillis(1));
            c.output().write(in.consumeBytes(in.consumeInt(0, 64)));
            byte[] b = new byte[4096];
            int n = c.input().read(b);
            assertThat((long) n).isLessThanOrEqualTo(at.longestAnswer());
        } catch (java.net.SocketTimeoutException quiet) {
            // nothing arrived in time: a valid outcome
        }
    }

    private static void split(byte[] data) {
        int total = 0;
        for (NordicDataMode.Segment s : NordicDataMode.split(data, 0, data.length)) {
            String t = new String(s.bytes(), StandardCharsets.ISO_8859_1);
            if (!s.text()) {
                assertThat(t).doesNotContain(NordicDataMode.TERMINATOR).doesNotEndWith("+");
            }
            total += s.bytes().length;
        }
        assertThat(total).isEqualTo(data.length);
    }
}
