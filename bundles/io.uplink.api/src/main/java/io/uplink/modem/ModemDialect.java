package io.uplink.modem;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * The SPI a dialect bundle registers: which modems it drives, and how to attach one.
 *
 * <p>Registered as a service with {@value #FAMILY} set to {@link #family()}. The serial modem bundle picks the
 * dialect whose {@link #matches(ModemIdentity)} accepts the identity (or the configured family). When a dialect
 * service goes away, every {@link Modem} it attached is detached and its services unregistered; the modem
 * re-attaches with whichever dialect matches then.
 *
 * <p>Implementations must be thread-safe; {@link #attach} is called on a modem's own worker thread.
 *
 * @since 1.0
 */
@ConsumerType
public interface ModemDialect {

    /** Service property: the dialect family, e.g. {@code quectel-bg9x}. */
    String FAMILY = "modem.dialect.family";

    /** The family name, stable, lower case, e.g. {@code quectel-bg9x}. */
    String family();

    /** {@code true} if this dialect drives the identified modem. Must not talk to the modem. */
    boolean matches(ModemIdentity identity);

    /**
     * Brings the modem onto the network (SIM, registration, PDP context) and returns it ready to open sockets.
     *
     * @param channel the modem's AT channel, already open, echo off
     * @param identity as identified by the caller
     * @param settings APN, credentials, SIM PIN
     * @return the attached modem; the caller registers it as a service and calls {@link Modem#detach()} when done
     * @throws ModemException naming the failed step (SIM, registration, PDP), the modem's raw text and a fix
     */
    Modem attach(AtChannel channel, ModemIdentity identity, ModemSettings settings) throws ModemException;
}
