package io.uplink.ota;

/**
 * An update was refused or failed. The message says what was found (which entry, which signer); {@link #reason()}
 * gives the stable code and the fix.
 *
 * @since 1.0
 */
public class OtaException extends Exception {

    private static final long serialVersionUID = 1L;

    private final OtaReason reason;

    public OtaException(OtaReason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public OtaException(OtaReason reason, String message) {
        this(reason, message, null);
    }

    public OtaReason reason() {
        return reason;
    }

    /** The message followed by the fix, for people. */
    public String explain() {
        return getMessage() + " " + reason.fix();
    }
}
