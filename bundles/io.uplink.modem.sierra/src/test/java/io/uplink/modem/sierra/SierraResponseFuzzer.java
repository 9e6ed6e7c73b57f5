package io.uplink.modem.sierra;

import io.uplink.modem.serial.FuzzedAtChannel;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import io.uplink.modem.Modem;
import io.uplink.modem.ModemCredentials;
import io.uplink.modem.ModemIdentity;
import io.uplink.modem.ModemSettings;
import io.uplink.modem.ModemTlsProfile;
import io.uplink.modem.ProvisioningListener;
import io.uplink.modem.ProvisioningReport;
import io.uplink.modem.StoredCredential;
import io.uplink.transport.Connection;

/**
 * Coverage-guided fuzzing of the HL78xx dialect's response handling (docs/FUZZING.md) over a channel that answers
 * anything: attach, the credential listing, provisioning, the stored sets, and a session's open, reads (+KTCP_DATA,
 * AT+KTCPSTAT, AT+KTCPRCV) and writes with URCs from the input. The contract: each returns or throws an
 * {@link IOException} (ModemException, TransportException, SocketTimeoutException), nothing else, and ends: every
 * loop consumes input, and a channel out of input fails.
 */
class SierraResponseFuzzer {

    private static final ModemIdentity HL7800 = new ModemIdentity("Sierra Wireless", "HL7800", "4.6.9.4", "1");
    private static final ModemSettings SETTINGS = new ModemSettings("internet", "", "", "", 1,
            Map.of("registration.timeout.s", "0"));
    private static final byte[] CA = ("-----BEGIN CERTIFICATE-----\nTUlJQnh6Q0NBVzJnQXdJQkFnSVVGbw==\n"
            + "-----END CERTIFICATE-----\n").getBytes(StandardCharsets.US_ASCII);

    @FuzzTest
    void answersAnything(FuzzedDataProvider in) {
        FuzzedAtChannel at = new FuzzedAtChannel(in);
        int operation = in.consumeInt(0, 3);
        try {
            switch (operation) {
            case 0 -> {
                Modem modem = new SierraHl78Dialect().attach(at, HL7800, SETTINGS);
                assertThat(modem.registration().isRegistered()).isTrue();
                modem.detach();
                assertThat(at.listenerCount()).isZero();
            }
            case 1 -> {
                SierraTls tls = tls(at);
                ProvisioningReport r = tls.provision(ModemCredentials.trust("set", CA), ProvisioningListener.NONE);
                assertThat(r.items()).hasSize(1);
                assertThat(r.bytesSent()).isBetween(0L, (long) CA.length);
            }
            case 2 -> {
                List<StoredCredential> stored = tls(at).stored();
                for (StoredCredential c : stored) {
                    assertThat(c.bytes()).isNotNegative();
                    assertThat(c.name()).isNotEmpty();
                }
            }
            default -> session(at, in);
            }
        } catch (IOException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }

    private static SierraTls tls(FuzzedAtChannel at) {
        SierraSocketTransport sockets = new SierraSocketTransport(at, 1, HL7800);
        return new SierraTls(at, 1, HL7800, sockets, new SierraCredentialLedger(null));
    }

    /** Opens a session (plain or TLS), then reads and writes while URCs from the input cross the commands. */
    private static void session(FuzzedAtChannel at, FuzzedDataProvider in) throws IOException {
        SierraModem modem = new SierraModem(at, HL7800, 1, io.uplink.modem.RegistrationState.HOME,
                new SierraCredentialLedger(null));
        at.onCommand(c -> {
            if (in.remainingBytes() > 0 && in.consumeBoolean()) {
                at.urc(in.pickValue(new String[] { "+KTCP_IND: ", "+KTCP_NOTIF: ", "+KTCP_DATA: ", "+CEREG: " })
                        + in.consumeString(20));
            }
        });
        try {
            Connection c = in.consumeBoolean() ? modem.transport().connect("h", 1, Duration.ofMillis(1))
                    : modem.tls().orElseThrow().connect("h", 1, Duration.ofMillis(1), ModemTlsProfile.builder()
                            .verification(ModemTlsProfile.Verification.NONE).handshakeTimeout(Duration.ofMillis(1))
                            .build());
            c.setReadTimeout(Duration.ofMillis(1));
            for (int i = 0; i < 4 && in.remainingBytes() > 0; i++) {
                if (in.consumeBoolean()) {
                    byte[] buf = new byte[in.consumeInt(1, 64)];
                    int n = c.input().read(buf);
                    assertThat(n).isBetween(-1, buf.length);
                } else {
                    c.output().write(in.consumeBytes(in.consumeInt(1, 64)));
                }
            }
            c.close();
        } finally {
            modem.detach();
        }
    }
}
