package io.uplink.modem.serial;

import java.util.List;

import io.uplink.modem.AtChannel;
import io.uplink.modem.AtCommand;
import io.uplink.modem.AtResponse;
import io.uplink.modem.ModemException;
import io.uplink.modem.ModemIdentity;

/**
 * Asks a modem who it is: {@code ATI} (manufacturer, model, revision on most modules), with {@code AT+CGMI},
 * {@code AT+CGMM}, {@code AT+CGMR} where ATI says less, and {@code AT+CGSN} for the IMEI.
 *
 * <p>Nordic's Serial LTE Modem differs from V.250 in three ways handled here: it answers nothing to a line ended by CR
 * alone (its default termination is CR+LF), so a modem silent to {@code ATE0} on a {@link SerialAtChannel} is asked
 * again with CR+LF line ends, which the channel keeps; it never echoes and answers {@code ATE0} with {@code ERROR},
 * so a modem that refuses {@code ATE0} but answers {@code AT} is accepted; and it answers {@code ATI} with
 * {@code ERROR}, so {@code AT+CGMI}/{@code AT+CGMM} name it.
 */
public final class ModemIdentification {

    /** How long the first command waits before the line end is questioned. */
    private static final java.time.Duration PROBE = java.time.Duration.ofSeconds(3);

    private ModemIdentification() {
    }

    public static ModemIdentity identify(AtChannel at) throws ModemException {
        AtResponse echoOff = echoOff(at);
        if (!echoOff.isOk() && !at.execute(AtCommand.of("AT")).isOk()) {
            throw new ModemException("The modem on " + at.portName() + " does not accept ATE0 ("
                    + echoOff.result().text() + ").", echoOff.result().text(), "",
                    "Check that this port is the modem's AT port (USB modems expose several).");
        }
        List<String> ati = at.execute(AtCommand.of("ATI")).lines();
        String manufacturer = ati.size() > 0 ? ati.get(0) : ask(at, "AT+CGMI");
        String model = ati.size() > 1 ? ati.get(1) : ask(at, "AT+CGMM");
        String revision = ati.stream().filter(l -> l.startsWith("Revision:")).map(l -> l.substring(9).trim())
                .findFirst().orElseGet(() -> askQuietly(at, "AT+CGMR"));
        String imei = askQuietly(at, "AT+CGSN").replaceAll("[^0-9]", "");
        manufacturer = manufacturer.replace("_Ltd", "").trim();
        model = model.replaceFirst("^Quectel_", "").trim();
        return new ModemIdentity(manufacturer, model, revision, imei);
    }

    /**
     * Chooses the channel's line end before anything else talks to the modem (the doctor's rungs): {@code AT} ended by
     * CR; when the modem stays silent, CR+LF from then on if the modem answers that (Nordic's Serial LTE Modem).
     * Anything else (noise, a closed port, silence either way) is left to the caller's own first command to report.
     */
    public static void chooseLineEnd(SerialAtChannel at) {
        try {
            at.execute(AtCommand.of("AT").withTimeout(PROBE));
        } catch (ModemException silent) {
            if (!silent.dialectCode().isEmpty() || !"\r".equals(at.lineEnd())) {
                return;
            }
            at.lineEnd("\r\n");
            try {
                at.execute(AtCommand.of("AT")); // also ends what the CR-only line left in the modem's buffer
                if (!at.execute(AtCommand.of("AT")).isOk()) {
                    at.lineEnd("\r");
                }
            } catch (ModemException stillSilent) {
                at.lineEnd("\r");
            }
        }
    }

    /** ATE0; when the modem stays silent on a serial channel ending lines with CR, once more with CR+LF. */
    private static AtResponse echoOff(AtChannel at) throws ModemException {
        try {
            // 3 s, as the doctor's first AT: a V.250 modem answers ATE0 at once; the SLM's silence costs no more.
            return at.execute(AtCommand.of("ATE0").withTimeout(PROBE));
        } catch (ModemException silent) {
            if (!(at instanceof SerialAtChannel serial) || !"\r".equals(serial.lineEnd())
                    || !silent.dialectCode().isEmpty()) {
                throw silent; // noise, endless data, a closed port: not a question of line ends
            }
            serial.lineEnd("\r\n");
            try {
                // The first CR+LF also ends what the CR-only lines left in the modem's buffer: that answer is ERROR.
                at.execute(AtCommand.of("AT"));
                return at.execute(AtCommand.of("ATE0"));
            } catch (ModemException stillSilent) {
                serial.lineEnd("\r");
                throw silent;
            }
        }
    }

    private static String ask(AtChannel at, String cmd) throws ModemException {
        AtResponse r = at.execute(AtCommand.of(cmd));
        if (!r.isOk() || r.lines().isEmpty()) {
            throw new ModemException("The modem on " + at.portName() + " did not say who it is (" + cmd + ": "
                    + r.result().text() + ").", r.result().text(), "", "Check this is an AT command port.");
        }
        return r.lines().get(0).replaceFirst("^\\+\\w+:\\s*", "");
    }

    private static String askQuietly(AtChannel at, String cmd) {
        try {
            AtResponse r = at.execute(AtCommand.of(cmd));
            return r.isOk() && !r.lines().isEmpty() ? r.lines().get(0).replaceFirst("^\\+\\w+:\\s*", "") : "";
        } catch (ModemException e) {
            return "";
        }
    }
}
