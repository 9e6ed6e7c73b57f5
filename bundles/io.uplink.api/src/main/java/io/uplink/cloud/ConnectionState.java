package io.uplink.cloud;

/**
 * Where a {@link CloudConnection} stands.
 *
 * @since 1.0
 */
public enum ConnectionState {
    /** Not trying: disabled, or no transport available. */
    DISCONNECTED,
    /** Opening transport, TLS and MQTT session. */
    CONNECTING,
    /** MQTT session up; queued messages are flowing. */
    CONNECTED,
    /** Lost or failed; the next attempt is scheduled with backoff. */
    WAITING_TO_RETRY
}
