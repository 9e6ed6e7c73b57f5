package io.uplink.cloud.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import io.uplink.cloud.EndpointProfile;

import org.junit.jupiter.api.Test;

/** Profile rules are checked before anything is sent, each with the reason and the fix. */
class EndpointSettingsTest {

    private static EndpointSettings settings(EndpointProfile profile, String host, int port, String clientId,
            int keepAlive, String username, String tlsMode, List<String> alpn) {
        return new EndpointSettings("e", profile, host, port, clientId, keepAlive, false, username, null, tlsMode, "",
                alpn, Duration.ofSeconds(30), 10, 1000, 1 << 20);
    }

    @Test
    void aCorrectAwsEndpointHasNoProblems() {
        assertThat(settings(EndpointProfile.AWS_IOT, "abc-ats.iot.eu-west-1.amazonaws.com", 8883, "thing-1", 60, "",
                "host", List.of()).problems()).isEmpty();
    }

    @Test
    void awsRulesAreEnforced() {
        List<String> p = settings(EndpointProfile.AWS_IOT, "abc-ats.iot.eu-west-1.amazonaws.com", 443, "x".repeat(129),
                20, "", "none", List.of()).problems();
        assertThat(p).anySatisfy(s -> assertThat(s).contains("128 bytes"))
                .anySatisfy(s -> assertThat(s).contains("keep-alive 30-1200"))
                .anySatisfy(s -> assertThat(s).contains("only TLS"))
                .anySatisfy(s -> assertThat(s).contains("x-amzn-mqtt-ca"));
    }

    @Test
    void googleCloudIotIsRefusedWithTheReason() {
        assertThat(settings(EndpointProfile.GCP_IOT, "mqtt.googleapis.com", 8883, "d", 60, "", "host", List.of())
                .problems()).singleElement().asString().contains("shut down on 2023-08-16");
    }

    @Test
    void azureUserNameFormatIsChecked() {
        assertThat(settings(EndpointProfile.AZURE_IOT_HUB, "hub.azure-devices.net", 8883, "dev1", 60, "dev1", "host",
                List.of()).problems()).singleElement().asString().contains("hub.azure-devices.net/dev1/");
        assertThat(settings(EndpointProfile.AZURE_IOT_HUB, "hub.azure-devices.net", 8883, "dev1", 60,
                "hub.azure-devices.net/dev1/?api-version=2021-04-12", "host", List.of()).problems()).isEmpty();
    }

    @Test
    void modemTlsIsAcceptedWithoutAlpnAndPlainMqttIsRefusedWhereTlsIsRequired() {
        assertThat(settings(EndpointProfile.GENERIC, "broker", 8883, "c", 60, "", "modem", List.of()).problems())
                .isEmpty();
        assertThat(settings(EndpointProfile.AWS_IOT, "abc-ats.iot.eu-west-1.amazonaws.com", 443, "c", 60, "", "modem",
                List.of("x-amzn-mqtt-ca")).problems()).singleElement().asString()
                .contains("cannot be sent by a modem's own TLS");
        assertThat(settings(EndpointProfile.GENERIC, "broker", 8883, "c", 60, "", "tls", List.of()).problems())
                .singleElement().asString().contains("use host, modem or none");
        assertThat(ModemTlsPath.setName("AmazonRootCA1")).isEqualTo("AmazonRootCA1");
        assertThat(ModemTlsPath.setName("my thing/1.é-with-a-very-long-name")).isEqualTo("my-thing-1---with-a-very");
        assertThat(settings(EndpointProfile.HIVEMQ_CLOUD, "x.s1.eu.hivemq.cloud", 1883, "c", 60, "", "none",
                List.of()).problems()).singleElement().asString().contains("only TLS");
    }
}
