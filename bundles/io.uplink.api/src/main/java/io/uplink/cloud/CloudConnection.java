package io.uplink.cloud;

import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A connection to one cloud MQTT endpoint, kept up by the connector.
 *
 * <p>Thread-safe. {@link #publish} accepts messages whether or not the broker is reachable: an accepted message is
 * stored durably before the call returns and is delivered when the link allows, surviving reconnects, bundle
 * updates and restarts.
 *
 * @since 1.0
 */
@ProviderType
public interface CloudConnection {

    /** Service property: the endpoint's configured id. */
    String ENDPOINT_ID = "cloud.endpoint.id";

    /** The endpoint's configured id. */
    String endpointId();

    /** The endpoint profile in use. */
    EndpointProfile profile();

    ConnectionState state();

    /**
     * Messages accepted and not yet acknowledged by the broker (on disk, in flight or waiting); -1 when the
     * implementation does not keep a queue.
     *
     * @since 1.1
     */
    default int queuedMessages() {
        return -1;
    }

    /**
     * The outbound queue's durability and disk counters; empty when the implementation does not keep a queue.
     *
     * @since 1.2
     */
    default java.util.Optional<QueueStatus> queueStatus() {
        return java.util.Optional.empty();
    }

    /**
     * Bytes sent and received over this endpoint's connections since it started; empty when the implementation does
     * not count them.
     *
     * @since 1.3
     */
    default java.util.Optional<Traffic> traffic() {
        return java.util.Optional.empty();
    }

    /**
     * What the current or last connection runs over, e.g. "Quectel BG95-M3 on /dev/ttyUSB2, TLSv1.3
     * TLS_AES_128_GCM_SHA256"; empty before the first connection.
     *
     * @since 1.1
     */
    default String path() {
        return "";
    }

    /**
     * Why the last attempt failed, in plain words; empty while connected.
     *
     * @since 1.1
     */
    default String lastProblem() {
        return "";
    }

    /**
     * Queues a message for delivery.
     *
     * @param qos 0, 1 (or 2 where the profile allows it)
     * @return completes when the broker acknowledged the message (QoS 1/2) or it was written to the network (QoS 0);
     *         completes exceptionally with {@link CloudException} if the message can never be delivered
     * @throws CloudException when the message is refused now (queue full, payload or topic breaking the profile's
     *         limits); nothing was stored
     */
    CompletionStage<DeliveryReceipt> publish(String topic, byte[] payload, int qos, boolean retained)
            throws CloudException;

    /**
     * Queues a message without waiting for the disk: returns once the message is queued, and says through the
     * {@link Publication} when it is durable and when it is delivered. One thread can so keep many messages on their
     * way (as an asynchronous MQTT client does) while each is still stored before it counts as accepted; messages
     * queued together share one sync. An implementation without a queue of its own accepts at once.
     *
     * @throws CloudException as {@link #publish}: the message is refused now and nothing was stored
     * @since 1.4
     */
    default Publication publishAsync(String topic, byte[] payload, int qos, boolean retained) throws CloudException {
        CompletionStage<DeliveryReceipt> delivered = publish(topic, payload, qos, retained);
        return new Publication(java.util.concurrent.CompletableFuture.completedFuture(null), delivered);
    }

    /**
     * Subscribes; the subscription is renewed on every reconnect until closed.
     *
     * @param handler called on a connector thread, one message at a time
     */
    Subscription subscribe(String topicFilter, int qos, MessageHandler handler) throws CloudException;
}
