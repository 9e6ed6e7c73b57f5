package io.uplink.modem.emulator;

import java.io.IOException;

/**
 * 27.007 network registration as the core reports it: the modes of AT+CEREG (0-5), AT+CGREG and AT+CREG (0-2), their
 * read forms, and the URCs when the state changes. Mode 2 and up add {@code "<tac>","<ci>",<AcT>} while registered or
 * searching (no PSM timers for modes 4 and 5 [choice]). Turning the radio on (or entering the PIN) reports 2
 * (searching) at once and the final state after the command's result.
 *
 * <p>Threads: emulator thread only.
 */
final class Registration {

    /** Tracking area and cell reported with mode 2 and higher (hex, as 27.007 prints them). */
    static final String TAC = "4A2B";
    static final String CELL_ID = "0012BEEF";

    private final EmulatedModule core;
    private final Personality personality;
    /** +CEREG, +CGREG, +CREG URC modes (0 off). */
    private int ceregMode;
    private int cgregMode;
    private int cregMode;
    /** The registration state last reported, so URCs go out on changes only. */
    private int reportedStat;

    Registration(EmulatedModule core, Personality personality) {
        this.core = core;
        this.personality = personality;
    }

    /** Power-on: URCs off, the current state taken as reported. */
    void powerOn() {
        ceregMode = 0;
        cgregMode = 0;
        cregMode = 0;
        reportedStat = core.registrationStat();
    }

    /** AT+CEREG / AT+CGREG / AT+CREG in all forms. */
    void handle(CommandLine c) throws IOException {
        String name = c.name();
        int max = name.equals("+CEREG") ? 5 : 2;
        if (c.test()) {
            core.out().respond(name + ": (0-" + max + ")");
            return;
        }
        if (c.query()) {
            int mode = mode(name);
            core.out().respond(name + ": " + mode + "," + registrationFields(core.registrationStat(), mode));
            return;
        }
        int n = c.count() == 0 ? 0 : c.intArg(0);
        if (n < 0 || n > max || c.count() > 1) {
            core.cmeOrError(50); // incorrect parameters
            return;
        }
        switch (name) {
        case "+CEREG":
            ceregMode = n;
            break;
        case "+CGREG":
            cgregMode = n;
            break;
        default:
            cregMode = n;
        }
        core.out().ok();
    }

    private int mode(String name) {
        return name.equals("+CEREG") ? ceregMode : name.equals("+CGREG") ? cgregMode : cregMode;
    }

    /** {@code <stat>} and, with mode 2 or more while registered or searching, TAC/LAC, cell and access technology. */
    private String registrationFields(int stat, int mode) {
        if (mode >= 2 && (stat == 1 || stat == 5 || stat == 2)) {
            return stat + ",\"" + TAC + "\",\"" + CELL_ID + "\"," + personality.accessTechnology();
        }
        return String.valueOf(stat);
    }

    /** Reports the registration state as URCs where enabled, when it differs from the one reported last. */
    void update() {
        int stat = core.registrationStat();
        if (stat == reportedStat) {
            return;
        }
        reportedStat = stat;
        report(stat);
    }

    /** When the module starts registering: +CEREG: 2 (searching) now, the final state after the command. */
    void announce() {
        int stat = core.registrationStat();
        if (stat != 0 && stat != 2 && reportedStat == 0) {
            reportedStat = 2;
            report(2);
        }
        core.post(this::update);
    }

    private void report(int stat) {
        if (ceregMode > 0) {
            core.out().urc("+CEREG: " + registrationFields(stat, ceregMode));
        }
        if (cgregMode > 0) {
            core.out().urc("+CGREG: " + registrationFields(stat, cgregMode));
        }
        if (cregMode > 0) {
            core.out().urc("+CREG: " + registrationFields(stat, cregMode));
        }
    }

    /** The fault urcInsideResponses' default URC: the state, if +CEREG URCs are on. */
    String injectableUrc() {
        return ceregMode > 0 ? "+CEREG: " + core.registrationStat() : null;
    }
}
