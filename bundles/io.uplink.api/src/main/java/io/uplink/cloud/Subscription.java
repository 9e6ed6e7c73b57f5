package io.uplink.cloud;

import org.osgi.annotation.versioning.ProviderType;

/**
 * An active subscription; closing it unsubscribes. Idempotent.
 *
 * @since 1.0
 */
@ProviderType
public interface Subscription extends AutoCloseable {

    String topicFilter();

    @Override
    void close();
}
