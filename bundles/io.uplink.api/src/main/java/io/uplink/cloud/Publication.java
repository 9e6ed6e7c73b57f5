package io.uplink.cloud;

import java.util.concurrent.CompletionStage;

/**
 * A message handed to {@link CloudConnection#publishAsync}: when it became durable, and when it was delivered.
 *
 * @param accepted completes once the message is as durable as the endpoint promises (durability {@code sync}: on
 *        disk, so it survives a crash or power cut); exceptionally with {@link CloudException} when it could not be
 *        written ({@code queue-write-failed}: it may still be sent from memory, but a crash would lose it)
 * @param delivered completes when the broker acknowledged the message (QoS 1/2) or it was written to the network
 *        (QoS 0), never before {@code accepted}; exceptionally as {@link CloudConnection#publish}'s receipt does, or
 *        when the message was not accepted
 * @since 1.4
 */
public record Publication(CompletionStage<Void> accepted, CompletionStage<DeliveryReceipt> delivered) {
}
