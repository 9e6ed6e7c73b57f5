package io.uplink.cloud.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.uplink.tls.CipherPolicy;

import org.junit.jupiter.api.Test;

class TlsPolicySettingTest {

    @Test
    void theFormsValuesMapToPolicies() {
        assertThat(MqttEndpointComponent.tlsPolicy("")).isEqualTo(CipherPolicy.MODERN);
        assertThat(MqttEndpointComponent.tlsPolicy(" Constrained ")).isEqualTo(CipherPolicy.CONSTRAINED);
        assertThat(MqttEndpointComponent.tlsPolicy("compatible")).isEqualTo(CipherPolicy.COMPATIBLE);
    }

    @Test
    void anUnknownValueNamesTheChoices() {
        assertThatThrownBy(() -> MqttEndpointComponent.tlsPolicy("fast")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'fast'").hasMessageContaining("constrained");
    }
}
