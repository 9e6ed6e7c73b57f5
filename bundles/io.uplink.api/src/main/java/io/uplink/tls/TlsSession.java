package io.uplink.tls;

import java.security.cert.X509Certificate;
import java.util.List;

import io.uplink.transport.Connection;

import org.osgi.annotation.versioning.ProviderType;

/**
 * An established TLS session: a {@link Connection} carrying application data, plus what was negotiated.
 *
 * @since 1.0
 */
@ProviderType
public interface TlsSession extends Connection {

    /** The negotiated protocol, e.g. {@code TLSv1.3}. */
    String protocol();

    /** The negotiated suite's IANA name, e.g. {@code TLS_AES_128_GCM_SHA256}. */
    String cipherSuite();

    /** The negotiated ALPN protocol, empty when none. */
    String applicationProtocol();

    /** The server's certificate chain as sent, leaf first. */
    List<X509Certificate> serverChain();

    /** Whether this session resumed an earlier one. */
    boolean resumed();

    /** Every handshake message and alert so far, in order. */
    HandshakeTrace trace();

    /**
     * Writes the bytes exchanged so far (the handshake, and application data up to a bounded amount) as a pcap
     * capture with synthetic IPv4/TCP framing, which Wireshark dissects as TLS (on port 443 or 8883 by default,
     * else with "Decode As").
     *
     * @since 1.1
     */
    void writePcap(java.io.OutputStream out) throws java.io.IOException;
}
