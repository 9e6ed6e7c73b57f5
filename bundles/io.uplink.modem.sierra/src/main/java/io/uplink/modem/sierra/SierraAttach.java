package io.uplink.modem.sierra;

import java.time.Duration;

import io.uplink.modem.AtChannel;
import io.uplink.modem.AtCommand;
import io.uplink.modem.AtResponse;
import io.uplink.modem.ModemException;
import io.uplink.modem.ModemIdentity;
import io.uplink.modem.ModemSettings;
import io.uplink.modem.RegistrationState;

/** The steps that bring an HL78xx onto the network, in order, each failing with the modem's words and a fix. */
final class SierraAttach {

    private static final Duration SHORT = AtCommand.DEFAULT_TIMEOUT;

    private final AtChannel at;
    private final ModemIdentity identity;
    private final ModemSettings settings;

    SierraAttach(AtChannel at, ModemIdentity identity, ModemSettings settings) {
        this.at = at;
        this.identity = identity;
        this.settings = settings;
    }

    /** Echo off, numeric errors, the EOF pattern of every data phase, flow control. */
    void setup() throws ModemException {
        SierraHl78Dialect.check(at, "ATE0", "turn echo off", SHORT);
        SierraHl78Dialect.check(at, "AT+CMEE=1", "enable numeric error codes", SHORT);
        SierraHl78Dialect.check(at, SierraCommands.kpattern(), "set the EOF pattern of its data phases", SHORT);
        String flow = settings.extra().getOrDefault("flow.control", "hardware").trim().toLowerCase();
        switch (flow) {
        case "hardware", "rts-cts" -> SierraHl78Dialect.check(at, "AT&K3", "use hardware flow control", SHORT);
        case "none" -> SierraHl78Dialect.check(at, "AT&K0", "turn flow control off", SHORT);
        default -> throw new ModemException("flow.control is '" + flow + "'; it must be 'hardware' (AT&K3, RTS/CTS "
                + "wired; 'rts-cts' says the same) or 'none' (AT&K0).", "", "",
                "Correct flow.control in the modem configuration.");
        }
    }

    void unlockSim() throws ModemException {
        for (int attempt = 0; attempt < 5; attempt++) {
            AtResponse r = at.execute(AtCommand.of("AT+CPIN?"));
            if (r.isOk()) {
                String status = r.line("+CPIN:");
                if (status != null && status.contains("READY")) {
                    return;
                }
                if (status != null && status.contains("SIM PIN")) {
                    enterPin();
                    continue;
                }
                throw new ModemException("The SIM is locked: " + status + ".", status, "",
                        "Unlock it in a phone (PUK or PIN2), then put it back.");
            }
            int code = r.result().code();
            if (code == 14) { // SIM busy, right after boot
                pause(1000);
                continue;
            }
            String meaning = switch (code) {
            case 10 -> "No SIM is inserted";
            case 13 -> "The SIM failed";
            default -> "The modem cannot read the SIM";
            };
            throw new ModemException(meaning + " (" + r.result().text() + ").", r.result().text(),
                    String.valueOf(code), "Check the SIM is inserted the right way and the contacts are clean.");
        }
        throw new ModemException("The SIM did not become ready.", "", "", "Check the SIM is seated; power-cycle.");
    }

    private void enterPin() throws ModemException {
        if (settings.simPin().isEmpty()) {
            throw new ModemException("The SIM asks for its PIN and none is configured.", "+CPIN: SIM PIN", "",
                    "Set sim.pin in the modem configuration (or remove the PIN in a phone).");
        }
        AtResponse r = at.execute(AtCommand.of("AT+CPIN=\"" + settings.simPin() + "\"").sensitive());
        if (!r.isOk()) {
            throw new ModemException("The SIM refused the configured PIN (" + r.result().text() + "). It was not "
                    + "retried: three wrong PINs lock the SIM.", r.result().text(), String.valueOf(r.result().code()),
                    "Correct sim.pin in the modem configuration.");
        }
        pause(500);
    }

    /** {@code AT+CFUN=1} unless the radio is on already (the module may start in airplane mode, CFUN 4). */
    void radioOn() throws ModemException {
        AtResponse r = at.execute(AtCommand.of("AT+CFUN?"));
        String line = r.isOk() ? r.line("+CFUN:") : null;
        if (line != null && line.substring(6).trim().startsWith("1")) {
            return;
        }
        SierraHl78Dialect.check(at, "AT+CFUN=1", "switch its radio on", SierraCommands.CFUN_TIMEOUT);
    }

    /** The APN for the network attach ({@code +CGDCONT}) and for the socket commands ({@code +KCNXCFG}). */
    void configureApn(int cid) throws ModemException {
        String apn = settings.apn();
        if (apn.contains("\"") || settings.apnUser().contains("\"") || settings.apnPassword().contains("\"")) {
            throw new ModemException("The APN, its user or its password contains a double quote, which an AT command "
                    + "cannot carry.", "", "", "Correct the APN settings in the modem configuration.");
        }
        AtResponse r = at.execute(AtCommand.of(SierraCommands.pdpContext(cid, apn)));
        if (!r.isOk()) {
            throw new ModemException("The modem refused the APN '" + apn + "' for PDP context " + cid + " ("
                    + r.result().text() + ").", r.result().text(), String.valueOf(r.result().code()),
                    "Check the APN name: letters, digits, dots and dashes only; the context id 1..16.");
        }
        r = at.execute(AtCommand.of(SierraCommands.connectionConfig(cid, apn, settings.apnUser(),
                settings.apnPassword())).sensitive());
        if (!r.isOk()) {
            throw new ModemException("The modem refused the connection configuration for APN '" + apn + "' ("
                    + r.result().text() + ").", r.result().text(), String.valueOf(r.result().code()),
                    "Check the APN, its user name and password.");
        }
    }

    RegistrationState awaitRegistration() throws ModemException {
        long timeoutSeconds = parseLong(settings.extra().get("registration.timeout.s"), 180);
        long deadline = System.nanoTime() + Duration.ofSeconds(timeoutSeconds).toNanos();
        RegistrationState last = RegistrationState.UNKNOWN;
        while (true) {
            AtResponse r = at.execute(AtCommand.of("AT+CEREG?"));
            var stat = r.isOk() ? SierraUrcs.registrationStat(r.line("+CEREG:"), true) : java.util.Optional
                    .<Integer>empty();
            if (stat.isPresent()) {
                RegistrationState s = RegistrationState.of(stat.get());
                if (s.isRegistered()) {
                    return s;
                }
                if (s == RegistrationState.DENIED) {
                    throw new ModemException("The network denied registration (" + r.line("+CEREG:") + ").",
                            r.line("+CEREG:"), "3", "Check the SIM is active for LTE-M/NB-IoT data on this "
                                    + "network, and roaming.");
                }
                last = s;
            }
            if (System.nanoTime() > deadline) {
                throw new ModemException("The " + identity.model() + " is not registered on a network after "
                        + timeoutSeconds + " s (last state " + last + ").", "", "", "Check the antenna and "
                                + "coverage; the SIM's network must offer LTE-M or NB-IoT here (AT+KSRAT selects "
                                + "which).");
            }
            pause(1000);
        }
    }

    private static long parseLong(String s, long fallback) {
        try {
            return s == null ? fallback : Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
