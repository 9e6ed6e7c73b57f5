package io.uplink.modem;

import java.util.Objects;

/**
 * The final result code that ends a command's response (V.250 and 3GPP TS 27.007).
 *
 * @param kind which final result
 * @param code the number of {@code +CME ERROR: n} / {@code +CMS ERROR: n}, else -1
 * @param text the line exactly as the modem sent it
 * @since 1.0
 */
public record FinalResult(Kind kind, int code, String text) {

    /** The final result codes a modem may end a command with. */
    public enum Kind {
        OK, CONNECT, ERROR, CME_ERROR, CMS_ERROR, NO_CARRIER, BUSY, NO_ANSWER, NO_DIALTONE
    }

    public FinalResult {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(text, "text");
    }

    /** {@code OK} or {@code CONNECT}. */
    public boolean isSuccess() {
        return kind == Kind.OK || kind == Kind.CONNECT;
    }
}
