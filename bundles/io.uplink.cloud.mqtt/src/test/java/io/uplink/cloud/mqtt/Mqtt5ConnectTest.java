package io.uplink.cloud.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The MQTT 5 CONNECT as sent to a real mosquitto: a clean session leaves the Session Expiry Interval out (absent means
 * 0, five bytes less on every connection), a persistent one asks for a week.
 */
class Mqtt5ConnectTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "clean session {0}")
    @ValueSource(booleans = { true, false })
    void sessionExpiryIsSentOnlyForAPersistentSession(boolean clean) throws Exception {
        try (Mosquitto broker = new Mosquitto(dir);
                LatencyProxy proxy = new LatencyProxy("127.0.0.1", broker.port, 0, 0)) {
            MqttV5Session session = new MqttV5Session();
            try {
                session.connect(new MqttSession.Spec("127.0.0.1", proxy.port(), "uplink-connect-" + clean,
                        javax.net.SocketFactory.getDefault(), clean, 30, 10, 10, "", null, 15_000),
                        new MqttSession.Events() {
                            @Override
                            public void lost(String why) {
                            }

                            @Override
                            public void message(String topic, byte[] payload, int qos, boolean retained) {
                            }
                        });
                assertThat(session.isConnected()).isTrue();
            } finally {
                session.close();
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (proxy.traces().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            Map<Integer, Long> props = connectProperties(proxy.traces().get(0).upstream());
            if (clean) {
                assertThat(props).doesNotContainKey(0x11);
            } else {
                assertThat(props).containsEntry(0x11, 7L * 24 * 3600);
            }
            assertThat(props).containsEntry(0x21, 10L); // Receive Maximum: the window asked for
        }
    }

    /** The integer properties of the CONNECT at the start of a client's stream (id to value). */
    private static Map<Integer, Long> connectProperties(byte[] s) {
        assertThat(s[0] & 0xFF).as("CONNECT").isEqualTo(0x10);
        int i = 1;
        while ((s[i++] & 0x80) != 0) {
            // remaining length
        }
        i += 2 + 4 + 1 + 1 + 2; // "MQTT", level 5, flags, keep-alive
        int length = 0;
        int shift = 0;
        int b;
        do {
            b = s[i++] & 0xFF;
            length |= (b & 0x7F) << shift;
            shift += 7;
        } while ((b & 0x80) != 0);
        Map<Integer, Long> props = new HashMap<>();
        for (int end = i + length; i < end;) {
            int id = s[i++] & 0xFF;
            int size = switch (id) {
            case 0x11, 0x27 -> 4; // session expiry, maximum packet size
            case 0x21, 0x22 -> 2; // receive maximum, topic alias maximum
            case 0x17, 0x19 -> 1; // request problem / response information
            default -> throw new AssertionError("unexpected CONNECT property 0x" + Integer.toHexString(id));
            };
            long v = 0;
            for (int k = 0; k < size; k++) {
                v = v << 8 | s[i++] & 0xFF;
            }
            props.put(id, v);
        }
        return props;
    }
}
