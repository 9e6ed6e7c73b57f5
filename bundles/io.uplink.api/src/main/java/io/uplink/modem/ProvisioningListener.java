package io.uplink.modem;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Told about provisioning as it goes, for progress displays. Called on the provisioning thread; must return quickly.
 *
 * @since 1.2
 */
@ConsumerType
@FunctionalInterface
public interface ProvisioningListener {

    /** No progress display. */
    ProvisioningListener NONE = (kind, done, total, what) -> { };

    /**
     * @param kind the part being handled
     * @param done bytes handled so far for this part
     * @param total bytes of this part
     * @param what what is happening, e.g. {@code "comparing"}, {@code "uploading"}, {@code "verifying"}
     */
    void progress(CredentialKind kind, long done, long total, String what);
}
