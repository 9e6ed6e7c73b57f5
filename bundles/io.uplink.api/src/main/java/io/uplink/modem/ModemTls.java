package io.uplink.modem;

import java.time.Duration;
import java.util.List;

import io.uplink.credentials.PemStyle;
import io.uplink.transport.Connection;
import io.uplink.transport.TransportException;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A modem's own TLS stack: credentials provisioned into the modem, and TLS sessions terminated in the modem (modem
 * TLS mode). Obtained from {@link Modem#tls()}; absent for a modem whose dialect has no TLS of its own.
 *
 * <p>Provisioning stores named credential sets in the modem's own form (files, security tags, certificate indexes),
 * never uploads content that is already there identical (flash wear, and minutes over a slow UART), and reports
 * success only after reading back what the modem stored. A set whose verification fails is removed again, so nothing
 * half-stored is used.
 *
 * <p>Thread-safe; every method talks to the modem over its AT channel and may block for as long as the transfer
 * takes at the serial line's rate.
 *
 * @since 1.2
 */
@ProviderType
public interface ModemTls {

    /** What the modem's TLS offers: versions, suites, SNI, sizes, credential slots. */
    ModemTlsCapabilities capabilities();

    /** How PEM text must be laid out for this modem (line ends, width, private key encoding). */
    PemStyle pemStyle();

    /**
     * Stores a credential set under its name, or confirms it is there already.
     *
     * @param credentials the set: CA certificates, client certificate, private key (each optional)
     * @param progress told about each transfer as it goes; may be a no-op
     * @return per part: uploaded or unchanged, the bytes, and how it was verified
     * @throws ModemException when the modem refuses, runs out of space, or what it stored differs from what was sent
     *         (the message names the limit or the mismatch and the fix)
     */
    ProvisioningReport provision(ModemCredentials credentials, ProvisioningListener progress) throws ModemException;

    /** The credential sets stored in the modem that this dialect can name. */
    List<StoredCredential> stored() throws ModemException;

    /** Removes every part of the named set; {@code false} when nothing of it was stored. */
    boolean remove(String name) throws ModemException;

    /**
     * Opens a TLS session terminated in the modem. Settings the modem forgets at reboot are applied before every
     * open.
     *
     * @throws TransportException naming why the modem's handshake or connection failed, with its raw code
     */
    Connection connect(String host, int port, Duration timeout, ModemTlsProfile profile) throws TransportException;
}
