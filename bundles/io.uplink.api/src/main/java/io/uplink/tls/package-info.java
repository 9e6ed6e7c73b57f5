/**
 * TLS client sessions over any {@link io.uplink.transport.Connection}, with a handshake trace people can read.
 *
 * @since 1.0
 */
@Version("1.0.0")
@Export
package io.uplink.tls;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
