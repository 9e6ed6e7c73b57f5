package io.uplink.modem;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Receives unsolicited result codes. Called on the channel's thread: return quickly, never block, never call
 * {@link AtChannel#execute(AtCommand)} from here.
 *
 * @since 1.0
 */
@ConsumerType
@FunctionalInterface
public interface UrcListener {

    /**
     * @param line the URC line without CR/LF, e.g. {@code +QIURC: "closed",0}
     * @param data raw bytes that followed the line (Quectel direct push), empty when none; the listener owns it
     */
    void onUrc(String line, byte[] data);
}
