package io.uplink.modem;

import java.io.IOException;

/**
 * A modem failure that keeps what the modem said.
 *
 * <p>{@link #getMessage()} is the explanation in plain words; {@link #rawText()} is the modem's response exactly
 * (e.g. {@code +QIOPEN: 0,566}); {@link #dialectCode()} is the dialect's code for it (e.g. {@code 566}), empty when
 * the modem gave none; {@link #fix()} says what to do.
 *
 * @since 1.0
 */
public class ModemException extends IOException {

    private static final long serialVersionUID = 1L;

    private final String rawText;
    private final String dialectCode;
    private final String fix;

    public ModemException(String explanation, String rawText, String dialectCode, String fix, Throwable cause) {
        super(explanation, cause);
        this.rawText = rawText == null ? "" : rawText;
        this.dialectCode = dialectCode == null ? "" : dialectCode;
        this.fix = fix == null ? "" : fix;
    }

    public ModemException(String explanation, String rawText, String dialectCode, String fix) {
        this(explanation, rawText, dialectCode, fix, null);
    }

    public String rawText() {
        return rawText;
    }

    public String dialectCode() {
        return dialectCode;
    }

    public String fix() {
        return fix;
    }
}
