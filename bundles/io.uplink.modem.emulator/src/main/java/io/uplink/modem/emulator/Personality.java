package io.uplink.modem.emulator;

import java.io.IOException;
import java.util.List;

/**
 * What makes an emulated module a particular module: its identity, how it frames command lines, its power-on state,
 * its own commands (sockets, TLS, files, credentials), its URCs, limits and error codes. The 27.007/V.250 commands
 * every module shares (AT, E, V, I, +CGMI/+CGMM/+CGMR/+CGSN, +CMEE, +CEREG/+CREG/+CGREG, +CPIN, +CSQ, +COPS, +CFUN,
 * +CCLK), the SIM, registration, the link model, relayed sockets, module TLS and the faults live in the core,
 * {@link EmulatedModule}.
 *
 * <p>Each personality is written from its module's manual, not from the dialect that drives it, so that the emulator
 * checks the dialect independently. A new personality opens its class comment with how the module differs from the
 * 27.007 baseline and registers itself in {@link Personalities}.
 *
 * <p>Threads: every method is called on the emulator thread, except {@link #name()} and {@link #identity()}.
 */
interface Personality {

    /** How the module recognises the end of a command line. */
    enum Terminator {
        /** CR ends a line; LF and a stray Ctrl+Z are ignored (V.250 with S3=13, most modules). */
        CR,
        /** Only CR followed by LF ends a line, and not inside double quotes (nRF91 Serial LTE Modem default). */
        CR_LF
    }

    /**
     * The module's identification.
     *
     * @param manufacturer {@code AT+CGMI}
     * @param model {@code AT+CGMM}
     * @param revision {@code AT+CGMR}
     * @param imei {@code AT+CGSN}
     * @param ati the lines {@code ATI} answers before OK, or null when the module answers ATI with ERROR
     */
    record Identity(String manufacturer, String model, String revision, String imei, List<String> ati) {
    }

    /** The port name's model part, lower case: {@code emulator:<name>}. */
    String name();

    Identity identity();

    /** The 27.007 access technology reported by +CEREG=2 and +COPS: 7 E-UTRAN, 8 LTE-M (Cat M1), 9 NB-IoT. */
    default int accessTechnology() {
        return 8;
    }

    /** The network name +COPS reports. */
    default String operatorName() {
        return "Uplink Emulated";
    }

    /** Line framing. */
    default Terminator terminator() {
        return Terminator.CR;
    }

    /** The longest command line kept; longer lines are cut there (and then usually fail to parse). */
    default int maxLineLength() {
        return 2048;
    }

    /**
     * Whether a line longer than {@link #maxLineLength()} is answered with {@code ERROR} unread (the nRF91 SLM's AT
     * buffer overflow) rather than cut there and parsed.
     */
    default boolean rejectsOverlongLines() {
        return false;
    }

    /** Echo at power-on (V.250 default: on). */
    default boolean echoAtStart() {
        return true;
    }

    /** AT+CMEE at power-on: 0 plain ERROR, 1 numeric, 2 verbose. */
    default int cmeeAtStart() {
        return 1;
    }

    /** AT+CFUN at power-on: 1 full functionality, 0 minimum, 4 flight mode. */
    default int cfunAtStart() {
        return 1;
    }

    /** Called once, before the emulator thread starts: the core the personality acts through. */
    void attach(EmulatedModule core);

    /** On the emulator thread when it starts, before the first command: e.g. a start-up banner. */
    default void started() {
    }

    /**
     * Handles a command line the personality knows; false leaves it to the core's 27.007 commands (and then ERROR).
     * A personality may also answer a standard command its own way, or refuse it.
     */
    boolean handle(CommandLine c) throws IOException;

    /** The radio changed AT+CFUN state: below 1 every data connection is gone. Called after the core's OK. */
    default void cfunChanged(int from, int to) {
    }

    /** The module reboots (fault, AT+CFUN=1,1): volatile state is gone; print the boot URCs. */
    void reset();

    /** A URC that may appear inside a response (the fault {@code urcInsideResponses}), or null for the core's. */
    default String injectableUrc() {
        return null;
    }

    /** The emulator stops: close every connection. */
    void shutdown();
}
