package io.uplink.modem;

import java.util.Optional;

import io.uplink.transport.Transport;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A live modem attached by a {@link ModemDialect}.
 *
 * <p>Registered as a service while attached, with the service property {@value #PID} naming its configuration.
 * Thread-safe.
 *
 * @since 1.0
 */
@ProviderType
public interface Modem {

    /** Service property: the configuration PID of this modem. */
    String PID = "modem.pid";

    ModemIdentity identity();

    /** The family of the dialect driving it. */
    String dialectFamily();

    /** The network registration state, as last reported by the modem. */
    RegistrationState registration();

    /** Sockets through this modem's AT socket commands (host TLS runs on top of these). */
    Transport transport();

    /** What the modem's own TLS stack offers, for the doctor to set against a broker's requirements. */
    ModemTlsCapabilities tlsCapabilities();

    /**
     * The modem's own TLS (provisioning and sessions terminated in the modem), when its dialect drives one.
     *
     * @since 1.2
     */
    default Optional<ModemTls> tls() {
        return Optional.empty();
    }

    /**
     * Asks the modem for its signal quality now (an AT exchange: call it at most every few seconds). Empty when its
     * dialect does not report one or the modem did not answer.
     *
     * @since 1.3
     */
    default Optional<SignalQuality> signalQuality() {
        return Optional.empty();
    }

    /**
     * Asks the modem which network operator it is registered with (27.007 {@code AT+COPS?}), as the module names it:
     * the long alphanumeric name where the module gives one, else the numeric MCC/MNC. An AT exchange: call it at most
     * every few seconds. Empty when not registered, not reported, or the modem did not answer.
     *
     * @since 1.4
     */
    default Optional<String> networkOperator() {
        return Optional.empty();
    }

    /** Closes every socket and releases the PDP context. Idempotent; the AT channel stays open. */
    void detach();
}
