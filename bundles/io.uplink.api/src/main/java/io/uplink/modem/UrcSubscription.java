package io.uplink.modem;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A registered URC listener; closing it stops delivery. Idempotent.
 *
 * @since 1.0
 */
@ProviderType
public interface UrcSubscription extends AutoCloseable {

    @Override
    void close();
}
