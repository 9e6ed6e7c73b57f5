package io.uplink.modem;

import java.io.IOException;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Opens serial links for port names of one scheme, e.g. {@code emulator:bg95}. Registered as a service with
 * {@value #SCHEME} set to the scheme; plain device paths ({@code /dev/ttyUSB2}, {@code COM3}) are the serial bundle's
 * own.
 *
 * @since 1.1
 */
@ConsumerType
public interface SerialLinkProvider {

    /** Service property: the scheme this provider serves, e.g. {@code emulator}. */
    String SCHEME = "serial.scheme";

    /**
     * @param port the full port name, e.g. {@code emulator:bg95}
     * @param baud the configured baud rate
     * @throws IOException naming what is wrong with the port name or why it cannot be opened
     */
    SerialLink open(String port, int baud) throws IOException;
}
