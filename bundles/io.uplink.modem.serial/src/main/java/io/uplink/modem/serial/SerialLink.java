package io.uplink.modem.serial;

import java.io.Closeable;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The byte pipe to a modem: a serial port (jSerialComm), a pseudo-terminal, or an in-process pipe to the emulator.
 * Closing it must unblock a pending read.
 */
public interface SerialLink extends Closeable {

    InputStream input();

    OutputStream output();

    /** The port's name for logs, e.g. {@code /dev/ttyUSB2}. */
    String name();
}
