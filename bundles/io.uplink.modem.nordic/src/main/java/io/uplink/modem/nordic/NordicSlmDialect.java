package io.uplink.modem.nordic;

import java.time.Duration;
import java.util.Locale;

import io.uplink.modem.AtChannel;
import io.uplink.modem.AtCommand;
import io.uplink.modem.AtResponse;
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
 * Nordic nRF9160/nRF9161/nRF9151 running the Serial LTE Modem (SLM) application: numeric errors on
 * ({@code AT+CMEE=1}; the SLM starts with them off), the APN on the default context 0 ({@code AT+CGDCONT}, written
 * only offline and only when it differs), the radio on ({@code AT+CFUN=1}; the SLM starts in CFUN=0), the SIM,
 * registration ({@code +CEREG}), the default PDN active ({@code AT+CGACT}); then sockets through
 * {@link NordicSockets} and the modem's own TLS through {@link NordicTls}.
 *
 * <p>Identified by {@code AT+CGMI}/{@code AT+CGMM} ({@code ATI} answers ERROR on the SLM): manufacturer
 * {@code Nordic Semiconductor ASA}, model {@code nRF9160-SICA}, {@code nRF9161-LACA}, {@code nRF9151-LACA} ...
 */
@Component(property = ModemDialect.FAMILY + "=" + NordicSlmDialect.FAMILY_NAME,
        configurationPolicy = ConfigurationPolicy.IGNORE)
public final class NordicSlmDialect implements ModemDialect {

    static final String FAMILY_NAME = "nordic-nrf91-slm";
    /** The nRF91's default PDP context: the default EPS bearer, which the modem brings up when it registers. */
    static final int CID = 0;
    private static final Logger LOG = LoggerFactory.getLogger(NordicSlmDialect.class);
    private static final Duration CGACT_TIMEOUT = Duration.ofSeconds(150);

    @Override
    public String family() {
        return FAMILY_NAME;
    }

    @Override
    public boolean matches(ModemIdentity identity) {
        String manufacturer = identity.manufacturer().toLowerCase(Locale.ROOT);
        String model = identity.model().toUpperCase(Locale.ROOT);
        return manufacturer.startsWith("nordic") && model.startsWith("NRF91");
    }

    @Override
    public Modem attach(AtChannel at, ModemIdentity identity, ModemSettings settings) throws ModemException {
        check(at, "AT+CMEE=1", "report errors as numbers");
        String slm = slmVersion(at);
        Duration registration = Duration.ofSeconds(parseLong(settings.extra().get("registration.timeout.s"), 180));
        NordicNetwork network = new NordicNetwork(at, registration);
        int mode = network.mode();
        if (apnDiffers(at, settings)) {
            if (!NordicNetwork.offlineEnough(mode)) {
                network.setMode(4, "the APN can be set only offline");
                mode = 4;
            }
            setApn(at, settings);
        }
        AtResponse cereg = at.execute(AtCommand.of("AT+CEREG=1"));
        if (!cereg.isOk()) {
            LOG.debug("{}: AT+CEREG=1 refused ({}); registration is read by polling only", at.portName(),
                    cereg.result().text());
        }
        if (mode != 1) {
            network.setMode(1, "bring the radio up");
        }
        unlockSim(at, settings);
        RegistrationState state = network.awaitRegistration();
        activatePdn(at, settings.apn());
        LOG.info("{} attached on {}{}: {}, default PDN up (APN '{}')", identity, at.portName(), slm, state,
                settings.apn());
        return new NordicModem(at, identity, new NordicModemState(at, network, identity, settings.apn(), state));
    }

    /** {@code #XSLMVER: "2.5.0","2.5.1"}, for the log; empty when the application does not say. */
    private static String slmVersion(AtChannel at) throws ModemException {
        AtResponse r = at.execute(AtCommand.of("AT#XSLMVER"));
        String line = r.isOk() ? r.line("#XSLMVER:") : null;
        return line == null ? "" : " (Serial LTE Modem " + line.substring(line.indexOf(':') + 1).trim() + ")";
    }

    /** Whether context 0's APN is other than the configured one (an empty APN leaves the network's default). */
    private static boolean apnDiffers(AtChannel at, ModemSettings s) throws ModemException {
        if (s.apn().isEmpty()) {
            return false;
        }
        AtResponse r = at.execute(AtCommand.of("AT+CGDCONT?"));
        if (r.isOk()) {
            for (String l : r.lines()) {
                String[] p = l.substring(l.indexOf(':') + 1).trim().split(",", -1);
                if (l.startsWith("+CGDCONT:") && p.length > 2 && NordicNetwork.number(p[0], -1) == CID) {
                    return !p[2].trim().replace("\"", "").equalsIgnoreCase(s.apn());
                }
            }
        }
        return true;
    }

    private static void setApn(AtChannel at, ModemSettings s) throws ModemException {
        if (s.apn().contains("\"")) {
            throw new ModemException("The APN '" + s.apn() + "' contains a quote.", "", "", "Check the APN name: "
                    + "letters, digits, dots and dashes only.");
        }
        AtResponse r = at.execute(AtCommand.of("AT+CGDCONT=" + CID + ",\"IP\",\"" + s.apn() + "\""));
        if (!r.isOk()) {
            throw new ModemException("The modem refused the APN '" + s.apn() + "' (" + r.result().text() + ").",
                    r.result().text(), String.valueOf(r.result().code()), "Check the APN name: letters, digits, dots "
                            + "and dashes only.");
        }
        if (!s.apnUser().isEmpty()) {
            if ((s.apnUser() + s.apnPassword()).contains("\"")) {
                throw new ModemException("The APN user name or password contains a quote.", "", "",
                        "Remove the quote; the modem cannot take it.");
            }
            AtResponse auth = at.execute(AtCommand.of("AT+CGAUTH=" + CID + ",1,\"" + s.apnUser() + "\",\""
                    + s.apnPassword() + "\"").sensitive());
            if (!auth.isOk()) {
                throw new ModemException("The modem refused the APN user name and password (" + auth.result().text()
                        + ").", auth.result().text(), String.valueOf(auth.result().code()),
                        "Check the APN user name and password.");
            }
        }
    }

    private static void unlockSim(AtChannel at, ModemSettings settings) throws ModemException {
        for (int attempt = 0; attempt < 10; attempt++) {
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
            if (code == 14 || code == 10 && attempt < 3) { // busy, or not yet powered right after AT+CFUN=1
                NordicNetwork.pause(1000);
                continue;
            }
            NordicErrors.Entry e = NordicErrors.general(code);
            throw new ModemException("The modem cannot use the SIM: " + r.result().text() + " = " + e.meaning() + ".",
                    r.result().text(), String.valueOf(code), e.fix());
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
    }

    /** The default bearer comes up with registration; activate it when the network left it down. */
    static void activatePdn(AtChannel at, String apn) throws ModemException {
        AtResponse state = at.execute(AtCommand.of("AT+CGACT?"));
        if (state.isOk() && state.lines().stream().anyMatch(l -> l.replace(" ", "").startsWith("+CGACT:" + CID
                + ",1"))) {
            return;
        }
        AtResponse r = at.execute(AtCommand.of("AT+CGACT=1," + CID).withTimeout(CGACT_TIMEOUT));
        if (!r.isOk()) {
            throw new ModemException("Activating the data connection (PDP context " + CID + ") failed ("
                    + r.result().text() + ").", r.result().text(), String.valueOf(r.result().code()),
                    "Check the APN (" + (apn.isEmpty() ? "none set" : apn) + "), its user name and password, "
                            + "and that the SIM has a data plan.");
        }
    }

    private static void check(AtChannel at, String cmd, String what) throws ModemException {
        AtResponse r = at.execute(AtCommand.of(cmd));
        if (!r.isOk()) {
            throw new ModemException("The modem refused to " + what + " (" + cmd + ": " + r.result().text() + ").",
                    r.result().text(), "", "Check this is an nRF91 running the Serial LTE Modem application; "
                            + "restart it.");
        }
    }

    private static long parseLong(String s, long fallback) {
        try {
            return s == null ? fallback : Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
