package io.uplink.modem;

import java.io.Closeable;
import java.io.InputStream;
import java.io.OutputStream;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * The byte pipe to a modem: a serial port (jSerialComm), a pseudo-terminal, or an in-process line to the emulator.
 * One reader and one writer may use it at once. Closing it must unblock a pending read, which then ends with -1 or
 * an {@link java.io.IOException}.
 *
 * @since 1.1
 */
@ConsumerType
public interface SerialLink extends Closeable {

    InputStream input();

    OutputStream output();

    /** The port's name for logs, e.g. {@code /dev/ttyUSB2}. */
    String name();
}
