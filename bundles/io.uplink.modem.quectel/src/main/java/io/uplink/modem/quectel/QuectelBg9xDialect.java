package io.uplink.modem.quectel;

import java.time.Duration;
import java.util.Locale;

import io.uplink.modem.AtChannel;
import io.uplink.modem.AtCommand;
import io.uplink.modem.AtResponse;
import io.uplink.modem.FinalResult.Kind;
import io.uplink.modem.Modem;
import io.uplink.modem.ModemDialect;
import io.uplink.modem.ModemException;
import io.uplink.modem.ModemIdentity;
import io.uplink.modem.ModemSettings;
import io.uplink.modem.RegistrationState;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Quectel BG95/BG96/BG77/BG600L: SIM, registration (LTE-M/NB-IoT via +CEREG, 2G fallback via +CGREG), PDP context
 * (QICSGP/QIACT, up to 150 s), then TCP sockets through {@link QuectelSocketTransport}.
 */
@Component(property = ModemDialect.FAMILY + "=" + QuectelBg9xDialect.FAMILY_NAME,
        configurationPolicy = ConfigurationPolicy.IGNORE)
public final class QuectelBg9xDialect implements ModemDialect {

    static final String FAMILY_NAME = "quectel-bg9x";
    private static final Logger LOG = LoggerFactory.getLogger(QuectelBg9xDialect.class);
    private static final Duration QIACT_TIMEOUT = Duration.ofSeconds(150);

    @Override
    public String family() {
        return FAMILY_NAME;
    }

    @Override
    public boolean matches(ModemIdentity identity) {
        String model = identity.model().toUpperCase(Locale.ROOT);
        return identity.manufacturer().toLowerCase(Locale.ROOT).startsWith("quectel")
                && (model.startsWith("BG95") || model.startsWith("BG96") || model.startsWith("BG77")
                        || model.startsWith("BG600"));
    }

    @Override
    public Modem attach(AtChannel at, ModemIdentity identity, ModemSettings settings) throws ModemException {
        check(at, "ATE0", "turn echo off");
        check(at, "AT+CMEE=1", "enable numeric error codes");
        unlockSim(at, settings);
        RegistrationState state = awaitRegistration(at, settings);
        int ctx = settings.pdpContext() <= 0 ? 1 : settings.pdpContext();
        activatePdp(at, settings, ctx);
        LOG.info("{} attached on {}: {}, PDP context {} up (APN '{}')", identity, at.portName(), state, ctx,
                settings.apn());
        return new QuectelModem(at, identity, ctx, state);
    }

    /** 27.007 SIM steps, the same on every Quectel module: shared with the BC66 dialect. */
    static void unlockSim(AtChannel at, ModemSettings settings) throws ModemException {
        for (int attempt = 0; attempt < 5; attempt++) {
            AtResponse r = at.execute(AtCommand.of("AT+CPIN?"));
            if (r.isOk()) {
                String status = r.line("+CPIN:");
                if (status != null && status.contains("READY")) {
                    return;
                }
                if (status != null && status.contains("SIM PIN")) {
                    enterPin(at, settings);
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
            throw simError(r);
        }
        throw new ModemException("The SIM did not become ready.", "", "", "Check the SIM is seated; power-cycle.");
    }

    private static void enterPin(AtChannel at, ModemSettings settings) throws ModemException {
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
        pause(500); // the SIM needs a moment after the PIN
    }

    private static ModemException simError(AtResponse r) {
        int code = r.result().code();
        String meaning;
        switch (code) {
        case 10:
            meaning = "No SIM is inserted";
            break;
        case 13:
            meaning = "The SIM failed";
            break;
        case 11:
            meaning = "The SIM asks for its PIN";
            break;
        default:
            meaning = "The modem cannot read the SIM";
        }
        return new ModemException(meaning + " (" + r.result().text() + ").", r.result().text(),
                String.valueOf(code), "Check the SIM is inserted the right way and the contacts are clean.");
    }

    /** 27.007 registration (+CEREG, +CGREG), the same on every Quectel module: shared with the BC66 dialect. */
    static RegistrationState awaitRegistration(AtChannel at, ModemSettings settings) throws ModemException {
        long timeoutSeconds = parseLong(settings.extra().get("registration.timeout.s"), 180);
        long deadline = System.nanoTime() + Duration.ofSeconds(timeoutSeconds).toNanos();
        RegistrationState last = RegistrationState.UNKNOWN;
        while (true) {
            for (String cmd : new String[] { "AT+CEREG?", "AT+CGREG?" }) {
                AtResponse r = at.execute(AtCommand.of(cmd));
                String line = r.isOk() ? r.line(cmd.substring(2, cmd.length() - 1) + ":") : null;
                if (line != null) {
                    String[] p = line.substring(line.indexOf(':') + 1).trim().split(",");
                    RegistrationState s = RegistrationState.of(p.length > 1 ? (int) parseLong(p[1], 4) : 4);
                    if (s.isRegistered()) {
                        return s;
                    }
                    if (s == RegistrationState.DENIED) {
                        throw new ModemException("The network denied registration (" + line + ").", line, "3",
                                "Check the SIM is active for data on this network (LTE-M/NB-IoT), and roaming.");
                    }
                    last = s;
                }
            }
            if (System.nanoTime() > deadline) {
                String csq = "";
                AtResponse r = at.execute(AtCommand.of("AT+CSQ"));
                if (r.isOk() && r.line("+CSQ:") != null) {
                    csq = " Signal: " + r.line("+CSQ:") + " (99 = none).";
                }
                throw new ModemException("Not registered on a network after " + timeoutSeconds + " s (last state "
                        + last + ")." + csq, csq, "", "Check the antenna and coverage; the SIM's network must "
                        + "offer LTE-M or NB-IoT here.");
            }
            pause(1000);
        }
    }

    private static void activatePdp(AtChannel at, ModemSettings s, int ctx) throws ModemException {
        int auth = s.apnUser().isEmpty() ? 0 : 3; // 3: PAP or CHAP
        AtResponse cfg = at.execute(AtCommand.of("AT+QICSGP=" + ctx + ",1,\"" + s.apn() + "\",\"" + s.apnUser()
                + "\",\"" + s.apnPassword() + "\"," + auth).sensitive());
        if (!cfg.isOk()) {
            throw new ModemException("The modem refused the APN settings (" + cfg.result().text() + ").",
                    cfg.result().text(), "", "Check the APN name: letters, digits, dots and dashes only.");
        }
        AtResponse active = at.execute(AtCommand.of("AT+QIACT?"));
        if (active.isOk() && active.lines().stream().anyMatch(l -> l.startsWith("+QIACT: " + ctx + ",1"))) {
            return;
        }
        AtResponse r = at.execute(AtCommand.of("AT+QIACT=" + ctx).withTimeout(QIACT_TIMEOUT));
        if (!r.isOk()) {
            throw new ModemException("Activating the data session (PDP context " + ctx + ") failed ("
                    + r.result().text() + ").", r.result().text(), String.valueOf(r.result().code()),
                    "Check the APN (" + (s.apn().isEmpty() ? "none set" : s.apn()) + "), its user name and "
                            + "password, and that the SIM has a data plan.");
        }
    }

    private static void check(AtChannel at, String cmd, String what) throws ModemException {
        AtResponse r = at.execute(AtCommand.of(cmd));
        if (r.result().kind() != Kind.OK) {
            throw new ModemException("The modem refused to " + what + " (" + cmd + ": " + r.result().text() + ").",
                    r.result().text(), "", "Check this is a Quectel BG9x module; power-cycle it.");
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
