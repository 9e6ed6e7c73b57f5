package io.uplink.cloud;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Receives messages for a subscription.
 *
 * @since 1.0
 */
@ConsumerType
@FunctionalInterface
public interface MessageHandler {

    void onMessage(String topic, byte[] payload, int qos, boolean retained);
}
