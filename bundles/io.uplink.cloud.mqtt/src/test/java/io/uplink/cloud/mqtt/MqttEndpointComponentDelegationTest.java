package io.uplink.cloud.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;

import org.junit.jupiter.api.Test;

import io.uplink.cloud.CloudConnection;

/** The OSGi face of an endpoint passes every part of its connection through. */
class MqttEndpointComponentDelegationTest {

    /** A default method forgotten here answers "nothing" for every endpoint (the page showed no queue figures once). */
    @Test
    void overridesEveryMethodOfTheCloudConnectionInterface() throws Exception {
        for (Method m : CloudConnection.class.getMethods()) {
            assertThat(MqttEndpointComponent.class.getMethod(m.getName(), m.getParameterTypes()).getDeclaringClass())
                    .as("MqttEndpointComponent passes %s through", m.getName()).isEqualTo(MqttEndpointComponent.class);
            assertThat(MqttCloudConnection.class.getMethod(m.getName(), m.getParameterTypes()).getDeclaringClass())
                    .as("MqttCloudConnection implements %s", m.getName()).isEqualTo(MqttCloudConnection.class);
        }
    }
}
