package io.uplink.modem.nordic;

import java.time.Duration;

import io.uplink.modem.AtChannel;
import io.uplink.modem.AtCommand;
import io.uplink.modem.AtResponse;
import io.uplink.modem.ModemException;
import io.uplink.modem.RegistrationState;

/**
 * The nRF91's functional mode and registration: {@code AT+CFUN} (0 power off, 1 normal, 4 offline, 2/21/41 partial
 * modes) and {@code AT+CEREG?}. Attach and credential provisioning both go through here: %CMNG writes need the radio
 * off, so provisioning takes the modem offline and brings it back. Thread-safe (stateless but for its settings).
 */
final class NordicNetwork {

    /** {@code AT+CFUN=1} may take a while on the nRF91 (modem start, SIM). */
    static final Duration CFUN_TIMEOUT = Duration.ofSeconds(30);

    private final AtChannel at;
    private final Duration registrationTimeout;

    NordicNetwork(AtChannel at, Duration registrationTimeout) {
        this.at = at;
        this.registrationTimeout = registrationTimeout;
    }

    /** The functional mode ({@code +CFUN: <fun>}), -1 when the answer has none. */
    int mode() throws ModemException {
        AtResponse r = at.execute(AtCommand.of("AT+CFUN?"));
        String line = r.isOk() ? r.line("+CFUN:") : null;
        return line == null ? -1 : number(line.substring(line.indexOf(':') + 1), -1);
    }

    /** Whether %CMNG may write and delete in this mode (not in 1, 2, 21: the manual's "active state"). */
    static boolean offlineEnough(int mode) {
        return mode == 0 || mode == 4 || mode == 41 || mode == 44;
    }

    void setMode(int mode, String why) throws ModemException {
        AtResponse r = at.execute(AtCommand.of("AT+CFUN=" + mode).withTimeout(CFUN_TIMEOUT));
        if (!r.isOk()) {
            NordicErrors.Entry e = NordicErrors.general(r.result().code());
            throw new ModemException("The modem refused AT+CFUN=" + mode + " (" + why + "): " + r.result().text()
                    + (r.result().code() >= 0 ? " = " + e.meaning() : "") + ".", r.result().text(),
                    String.valueOf(r.result().code()), e.fix());
        }
    }

    /** Waits for +CEREG stat 1 (home) or 5 (roaming); a denial or the timeout is an exception naming the state. */
    RegistrationState awaitRegistration() throws ModemException {
        long deadline = System.nanoTime() + registrationTimeout.toNanos();
        RegistrationState last = RegistrationState.UNKNOWN;
        String lastLine = "";
        while (true) {
            AtResponse r = at.execute(AtCommand.of("AT+CEREG?"));
            String line = r.isOk() ? r.line("+CEREG:") : null;
            if (line != null) {
                RegistrationState s = registrationOf(line);
                lastLine = line;
                if (s.isRegistered()) {
                    return s;
                }
                if (s == RegistrationState.DENIED) {
                    throw new ModemException("The network denied registration (" + line + ").", line, "3",
                            "Check the SIM is active for data on this network (LTE-M/NB-IoT), and roaming.");
                }
                last = s;
            }
            if (System.nanoTime() >= deadline) {
                throw new ModemException("Not registered on a network after " + registrationTimeout.toSeconds()
                        + " s (last state " + last + (lastLine.isEmpty() ? "" : ", " + lastLine) + ").", lastLine, "",
                        "Check the antenna and coverage; the SIM's network must offer LTE-M or NB-IoT here "
                                + "(AT%XSYSTEMMODE selects which the modem tries).");
            }
            pause(1000);
        }
    }

    /**
     * The stat of a {@code +CEREG:} line: the read answer is {@code +CEREG: <n>,<stat>[,...]}, the URC
     * {@code +CEREG: <stat>[,...]}; the read answer's first field is the URC setting (0-5), so a line with a quoted
     * second field or just one number is the URC form.
     */
    static RegistrationState registrationOf(String line) {
        String[] p = line.substring(line.indexOf(':') + 1).trim().split(",", -1);
        boolean readForm = p.length > 1 && !p[1].trim().startsWith("\"");
        return RegistrationState.of(number(readForm ? p[1] : p[0], 4));
    }

    static int number(String s, int fallback) {
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    static void pause(long millis) throws ModemException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ModemException("Interrupted while waiting for the modem.", "", "", "");
        }
    }
}
