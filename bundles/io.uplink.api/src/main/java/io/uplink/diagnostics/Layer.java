package io.uplink.diagnostics;

/**
 * The rungs of the diagnosis ladder, bottom up.
 *
 * @since 1.0
 */
public enum Layer {
    SERIAL, MODEM, IDENTITY, SIM, REGISTRATION, PDP, DNS, TCP, TLS, MQTT, PUBLISH
}
