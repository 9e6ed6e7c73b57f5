package io.uplink.cloud;

import java.time.Instant;

/**
 * Confirms a message reached the broker.
 *
 * @param messageId the connector's id for the message, stable across restarts
 * @param topic the topic published to
 * @param qos the QoS it was delivered with
 * @param acceptedAt when {@code publish} accepted it
 * @param deliveredAt when the broker acknowledged it
 * @since 1.0
 */
public record DeliveryReceipt(long messageId, String topic, int qos, Instant acceptedAt, Instant deliveredAt) {
}
