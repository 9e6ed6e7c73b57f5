/**
 * TLS client sessions over any {@link io.uplink.transport.Connection}, with a handshake trace people can read.
 *
 * <p>1.1: {@link io.uplink.tls.TlsSession#writePcap} and {@link io.uplink.tls.TlsHandshakeException#pcap()} export
 * the bytes exchanged as a capture Wireshark opens.
 *
 * @since 1.0
 */
@Version("1.1.0")
@Export
package io.uplink.tls;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
