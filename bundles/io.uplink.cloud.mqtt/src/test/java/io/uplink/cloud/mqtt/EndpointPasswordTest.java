package io.uplink.cloud.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The component's password source: the configured password, or a fresh SAS token from an Azure device key. */
class EndpointPasswordTest {

    /** A configuration as DS would build it: the given values, metatype defaults for the rest. */
    private static EndpointConfig config(Map<String, Object> values) {
        return (EndpointConfig) Proxy.newProxyInstance(EndpointConfig.class.getClassLoader(),
                new Class<?>[] { EndpointConfig.class }, (proxy, method, args) -> values.containsKey(method.getName())
                        ? values.get(method.getName())
                        : method.getDefaultValue());
    }

    @Test
    void anAzureDeviceKeyBecomesAFreshSasTokenPerAttempt() {
        EndpointConfig c = config(Map.of("profile", "azure-iot-hub", "host", "myhub.azure-devices.net", "client_id",
                "gw-1", "username", "myhub.azure-devices.net/gw-1/?api-version=2021-04-12", "_azure_device_key",
                "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=", "azure_sas_validity_hours", 2));
        String token = new String(MqttEndpointComponent.password(c, MqttEndpointComponent.settings(c)).get());
        assertThat(token).startsWith("SharedAccessSignature sr=myhub.azure-devices.net%2Fdevices%2Fgw-1&sig=");
        long se = Long.parseLong(token.substring(token.indexOf("&se=") + 4));
        assertThat(se).isBetween(Instant.now().getEpochSecond() + 7000, Instant.now().getEpochSecond() + 7300);
    }

    @Test
    void aDeviceKeyOnAnotherProfileOrNotBase64IsRefused() {
        EndpointConfig generic = config(Map.of("host", "broker", "client_id", "c", "_azure_device_key", "AAAA"));
        assertThatThrownBy(() -> MqttEndpointComponent.password(generic, MqttEndpointComponent.settings(generic)))
                .hasMessageContaining("set profile azure-iot-hub");
        EndpointConfig bad = config(Map.of("profile", "azure-iot-hub", "host", "h", "client_id", "c",
                "_azure_device_key", "%%%"));
        assertThatThrownBy(() -> MqttEndpointComponent.password(bad, MqttEndpointComponent.settings(bad)))
                .hasMessageContaining("not Base64");
    }

    @Test
    void withoutADeviceKeyTheConfiguredPasswordIsUsed() {
        EndpointConfig c = config(Map.of("host", "broker", "client_id", "c", "_password", "s3cret"));
        assertThat(MqttEndpointComponent.password(c, MqttEndpointComponent.settings(c)).get()).containsExactly(
                's', '3', 'c', 'r', 'e', 't');
    }
}
