package io.uplink.tls;

import io.uplink.transport.Connection;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Runs a TLS client handshake over an open connection and returns the secured session.
 *
 * <p>Thread-safe; each call is independent (session caches are internal). The engine never knows where its bytes
 * go: the connection may be an OS socket or a modem socket.
 *
 * @since 1.0
 */
@ProviderType
public interface TlsEngine {

    /**
     * Performs the handshake within {@link TlsClientProfile#handshakeTimeout()}.
     *
     * @param connection open connection; on failure the engine closes it
     * @param profile what to offer and what to verify
     * @return the established session; closing it sends close_notify and closes the connection
     * @throws TlsHandshakeException with the failure reason, which side raised which alert, and the trace so far
     */
    TlsSession handshake(Connection connection, TlsClientProfile profile) throws TlsHandshakeException;
}
