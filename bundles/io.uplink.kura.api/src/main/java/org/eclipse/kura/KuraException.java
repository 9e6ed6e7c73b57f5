package org.eclipse.kura;

import java.util.Arrays;

/** Build-time declaration of Kura's checked exception: a code and message arguments, as Kura's constructors take. */
public class KuraException extends Exception {

    private static final long serialVersionUID = 1L;

    private final KuraErrorCode code;

    public KuraException(KuraErrorCode code, Object... arguments) {
        this(code, null, arguments);
    }

    public KuraException(KuraErrorCode code, Throwable cause, Object... arguments) {
        super(code + " " + Arrays.toString(arguments), cause);
        this.code = code;
    }

    public KuraErrorCode getCode() {
        return code;
    }
}
