package io.uplink.modem;

import java.util.Optional;

/**
 * Reads the 27.007 {@code +COPS?} answer that every module gives the same way, so that each dialect's
 * {@link Modem#networkOperator()} does not parse it anew.
 *
 * @since 1.4
 */
public final class NetworkOperators {

    /** Longest operator name kept: 27.007 long alphanumeric names are up to 16 characters, some modules give more. */
    static final int MAX_NAME = 64;

    private NetworkOperators() {
    }

    /**
     * The operator in a {@code +COPS: <mode>[,<format>,"<oper>"[,<AcT>]]} line: the quoted name as the module gives it
     * (long or short alphanumeric, or the numeric MCC/MNC, whatever {@code <format>} the module uses). Empty when the
     * line has no operator (not registered: {@code +COPS: 0}), is not a {@code +COPS:} line, or is malformed.
     * Control characters are dropped and the name is cut to {@value #MAX_NAME} characters: a module's answer is
     * shown on web pages and in logs.
     */
    public static Optional<String> fromCopsAnswer(String line) {
        if (line == null) {
            return Optional.empty();
        }
        String s = line.trim();
        if (!s.startsWith("+COPS:")) {
            return Optional.empty();
        }
        int open = s.indexOf('"');
        int close = open < 0 ? -1 : s.indexOf('"', open + 1);
        if (open < 0 || close < 0) {
            return Optional.empty();
        }
        StringBuilder name = new StringBuilder();
        for (int i = open + 1; i < close && name.length() < MAX_NAME; i++) {
            char c = s.charAt(i);
            if (c >= ' ' && c != 0x7f) {
                name.append(c);
            }
        }
        String n = name.toString().trim();
        return n.isEmpty() ? Optional.empty() : Optional.of(n);
    }
}
