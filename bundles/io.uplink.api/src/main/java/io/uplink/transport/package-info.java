/**
 * Byte-stream transports: how Uplink reaches a host and port, over the gateway's own network stack or through a
 * cellular modem's socket commands.
 *
 * <p>Every transport registers {@link io.uplink.transport.Transport} with the service property
 * {@value io.uplink.transport.Transport#KIND} set to {@value io.uplink.transport.Transport#KIND_OS} or
 * {@value io.uplink.transport.Transport#KIND_MODEM}; modem transports also carry
 * {@value io.uplink.transport.Transport#MODEM_PID}. Consumers select a transport by filter and must expect it to
 * go away and come back (a dialect bundle updated, a modem re-attached). Since 1.1,
 * {@link io.uplink.transport.ConnectionSocketFactory} hands connections to socket-based clients such as Paho.
 *
 * @since 1.0
 */
@Version("1.1.0")
@Export
package io.uplink.transport;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
