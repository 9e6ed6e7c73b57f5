package io.uplink.credentials;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Whiteboard listener: register as a service to hear about credential changes (so a TLS engine or a modem can
 * re-provision). Called on a store thread after the change is durable; must not block.
 *
 * @since 1.0
 */
@ConsumerType
public interface CredentialListener {

    /** What happened to an alias. */
    enum Change {
        STORED, DELETED
    }

    void credentialChanged(String alias, Change change);
}
