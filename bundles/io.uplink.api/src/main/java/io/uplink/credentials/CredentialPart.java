package io.uplink.credentials;

/**
 * A part of what an alias holds, for {@link CredentialStore#exportPem}.
 *
 * @since 1.1
 */
public enum CredentialPart {
    /** The client's own certificate. */
    CLIENT_CERTIFICATE,
    /** The client certificate followed by its intermediates, leaf first. */
    CLIENT_CHAIN,
    /** The client's private key: handle with care, it is the device's identity. */
    PRIVATE_KEY,
    /** The trust anchors (CA certificates). */
    TRUST_ANCHORS
}
