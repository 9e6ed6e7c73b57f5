/**
 * TLS client sessions over any {@link io.uplink.transport.Connection}, with a handshake trace people can read.
 *
 * <p>1.1: {@link io.uplink.tls.TlsSession#writePcap} and {@link io.uplink.tls.TlsHandshakeException#pcap()} export
 * the bytes exchanged as a capture Wireshark opens.
 *
 * <p>1.2: the failures {@code NOT_TLS}, {@code CHAIN_TOO_LONG}, {@code CERTIFICATE_TOO_LARGE} and
 * {@code CONNECTION_RESET} of {@link io.uplink.tls.TlsHandshakeException.Failure}, so that these are no longer reported
 * as {@code PROTOCOL}.
 *
 * <p>1.3: {@link io.uplink.tls.CipherPolicy#CONSTRAINED}, which prefers what resumes.
 *
 * @since 1.0
 */
@Version("1.3.0")
@Export
package io.uplink.tls;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
