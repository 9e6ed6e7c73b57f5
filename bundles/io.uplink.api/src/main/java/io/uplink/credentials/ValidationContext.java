package io.uplink.credentials;

import java.time.Instant;
import java.util.Objects;

/**
 * What a credential is validated against.
 *
 * @param trustAlias alias holding the trust anchors the chain must reach, empty for the chain's own anchors
 * @param endpointHost host name the certificate must match (server certificates), empty to skip
 * @param targetModemFamily dialect family whose key limits apply (e.g. {@code quectel-bg9x}), empty to skip
 * @param now the time to check validity against
 * @param use what a certificate with its key is for (since 1.3; {@link CredentialUse#TLS_CLIENT} when null)
 * @since 1.0
 */
public record ValidationContext(String trustAlias, String endpointHost, String targetModemFamily, Instant now,
        CredentialUse use) {

    public ValidationContext {
        trustAlias = Objects.requireNonNullElse(trustAlias, "");
        endpointHost = Objects.requireNonNullElse(endpointHost, "");
        targetModemFamily = Objects.requireNonNullElse(targetModemFamily, "");
        Objects.requireNonNull(now, "now");
        use = Objects.requireNonNullElse(use, CredentialUse.TLS_CLIENT);
    }

    /** A context for a client identity (the form before 1.3). */
    public ValidationContext(String trustAlias, String endpointHost, String targetModemFamily, Instant now) {
        this(trustAlias, endpointHost, targetModemFamily, now, CredentialUse.TLS_CLIENT);
    }

    /**
     * This context for another use.
     *
     * @since 1.3
     */
    public ValidationContext withUse(CredentialUse other) {
        return new ValidationContext(trustAlias, endpointHost, targetModemFamily, now, other);
    }

    /** Validate a client identity now, with no trust alias, host or modem constraints. */
    public static ValidationContext atPresent() {
        return new ValidationContext("", "", "", Instant.now());
    }
}
