package io.uplink.cloud.mqtt;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import io.uplink.transport.os.OsSocketTransport;
import io.uplink.transport.os.SocketSettings;

/**
 * Run by the kill -9 test as its own JVM, standing in for the gateway: publishes "from".."to"-1 through the connector
 * (printing "accepted N" after each publish returned), then prints "drained" once the queue is empty.
 */
public final class GatewayProcess {

    private GatewayProcess() {
    }

    public static void main(String[] args) throws Exception {
        Path queue = Path.of(args[0]);
        int port = Integer.parseInt(args[1]);
        int from = Integer.parseInt(args[2]);
        int to = Integer.parseInt(args[3]);
        OsSocketTransport os = new OsSocketTransport(SocketSettings.DEFAULTS);
        try (MqttCloudConnection c = new MqttCloudConnection(StoreAndForwardMosquittoTest.settings("gateway", port),
                queue, () -> os, () -> null, null)) {
            for (int i = from; i < to; i++) {
                c.publish("seq/" + (i % 16), String.valueOf(i).getBytes(StandardCharsets.UTF_8), 1, false);
                System.out.println("accepted " + i);
                System.out.flush();
            }
            while (c.queuedMessages() > 0) {
                Thread.sleep(50);
            }
            System.out.println("drained");
            System.out.flush();
        }
    }
}
