package io.uplink.kura.cloud;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

import io.uplink.cloud.CloudConnection;
import io.uplink.cloud.DeliveryReceipt;
import io.uplink.cloud.EndpointProfile;
import io.uplink.cloud.ConnectionState;
import io.uplink.cloud.MessageHandler;
import io.uplink.cloud.Subscription;

/** An Uplink connection whose deliveries the test completes by hand. */
final class FakeConnection implements CloudConnection {

    record Sent(String topic, byte[] payload, int qos, boolean retained, CompletableFuture<DeliveryReceipt> done) {
    }

    final List<Sent> sent = new ArrayList<>();
    final Map<String, MessageHandler> subscribed = new ConcurrentHashMap<>();
    volatile ConnectionState state = ConnectionState.CONNECTING;

    @Override
    public String endpointId() {
        return "fake";
    }

    @Override
    public EndpointProfile profile() {
        return null;
    }

    @Override
    public ConnectionState state() {
        return state;
    }

    @Override
    public CompletionStage<DeliveryReceipt> publish(String topic, byte[] payload, int qos, boolean retained) {
        CompletableFuture<DeliveryReceipt> f = new CompletableFuture<>();
        sent.add(new Sent(topic, payload, qos, retained, f));
        return f;
    }

    @Override
    public Subscription subscribe(String topicFilter, int qos, MessageHandler handler) {
        subscribed.put(topicFilter, handler);
        return new Subscription() {
            @Override
            public String topicFilter() {
                return topicFilter;
            }

            @Override
            public void close() {
                subscribed.remove(topicFilter);
            }
        };
    }
}
