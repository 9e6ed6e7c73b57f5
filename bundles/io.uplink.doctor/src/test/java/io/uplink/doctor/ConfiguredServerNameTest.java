package io.uplink.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import io.uplink.cloud.EndpointProfile;
import io.uplink.diagnostics.Diagnosis;
import io.uplink.diagnostics.Finding;
import io.uplink.diagnostics.Finding.Status;
import io.uplink.diagnostics.ProgressListener;
import io.uplink.modem.Modem;
import io.uplink.modem.ModemCredentials;
import io.uplink.modem.ModemIdentity;
import io.uplink.modem.ModemTlsCapabilities;
import io.uplink.modem.RegistrationState;
import io.uplink.transport.Transport;

import org.junit.jupiter.api.Test;

/**
 * A configured TLS server name that differs from the endpoint's host (seed 003: an nRF91 whose TLS_HOSTNAME named
 * another host, and AWS IoT closed the connection after CONNECT) is found from the settings, before any connection.
 */
class ConfiguredServerNameTest {

    private static DoctorTarget target(String host, String sni) {
        return new DoctorTarget(host, 8883, true, sni, List.of(), List.of(), null, "device-1", EndpointProfile.AWS_IOT,
                "", null, "t", Duration.ofSeconds(5));
    }

    @Test
    void aNameOtherThanTheHostIsTlsSniWrongWithTheFix() {
        Finding f = Doctor.configuredServerName(target("abc-ats.iot.eu-west-1.amazonaws.com",
                "data.iot.eu-west-1.amazonaws.com"), true);
        assertThat(f).isNotNull();
        assertThat(f.cause()).isEqualTo("tls.sni-wrong");
        assertThat(f.status()).isEqualTo(Status.FAIL);
        assertThat(f.summary()).contains("data.iot.eu-west-1.amazonaws.com").contains("after the MQTT CONNECT");
        assertThat(f.fix()).contains("sni setting empty").contains("abc-ats.iot.eu-west-1.amazonaws.com");
        assertThat(Doctor.configuredServerName(target("a.example", "b.example"), false).status())
                .isEqualTo(Status.WARN);
    }

    @Test
    void theHostItselfNoNameOrAnAddressIsFine() {
        assertThat(Doctor.configuredServerName(target("broker.example", ""), true)).isNull();
        assertThat(Doctor.configuredServerName(target("broker.example", "BROKER.example."), true)).isNull();
        assertThat(Doctor.configuredServerName(target("10.1.2.3", "broker.example"), true)).isNull();
    }

    @Test
    void theModemTlsLadderStopsThereWithoutTouchingTheModem() {
        Diagnosis d = new Doctor(null).diagnoseModemTls(target("abc-ats.iot.eu-west-1.amazonaws.com", "wrong.example"),
                untouchable(), ModemCredentials.trust("ca", "x".getBytes()), null, List.of(), ProgressListener.NONE);
        assertThat(d.verdict().cause()).isEqualTo("tls.sni-wrong");
        assertThat(d.findings()).singleElement();
    }

    /** A modem any use of which fails the test: the finding must come before any connection. */
    private static Modem untouchable() {
        return new Modem() {
            @Override
            public ModemIdentity identity() {
                throw new AssertionError("touched the modem");
            }

            @Override
            public String dialectFamily() {
                throw new AssertionError("touched the modem");
            }

            @Override
            public RegistrationState registration() {
                throw new AssertionError("touched the modem");
            }

            @Override
            public Transport transport() {
                throw new AssertionError("touched the modem");
            }

            @Override
            public ModemTlsCapabilities tlsCapabilities() {
                throw new AssertionError("touched the modem");
            }

            @Override
            public java.util.Optional<io.uplink.modem.ModemTls> tls() {
                throw new AssertionError("touched the modem");
            }

            @Override
            public void detach() {
                throw new AssertionError("touched the modem");
            }
        };
    }
}
