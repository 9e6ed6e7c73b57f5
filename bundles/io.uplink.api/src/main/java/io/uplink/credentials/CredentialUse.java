package io.uplink.credentials;

/**
 * What a certificate with its private key is for. The key usage and extended key usage a certificate must allow
 * follow from it.
 *
 * @since 1.3
 */
public enum CredentialUse {
    /** The gateway's identity towards a broker (TLS client authentication): extended key usage clientAuth. */
    TLS_CLIENT,
    /** A TLS server's certificate, such as the gateway's console over HTTPS: extended key usage serverAuth. */
    TLS_SERVER
}
