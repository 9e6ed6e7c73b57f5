package io.uplink.cloud;

/**
 * A publish or subscribe refused, with the reason and what to do.
 *
 * @since 1.0
 */
public class CloudException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String code;
    private final String fix;

    /**
     * @param code stable code, e.g. {@code queue-full}, {@code payload-too-large}, {@code qos-unsupported}
     */
    public CloudException(String code, String message, String fix, Throwable cause) {
        super(message, cause);
        this.code = code;
        this.fix = fix == null ? "" : fix;
    }

    public CloudException(String code, String message, String fix) {
        this(code, message, fix, null);
    }

    public String code() {
        return code;
    }

    public String fix() {
        return fix;
    }
}
