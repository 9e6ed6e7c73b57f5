package io.uplink.modem;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The AT command channel of one modem.
 *
 * <p>Thread-safe: commands from several threads are queued and run one at a time, in order, by the channel's own
 * thread; {@link #execute(AtCommand)} blocks its caller until the command's final result, its timeout, or the
 * channel closing. URC listeners are called on the channel's thread, in arrival order, also while a command is
 * running: a listener must not block and must not call {@link #execute(AtCommand)} itself (hand work to another
 * thread).
 *
 * @since 1.0
 */
@ProviderType
public interface AtChannel {

    /**
     * Sends a command and waits for its final result.
     *
     * @return the response; its final result may be an error ({@code ERROR}, {@code +CME ERROR: n}), which is
     *         returned, not thrown, so dialects can interpret the code
     * @throws ModemException when no final result arrived in time, the channel closed, or the port failed
     */
    AtResponse execute(AtCommand command) throws ModemException;

    /**
     * Listens to URCs whose line starts with {@code prefix} (for example {@code "+QIURC:"}).
     *
     * @return a handle whose {@link UrcSubscription#close()} stops delivery
     */
    UrcSubscription onUrc(String prefix, UrcListener listener);

    /** The serial port or endpoint this channel talks to, for logs and reports. */
    String portName();

    /** {@code true} while the port is open and the channel accepts commands. */
    boolean isOpen();
}
