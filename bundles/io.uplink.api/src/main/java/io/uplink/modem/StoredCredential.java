package io.uplink.modem;

import java.util.Objects;

/**
 * One part of a credential set as stored in a modem.
 *
 * @param name the set's name
 * @param kind the part
 * @param location where the modem keeps it, in the modem's words (e.g. {@code UFS:uplink-x.ca.pem}, sec_tag 42 type 0)
 * @param bytes its size, -1 when the modem does not say
 * @param fingerprint what the modem reports to tell contents apart (a checksum or SHA-256), empty when it reports none
 * @since 1.2
 */
public record StoredCredential(String name, CredentialKind kind, String location, long bytes, String fingerprint) {

    public StoredCredential {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(location, "location");
        fingerprint = fingerprint == null ? "" : fingerprint;
    }
}
