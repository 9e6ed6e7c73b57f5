package io.uplink.credentials;

import java.time.Instant;
import java.util.List;

/**
 * What an alias holds, without key material.
 *
 * @param alias the alias
 * @param subjects subject names of the stored certificates, leaf first
 * @param hasPrivateKey whether a private key is stored
 * @param earliestExpiry the earliest notAfter among the certificates, {@code null} when none
 * @since 1.0
 */
public record CredentialSummary(String alias, List<String> subjects, boolean hasPrivateKey, Instant earliestExpiry) {

    public CredentialSummary {
        subjects = List.copyOf(subjects);
    }
}
