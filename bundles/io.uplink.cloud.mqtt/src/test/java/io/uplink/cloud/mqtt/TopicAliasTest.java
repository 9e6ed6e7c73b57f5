package io.uplink.cloud.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import io.uplink.cloud.EndpointProfile;
import io.uplink.transport.os.OsSocketTransport;
import io.uplink.transport.os.SocketSettings;

import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MQTT 5 topic aliases (OASIS MQTT 5.0, 3.3.2.3.4) against a real mosquitto that grants two: the first PUBLISH on a
 * topic carries the topic and sets an alias, later ones an empty topic and the alias; a third topic gets none; a
 * subscriber sees every message under its real topic; a new connection after a broker-side disconnect starts its
 * aliases afresh. Counted in the PUBLISH packets the client sent, read from {@link LatencyProxy}'s byte stream.
 */
class TopicAliasTest {

    private static final String FIRST = "devices/gateway-0001/telemetry";
    private static final String SECOND = "devices/gateway-0001/status";
    private static final String THIRD = "devices/gateway-0001/events";

    @TempDir
    Path dir;

    private Mosquitto broker;
    private int port;

    @AfterEach
    void stop() throws InterruptedException {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void laterPublishesOnATopicCarryOnlyItsAliasUpToTheBrokersMaximumAndAReconnectStartsAfresh() throws Exception {
        startBroker("max_topic_alias 2");
        List<String> received = new CopyOnWriteArrayList<>();
        MqttClient subscriber = new MqttClient("tcp://127.0.0.1:" + port, "alias-subscriber", new MemoryPersistence());
        subscriber.connect(new MqttConnectOptions());
        subscriber.subscribe("devices/#", 1, (topic, m) -> received.add(topic + " " + new String(m.getPayload(),
                StandardCharsets.UTF_8)));
        try (LatencyProxy proxy = new LatencyProxy("127.0.0.1", port, 0, 0);
                MqttCloudConnection c = connection(proxy.port())) {
            await(() -> c.connects() == 1, "the first connection");
            for (int i = 0; i < 4; i++) {
                for (String topic : List.of(FIRST, SECOND, THIRD)) {
                    c.publish(topic, ("m" + i).getBytes(StandardCharsets.UTF_8), 1, false).toCompletableFuture()
                            .get(30, TimeUnit.SECONDS);
                }
            }
            List<Publish> sent = publishes(proxy.traces().get(0).upstream());
            assertThat(sent).hasSize(12);
            for (int topic = 0; topic < 2; topic++) {
                Publish first = sent.get(topic);
                assertThat(first.alias()).as("alias of the first publish on topic %d", topic).isEqualTo(topic + 1);
                assertThat(first.topic()).isEqualTo(topic == 0 ? FIRST : SECOND);
                for (int i = 1; i < 4; i++) {
                    Publish later = sent.get(3 * i + topic);
                    assertThat(later.topic()).as("topic of a later publish").isEmpty();
                    assertThat(later.alias()).isEqualTo(topic + 1);
                    assertThat(later.length()).as("bytes of a later publish against the first")
                            .isEqualTo(first.length() - first.topic().length());
                }
            }
            for (int i = 0; i < 4; i++) {
                Publish third = sent.get(3 * i + 2);
                assertThat(third.topic()).as("the broker grants 2 aliases: the third topic goes in full").isEqualTo(
                        THIRD);
                assertThat(third.alias()).isZero();
            }
            await(() -> received.size() == 12, "the subscriber's 12 messages");
            assertThat(received).contains(FIRST + " m3", SECOND + " m3", THIRD + " m3", FIRST + " m0");

            // The broker ends the connection (another client takes the session over): the next connection must not
            // use the old aliases (a PUBLISH with an unknown alias and no topic is a protocol error, 0x94).
            MqttClient intruder = new MqttClient("tcp://127.0.0.1:" + port, "uplink-alias", new MemoryPersistence());
            intruder.connect(new MqttConnectOptions());
            intruder.disconnect();
            intruder.close();
            c.retryNow();
            await(() -> c.connects() == 2, "the reconnection");
            for (int i = 4; i < 6; i++) {
                c.publish(SECOND, ("m" + i).getBytes(StandardCharsets.UTF_8), 1, false).toCompletableFuture()
                        .get(30, TimeUnit.SECONDS);
                c.publish(FIRST, ("m" + i).getBytes(StandardCharsets.UTF_8), 1, false).toCompletableFuture()
                        .get(30, TimeUnit.SECONDS);
            }
            List<LatencyProxy.Trace> traces = proxy.traces();
            List<Publish> again = publishes(traces.get(traces.size() - 1).upstream());
            assertThat(again).hasSize(4);
            assertThat(again.get(0).topic()).as("first publish after the reconnect").isEqualTo(SECOND);
            assertThat(again.get(0).alias()).isEqualTo(1);
            assertThat(again.get(1).topic()).isEqualTo(FIRST);
            assertThat(again.get(1).alias()).isEqualTo(2);
            assertThat(again.get(2).topic()).isEmpty();
            assertThat(again.get(3).topic()).isEmpty();
            await(() -> received.size() == 16, "the messages after the reconnect");
            assertThat(received).contains(SECOND + " m4", FIRST + " m4", SECOND + " m5", FIRST + " m5");
            assertThat(c.connects()).as("no protocol error made the broker drop the connection again").isEqualTo(2);
        } finally {
            subscriber.disconnect();
            subscriber.close();
        }
    }

    @Test
    void aBrokerThatGrantsNoAliasesGetsTheTopicEveryTime() throws Exception {
        startBroker("max_topic_alias 0");
        try (LatencyProxy proxy = new LatencyProxy("127.0.0.1", port, 0, 0);
                MqttCloudConnection c = connection(proxy.port())) {
            for (int i = 0; i < 3; i++) {
                c.publish(FIRST, new byte[] { 1 }, 1, false).toCompletableFuture().get(30, TimeUnit.SECONDS);
            }
            assertThat(publishes(proxy.traces().get(0).upstream())).extracting(Publish::topic).containsExactly(FIRST,
                    FIRST, FIRST);
        }
    }

    /**
     * Paho gives a new topic its alias before it checks the broker's Receive Maximum, and keeps the alias when that
     * check refuses the publish: the broker never saw it, and the next publish on that topic would carry the alias
     * alone (protocol error 0x94). The session drops such a connection, so the next one starts without aliases.
     */
    @Test
    void aPublishPahoRefusesAfterGivingItsTopicAnAliasEndsTheConnection() throws Exception {
        startBroker("max_inflight_messages 2");
        try (LatencyProxy proxy = new LatencyProxy("127.0.0.1", port, 0, 0)) {
            MqttV5Session session = new MqttV5Session();
            List<String> lost = new CopyOnWriteArrayList<>();
            session.connect(new MqttSession.Spec("127.0.0.1", proxy.port(), "uplink-refused", javax.net.SocketFactory
                    .getDefault(), true, 30, 10, 10, "", null, 15_000), new MqttSession.Events() {
                        @Override
                        public void lost(String why) {
                            lost.add(why);
                        }

                        @Override
                        public void message(String topic, byte[] payload, int qos, boolean retained) {
                        }
                    });
            try {
                proxy.holdDownstreamAfter(proxy.traces().get(0).downstream().length); // CONNACK in, no PUBACK
                MqttSession.Outcome ignored = new MqttSession.Outcome() {
                    @Override
                    public void acknowledged() {
                    }

                    @Override
                    public void failed(String why) {
                    }

                    @Override
                    public void rejected(String why) {
                    }
                };
                session.publish(FIRST, new byte[] { 1 }, 1, false, ignored);
                session.publish(FIRST, new byte[] { 2 }, 1, false, ignored);
                // Paho counts a message in flight once its sender thread has taken it: wait until both are on the wire.
                await(() -> publishes(proxy.traces().get(0).upstream()).size() == 2, "two PUBLISH packets sent");
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> session.publish(SECOND, new byte[] { 3 }, 1,
                        false, ignored)).isInstanceOf(MqttSession.SessionException.class)
                        .hasMessageContaining("topic alias");
                assertThat(session.isConnected()).as("connection dropped with its aliases").isFalse();
                assertThat(publishes(proxy.traces().get(0).upstream())).extracting(Publish::topic)
                        .containsExactly(FIRST, "");
            } finally {
                proxy.holdDownstream(false);
                session.close();
            }
        }
    }

    private MqttCloudConnection connection(int to) throws Exception {
        EndpointSettings s = new EndpointSettings("alias", EndpointProfile.GENERIC, "127.0.0.1", to, "uplink-alias",
                30, true, "", null, "none", "", List.of(), Duration.ofSeconds(10), 8, 1000, 1L << 20, "5");
        OsSocketTransport os = new OsSocketTransport(SocketSettings.DEFAULTS);
        return new MqttCloudConnection(s, dir.resolve("queue"), () -> os, () -> null, null);
    }

    private void startBroker(String... extra) throws Exception {
        broker = new Mosquitto(dir, extra);
        port = broker.port;
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for %s", what).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    /** One MQTT 5 PUBLISH as sent: its topic name (empty when only an alias), Topic Alias (0: none), whole size. */
    record Publish(String topic, int alias, int length) {
    }

    /** The complete MQTT 5 PUBLISH packets in a client's byte stream. */
    static List<Publish> publishes(byte[] stream) {
        List<Publish> out = new ArrayList<>();
        int i = 0;
        while (i < stream.length) {
            int header = stream[i] & 0xFF;
            int[] length = varInt(stream, i + 1);
            if (length == null || length[1] + length[0] > stream.length) {
                return out;
            }
            int start = length[1];
            int end = start + length[0];
            if (header >> 4 == 3) {
                int topicLength = (stream[start] & 0xFF) << 8 | stream[start + 1] & 0xFF;
                String topic = new String(stream, start + 2, topicLength, StandardCharsets.UTF_8);
                int p = start + 2 + topicLength + ((header >> 1 & 3) > 0 ? 2 : 0);
                int[] props = varInt(stream, p);
                int alias = 0;
                for (int q = props[1]; q < props[1] + props[0];) {
                    int id = stream[q++] & 0xFF;
                    if (id != 0x23) {
                        throw new AssertionError("unexpected PUBLISH property 0x" + Integer.toHexString(id));
                    }
                    alias = (stream[q] & 0xFF) << 8 | stream[q + 1] & 0xFF;
                    q += 2;
                }
                out.add(new Publish(topic, alias, end - i));
            }
            i = end;
        }
        return out;
    }

    /** {value, index after it}, or null when the stream ends inside it. */
    private static int[] varInt(byte[] b, int at) {
        int value = 0;
        int shift = 0;
        int j = at;
        while (true) {
            if (j >= b.length) {
                return null;
            }
            int x = b[j++] & 0xFF;
            value |= (x & 0x7F) << shift;
            shift += 7;
            if ((x & 0x80) == 0) {
                return new int[] { value, j };
            }
        }
    }
}
