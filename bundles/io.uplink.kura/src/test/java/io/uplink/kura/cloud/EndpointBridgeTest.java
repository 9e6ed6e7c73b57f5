package io.uplink.kura.cloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.eclipse.kura.KuraErrorCode;
import org.eclipse.kura.KuraException;
import org.eclipse.kura.cloudconnection.listener.CloudConnectionListener;
import org.eclipse.kura.cloudconnection.message.KuraMessage;
import org.eclipse.kura.message.KuraPayload;
import org.junit.jupiter.api.Test;

import io.uplink.cloud.ConnectionState;
import io.uplink.cloud.DeliveryReceipt;

class EndpointBridgeTest {

    private final EndpointBridge bridge = new EndpointBridge("uplink-endpoint");
    private final FakeConnection connection = new FakeConnection();

    private static KuraMessage message(Map<String, Object> props) {
        KuraPayload p = new KuraPayload();
        p.setBody("hello".getBytes(StandardCharsets.UTF_8));
        return new KuraMessage(p, props);
    }

    @Test
    void aQos1MessageIsQueuedAndItsIdConfirmedOnlyOnceTheBrokerAcknowledged() throws Exception {
        bridge.connection(connection);
        List<String> confirmed = new ArrayList<>();
        bridge.registerDeliveryListener(confirmed::add);
        String id = bridge.publish(message(Map.of("topic", "a/b", "qos", 1, "encoding", "body")));
        assertThat(id).isNotNull();
        assertThat(connection.sent).singleElement().satisfies(s -> {
            assertThat(s.topic()).isEqualTo("a/b");
            assertThat(new String(s.payload(), StandardCharsets.UTF_8)).isEqualTo("hello");
            assertThat(s.qos()).isEqualTo(1);
        });
        assertThat(confirmed).isEmpty();
        connection.sent.get(0).done().complete(new DeliveryReceipt(1, "a/b", 1, Instant.now(), Instant.now()));
        assertThat(confirmed).containsExactly(id);
    }

    @Test
    void aQos0MessageHasNoId() throws Exception {
        bridge.connection(connection);
        assertThat(bridge.publish(message(Map.of("topic", "a/b", "qos", 0)))).isNull();
    }

    @Test
    void withoutATopicOrAConnectionPublishingFailsSayingWhy() {
        assertThatThrownBy(() -> bridge.publish(message(Map.of("topic", "a/b"))))
                .isInstanceOfSatisfying(KuraException.class, e -> assertThat(e.getCode())
                        .isEqualTo(KuraErrorCode.NOT_CONNECTED))
                .hasMessageContaining("no running connection");
        bridge.connection(connection);
        assertThatThrownBy(() -> bridge.publish(message(Map.of())))
                .isInstanceOf(KuraException.class).hasMessageContaining("no 'topic' property");
        assertThatThrownBy(() -> bridge.publish(message(Map.of("topic", "a", "qos", 2))))
                .isInstanceOf(KuraException.class).hasMessageContaining("must be 0 or 1");
    }

    @Test
    void aSubscriberRegisteredBeforeTheConnectionIsSubscribedWhenItComesAndGetsKuraMessages() {
        List<KuraMessage> got = new ArrayList<>();
        bridge.registerSubscriber(Map.of("topic", "cmd/#", "qos", 1), got::add);
        bridge.connection(connection);
        assertThat(connection.subscribed).containsKey("cmd/#");
        connection.subscribed.get("cmd/#").onMessage("cmd/reboot", new byte[] { 1, 2 }, 1, false);
        assertThat(got).singleElement().satisfies(m -> {
            assertThat(m.getProperties()).containsEntry("topic", "cmd/reboot");
            assertThat(m.getPayload().getBody()).containsExactly(1, 2);
        });
        bridge.unregisterSubscriber(got::add); // another listener object: nothing changes
        assertThat(connection.subscribed).containsKey("cmd/#");
    }

    @Test
    void stateChangesBecomeKuraConnectionEvents() {
        List<String> events = new ArrayList<>();
        bridge.registerConnectionListener(new CloudConnectionListener() {
            @Override
            public void onDisconnected() {
                events.add("disconnected");
            }

            @Override
            public void onConnectionLost() {
                events.add("lost");
            }

            @Override
            public void onConnectionEstablished() {
                events.add("established");
            }
        });
        bridge.connection(connection);
        bridge.poll();
        connection.state = ConnectionState.CONNECTED;
        bridge.poll();
        bridge.poll();
        connection.state = ConnectionState.WAITING_TO_RETRY;
        bridge.poll();
        connection.state = ConnectionState.CONNECTED;
        bridge.poll();
        bridge.connectionGone(connection);
        bridge.poll();
        assertThat(events).containsExactly("established", "lost", "established", "disconnected");
    }
}
