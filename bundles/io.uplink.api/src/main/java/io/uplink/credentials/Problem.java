package io.uplink.credentials;

import java.util.Objects;

/**
 * One problem with a credential.
 *
 * @param code stable machine-readable code, e.g. {@code key-mismatch}, {@code chain-incomplete}, {@code expired}
 * @param severity how bad it is
 * @param cause what is wrong, in plain words
 * @param fix what to do about it
 * @since 1.0
 */
public record Problem(String code, Severity severity, String cause, String fix) {

    /** How a problem affects use of the credential. */
    public enum Severity {
        /** The credential cannot work as is. */
        ERROR,
        /** It may work, but something is likely to go wrong (expiry soon, clock suspicious). */
        WARNING,
        /** Worth knowing. */
        INFO
    }

    public Problem {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(cause, "cause");
        Objects.requireNonNull(fix, "fix");
    }
}
