package io.uplink.modem.serial;

import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Tells unsolicited result codes from a command's information text when nobody listens to them, so a {@code RING} or
 * {@code +CREG: 1} arriving during {@code ATI} or {@code AT+CGSN} is not taken for what the module says it is.
 * A line that starts with the command's own response prefix ({@code +CREG:} for {@code AT+CREG?}) always belongs
 * to the command.
 */
final class Unsolicited {

    /** Whole lines a module sends on its own (V.250, 27.007, Quectel boot and power-down, Nordic SLM start). */
    private static final Set<String> LINES = Set.of("RING", "RDY", "APP RDY", "POWERED DOWN", "NORMAL POWER DOWN",
            "SMS DONE", "PB DONE", "+CPIN: READY", "+CPIN: NOT READY", "Ready", "INIT ERROR");

    /** Prefixes of URCs: 27.007/27.005 registration, SIM, call, SMS, time; Quectel, Nordic and Sierra socket events. */
    private static final List<String> PREFIXES = List.of("+CRING:", "+CREG:", "+CGREG:", "+CEREG:", "+C5GREG:",
            "+CPIN:", "+CFUN:", "+CLIP:", "+CUSD:", "+CMTI:", "+CMT:", "+CDS:", "+CBM:", "+CTZV:", "+CTZE:", "+CGEV:",
            "+CIEV:", "+QIND:", "+QUSIM:", "+QIURC:", "+QSSLURC:", "+QMTSTAT:", "+QMTRECV:", "+QMTPING:", "%CESQ:",
            "%XSIM:", "#XSOCKET:", "+KTCP_NOTIF:", "+KTCP_DATA:", "+KSUP:", "+KCELLMEAS:");

    /** A prefixed result ({@code +NAME:}, {@code %NAME:}, {@code #NAME:}, {@code ^NAME:}): never text of ATI. */
    private static final Pattern PREFIXED = Pattern.compile("^[+%#^][A-Za-z0-9_]+:.*");

    private Unsolicited() {
    }

    /**
     * Whether {@code line}, which arrived while a command waits and matched neither its final result nor its response
     * prefix, is a URC rather than information text.
     *
     * @param responsePrefix the command's own prefix ({@code +CSQ:}), or {@code null} for commands such as {@code ATI}
     *            whose information text has none
     */
    static boolean isUnsolicited(String line, String responsePrefix) {
        if (responsePrefix != null && line.startsWith(responsePrefix)) {
            return false;
        }
        if (LINES.contains(line)) {
            return true;
        }
        for (String p : PREFIXES) {
            if (line.startsWith(p)) {
                return true;
            }
        }
        return responsePrefix == null && PREFIXED.matcher(line).matches();
    }
}
