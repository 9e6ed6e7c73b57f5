package io.uplink.doctor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.uplink.diagnostics.Finding;
import io.uplink.diagnostics.Finding.Status;
import io.uplink.diagnostics.Layer;
import io.uplink.modem.AtChannel;
import io.uplink.modem.AtCommand;
import io.uplink.modem.AtResponse;
import io.uplink.modem.ModemException;

/**
 * The modem half of the ladder with 3GPP TS 27.007 commands every module answers: does the port answer AT, what is
 * the module, is the SIM ready, is the module registered. The PDP context is the dialect's (its attach brings it up);
 * the caller reports that rung from the attach.
 */
public final class ModemRungs {

    private static final Duration AT_WAIT = Duration.ofSeconds(3);
    /**
     * The {@link ModemException#dialectCode()} with which the serial AT channel fails a command the modem flooded with
     * data (io.uplink.modem.serial's SerialAtChannel.ENDLESS_DATA; the doctor depends on the API only).
     */
    static final String ENDLESS_DATA = "endless-data";
    /** The channel's code for a command that timed out while bytes arrived that were no answer (SerialAtChannel.NOISE). */
    static final String NOISE = "noise";
    static final String NOISE_FIX = "Set the baud rate the module uses (--baud, or the modem configuration's baud rate; "
            + "Quectel: 115200 unless changed with AT+IPR), check that this is the module's AT port and not its NMEA "
            + "or diagnostics port (Quectel USB: usually ttyUSB2), and the cable and ground on a UART; power-cycle a "
            + "module stuck in data mode.";

    private ModemRungs() {
    }

    /** Walks serial, identity, SIM and registration; stops at the first failure. */
    public static List<Finding> walk(AtChannel at, String port) {
        List<Finding> out = new ArrayList<>();
        AtResponse ping;
        try {
            ping = at.execute(AtCommand.of("AT").withTimeout(AT_WAIT));
        } catch (ModemException e) {
            if (isNoise(e)) {
                out.add(noise(e, "AT"));
                return out;
            }
            out.add(new Finding(Layer.SERIAL, Status.FAIL, "serial.no-response", "Nothing answered AT on " + port
                    + " within " + AT_WAIT.toSeconds() + " s (" + e.getMessage() + ").", "Check that this is the "
                            + "module's AT port (Quectel USB: usually ttyUSB2; ttyUSB1 is NMEA), the baud rate (115200 "
                            + "unless changed with AT+IPR), that no other program (ModemManager, a terminal) holds "
                            + "the port, and that the module is powered (PWRKEY).", List.of("-> AT", "<- (nothing)")));
            return out;
        }
        out.add(new Finding(Layer.SERIAL, Status.PASS, "ok", port + " answers AT (" + ping.elapsed().toMillis()
                + " ms).", "", evidence(ping)));

        AtResponse id;
        try {
            id = at.execute(AtCommand.of("ATI").withTimeout(AT_WAIT));
        } catch (ModemException e) {
            if (isNoise(e)) {
                out.add(noise(e, "ATI"));
                return out;
            }
            id = null;
        }
        if (id != null && (!id.isOk() || id.lines().isEmpty())) {
            // Nordic's Serial LTE Modem answers ATI with ERROR: it says who it is to AT+CGMI and AT+CGMM.
            AtResponse maker = quiet(at, "AT+CGMI");
            AtResponse type = quiet(at, "AT+CGMM");
            if (maker != null && maker.isOk() && type != null && type.isOk()) {
                List<String> both = new ArrayList<>(maker.lines());
                both.addAll(type.lines());
                id = new AtResponse(AtCommand.of("AT+CGMI;+CGMM"), both, null, type.result(),
                        maker.elapsed().plus(type.elapsed()));
            }
        }
        String model = id == null ? "" : String.join(" ", id.lines()).trim();
        out.add(new Finding(Layer.IDENTITY, id != null && id.isOk() ? Status.PASS : Status.WARN, "ok",
                model.isEmpty() ? "The module did not say what it is (ATI)." : "The module is " + model + ".", "",
                id == null ? List.of() : evidence(id)));

        AtResponse pin = quiet(at, "AT+CPIN?");
        String state = pin == null ? null : pin.line("+CPIN:");
        String radioOff = pin != null && pin.result().code() == 10 ? radioOff(at) : null;
        if (radioOff != null) {
            // An nRF91 reads its SIM only with the radio on; the Serial LTE Modem starts with it off (CFUN=0).
            out.add(new Finding(Layer.SIM, Status.SKIPPED, "ok", "The SIM cannot be read yet: the module's radio is "
                    + "off (" + radioOff + "), and this module reads its SIM only with the radio on. The dialect "
                    + "turns it on when it attaches; SIM and registration are checked then.", "", evidence(pin)));
            return out;
        }
        if (state == null || !state.contains("READY")) {
            boolean wantsPin = state != null && state.contains("PIN");
            boolean wantsPuk = state != null && state.contains("PUK");
            out.add(new Finding(Layer.SIM, Status.FAIL, "modem.sim", wantsPuk ? "The SIM is blocked and asks for its "
                    + "PUK (too many wrong PINs)." : wantsPin ? "The SIM asks for its PIN."
                            : "The SIM is not ready (" + (pin == null ? "no answer" : pin.result().text()) + ").",
                    wantsPuk ? "Unblock the SIM with its PUK in a phone, then set the PIN in the modem configuration."
                            : wantsPin ? "Set the SIM PIN in the modem configuration (.sim.pin), or remove the PIN "
                                    + "lock in a phone." : "Check that a SIM is inserted the right way round and "
                                            + "that the SIM tray is seated; +CME ERROR: 10 means no SIM.",
                    pin == null ? List.of("-> AT+CPIN?", "<- (nothing)") : evidence(pin)));
            return out;
        }
        out.add(new Finding(Layer.SIM, Status.PASS, "ok", "The SIM is ready.", "", evidence(pin)));

        AtResponse eps = quiet(at, "AT+CEREG?");
        AtResponse cs = quiet(at, "AT+CREG?");
        int stat = Math.max(stat(eps, "+CEREG:"), stat(cs, "+CREG:"));
        List<String> ev = new ArrayList<>();
        if (eps != null) {
            ev.addAll(evidence(eps));
        }
        if (cs != null) {
            ev.addAll(evidence(cs));
        }
        String off = stat == 0 ? radioOff(at) : null;
        if (off != null) {
            // The Serial LTE Modem starts with the radio off (CFUN=0): not registered, and not meant to be yet.
            out.add(new Finding(Layer.REGISTRATION, Status.SKIPPED, "ok", "Not registered because the module's "
                    + "radio is off (" + off + "). The dialect turns it on when it attaches; registration is checked "
                    + "then.", "", ev));
            return out;
        }
        if (stat == 1 || stat == 5) {
            out.add(new Finding(Layer.REGISTRATION, Status.PASS, "ok", "Registered on the network"
                    + (stat == 5 ? " (roaming)." : " (home network)."), "", ev));
        } else {
            String what = switch (stat) {
            case 0 -> "not registered and not searching";
            case 2 -> "still searching for a network";
            case 3 -> "registration denied by the network";
            default -> "registration state unknown";
            };
            out.add(new Finding(Layer.REGISTRATION, Status.FAIL, "modem.not-registered", "The module is " + what
                    + ".", stat == 3 ? "The SIM is not allowed on this network: check the SIM is activated for "
                            + "LTE-M/NB-IoT with the operator, and the roaming agreement." : "Check the antenna, "
                                    + "coverage for the radio access the module uses (LTE-M / NB-IoT; Quectel: "
                                    + "AT+QCFG=\"iotopmode\" and \"band\"), and that the SIM's plan covers it; "
                                    + "registration can take minutes on first use.", ev));
        }
        return out;
    }

    /** {@code +CFUN: 0} or {@code 4} (radio off), or null when the radio is on or the module does not say. */
    private static String radioOff(AtChannel at) {
        AtResponse fun = quiet(at, "AT+CFUN?");
        String line = fun == null ? null : fun.line("+CFUN:");
        if (line == null) {
            return null;
        }
        String mode = line.substring(line.indexOf(':') + 1).trim();
        return mode.equals("0") || mode.equals("4") ? line : null;
    }

    /** The PDP rung when the dialect's attach failed: its explanation, and the APN advice. */
    public static Finding attachFailed(ModemException e, String apn) {
        if (isNoise(e)) {
            return noise(e, "");
        }
        List<String> evidence = new ArrayList<>();
        if (!e.rawText().isEmpty()) {
            evidence.add("<- " + e.rawText());
        }
        return new Finding(Layer.PDP, Status.FAIL, "modem.pdp", "The data connection (PDP context) did not come up"
                + (apn.isEmpty() ? "" : " with APN '" + apn + "'") + ": " + e.getMessage(), "Check the APN (your "
                        + "operator's IoT APN, not the phone one), the APN user and password if the operator needs "
                        + "them, and that the SIM's plan includes data." + (e.fix().isEmpty() ? "" : " " + e.fix()),
                evidence);
    }

    /** Whether the channel gave up because what arrived cannot be a modem's answer (a flood, noise). */
    static boolean isNoise(ModemException e) {
        return ENDLESS_DATA.equals(e.dialectCode()) || NOISE.equals(e.dialectCode());
    }

    /** The serial rung for a line that carries data but no answers: wrong baud, data mode, noise. */
    static Finding noise(ModemException e, String command) {
        List<String> evidence = new ArrayList<>();
        if (!command.isEmpty()) {
            evidence.add("-> " + command);
        }
        evidence.add("<- " + (e.rawText().isEmpty() ? "(bytes that are no answer)" : e.rawText())); // [N bytes] sample
        return new Finding(Layer.SERIAL, Status.FAIL, Cause.SERIAL_NOISE.code(), e.getMessage(), NOISE_FIX,
                evidence);
    }

    /** The {@code stat} field of a +CEREG:/+CREG: read answer ({@code n,stat[,...]}), or -1. */
    static int stat(AtResponse r, String prefix) {
        String line = r == null ? null : r.line(prefix);
        if (line == null) {
            return -1;
        }
        String[] f = line.substring(prefix.length()).trim().split(",");
        try {
            return f.length >= 2 ? Integer.parseInt(f[1].trim()) : -1;
        } catch (NumberFormatException e) {
            return -1; // unconfirmed formats are tolerated: unknown state
        }
    }

    private static AtResponse quiet(AtChannel at, String line) {
        try {
            return at.execute(AtCommand.of(line).withTimeout(AT_WAIT));
        } catch (ModemException e) {
            return null;
        }
    }

    private static List<String> evidence(AtResponse r) {
        List<String> ev = new ArrayList<>();
        ev.add("-> " + r.command().line());
        r.lines().forEach(l -> ev.add("<- " + l));
        ev.add("<- " + r.result().text());
        return ev;
    }
}
