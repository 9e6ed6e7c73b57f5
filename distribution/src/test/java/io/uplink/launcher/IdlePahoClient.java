package io.uplink.launcher;

import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * The footprint baseline of {@link SuiteBenchmark}: a JVM holding only Paho, connected to a broker and idle, as the
 * least a Java MQTT client can cost. Run as its own process with the JVM options the gateway is measured with; prints
 * "connected" once it is.
 */
public final class IdlePahoClient {

    private IdlePahoClient() {
    }

    public static void main(String[] args) throws Exception {
        MqttAsyncClient c = new MqttAsyncClient("tcp://" + args[0] + ":" + args[1], "bench-idle-paho",
                new MemoryPersistence());
        MqttConnectOptions o = new MqttConnectOptions();
        o.setKeepAliveInterval(60);
        c.connect(o).waitForCompletion(20_000);
        c.publish("bench/idle", "hello".getBytes(java.nio.charset.StandardCharsets.UTF_8), 1, false)
                .waitForCompletion(20_000);
        System.out.println("connected");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
