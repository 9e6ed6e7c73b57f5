package io.uplink.cloud.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import io.uplink.transport.os.OsSocketTransport;
import io.uplink.transport.os.SocketSettings;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * After a reconnect, what waited in the queue goes out back to back up to the in-flight window: counted in the
 * packets the client sends while the broker's answers after CONNACK are held back, so no PUBACK can open room.
 */
class DrainAfterReconnectTest {

    private static final int WINDOW = 8; // StoreAndForwardMosquittoTest.settings
    private static final int QUEUED = 25;

    @TempDir
    Path dir;

    @Test
    void queuedMessagesFillTheWindowWithoutWaitingForAcknowledgements() throws Exception {
        try (Mosquitto broker = new Mosquitto(dir);
                LatencyProxy proxy = new LatencyProxy("127.0.0.1", broker.port, 0, 0)) {
            broker.stop(); // the connection starts without a broker: everything published waits in the queue
            OsSocketTransport os = new OsSocketTransport(SocketSettings.DEFAULTS);
            try (MqttCloudConnection c = new MqttCloudConnection(StoreAndForwardMosquittoTest.settings("drain",
                    proxy.port()), dir.resolve("queue.mv"), () -> os, () -> null, () -> null)) {
                for (int i = 0; i < QUEUED; i++) {
                    c.publish("drain/" + i, ("m" + i).getBytes(StandardCharsets.UTF_8), 1, false);
                }
                assertThat(c.window()).isEqualTo(WINDOW);
                proxy.holdDownstreamAfter(4); // CONNACK goes through, every PUBACK waits
                broker.start();
                c.retryNow();
                await(() -> c.connects() == 1, "the connection after the broker came back");
                LatencyProxy.Trace trace = proxy.traces().get(proxy.traces().size() - 1);
                await(() -> types(trace.upstream()).stream().filter(t -> t == 3).count() >= WINDOW,
                        "a full window of PUBLISH packets");
                assertThat(types(trace.downstream())).as("the broker acknowledged while the client saw nothing")
                        .contains(4);
                Thread.sleep(300); // time to overstep the window, were it to
                List<Integer> sent = types(trace.upstream());
                assertThat(sent.stream().filter(t -> t == 3).count()).as("PUBLISH packets before any PUBACK reached "
                        + "the client: exactly the window").isEqualTo(WINDOW);
                assertThat(sent.get(0)).as("CONNECT first").isEqualTo(1);

                proxy.holdDownstream(false);
                await(() -> c.queuedMessages() == 0, "every queued message acknowledged");
                assertThat(types(trace.upstream()).stream().filter(t -> t == 3).count()).isEqualTo(QUEUED);
            }
        }
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for %s", what).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    /** The MQTT control packet types (1 CONNECT, 3 PUBLISH, 4 PUBACK ...) of the whole packets in a byte stream. */
    static List<Integer> types(byte[] stream) {
        List<Integer> types = new ArrayList<>();
        int i = 0;
        while (i < stream.length) {
            int type = (stream[i] & 0xFF) >> 4;
            int length = 0;
            int shift = 0;
            int j = i + 1;
            while (true) {
                if (j >= stream.length) {
                    return types; // the rest is not complete yet
                }
                int b = stream[j++] & 0xFF;
                length |= (b & 0x7F) << shift;
                shift += 7;
                if ((b & 0x80) == 0) {
                    break;
                }
            }
            if (j + length > stream.length) {
                return types;
            }
            types.add(type);
            i = j + length;
        }
        return types;
    }
}
