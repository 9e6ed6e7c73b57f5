package io.uplink.modem;

/**
 * The parts of a credential set stored in a modem.
 *
 * @since 1.2
 */
public enum CredentialKind {
    /** CA certificates that verify the server's chain. */
    CA_CERTIFICATES,
    /** The client's certificate. */
    CLIENT_CERTIFICATE,
    /** The client's private key. */
    PRIVATE_KEY
}
