package io.uplink.modem.nordic;

import java.util.Map;

/**
 * What the nRF91's error codes mean and how to fix them: the {@code +CME ERROR} codes of {@code AT%CMNG} (Nordic's
 * nRF91 AT command reference: 513, 514, 515, 518, 519, 528), the 27.007 codes the modem gives on attach, and the bare
 * {@code ERROR} of the Serial LTE Modem's own {@code #X} commands, which carry no code at all.
 */
final class NordicErrors {

    /** One code: its meaning and the fix, in plain words. */
    record Entry(String meaning, String fix) {
    }

    private static final Map<Integer, Entry> CMNG = Map.of(
            513, new Entry("not found: the modem holds no credential of that type under that security tag",
                    "Provision the credential set again (uplink creds provision, or the web page); check that the "
                            + "endpoint names the set that was provisioned."),
            514, new Entry("no access: the modem never gives out a client certificate or a private key (only CA "
                    + "certificates can be read back), and security tags above 2147483647 belong to the modem itself",
                    "Nothing to repair: compare a stored certificate or key by the SHA-256 that AT%CMNG=1 lists (Uplink "
                            + "does), and use security tags 0-2147483647."),
            515, new Entry("memory full: the modem's credential storage has no room for this certificate or key",
                    "Delete credentials that are no longer used (uplink modem info lists them; AT%CMNG=3,<tag>,<type> "
                            + "deletes one), then provision again."),
            518, new Entry("not allowed in active state: certificates and keys can be written or deleted only while "
                    + "the radio is off (AT+CFUN=4 or 0), not in CFUN 1, 2 or 21",
                    "Uplink switches the modem offline (AT+CFUN=4) to provision and back online afterwards; if this "
                            + "still happens, another program set AT+CFUN=1 meanwhile: let only Uplink use the port."),
            519, new Entry("already exists: an entry with this security tag and type is stored and this firmware "
                    + "does not overwrite it", "Delete it first (AT%CMNG=3,<tag>,<type>); Uplink does that and writes "
                            + "again."),
            528, new Entry("not allowed while the modem's power-off warning is active (%XPOFWARN: the supply "
                    + "voltage fell too low), to protect its flash",
                    "Check the modem's power supply or battery; provision again once the voltage is back (the "
                            + "warning clears after a restart of the modem)."));

    private static final Map<Integer, Entry> GENERAL = Map.of(
            3, new Entry("operation not allowed (in this functional mode or state)",
                    "Check AT+CFUN? (1 to be online); restart the modem if it persists."),
            4, new Entry("operation not supported by this modem firmware", "Update the modem firmware."),
            10, new Entry("no SIM inserted (or the SIM is not powered: the nRF91 reads it only in CFUN 1 or 41)",
                    "Check the SIM is inserted the right way; on boards with an eSIM and a slot, check which is "
                            + "selected."),
            11, new Entry("the SIM asks for its PIN", "Set sim.pin in the modem configuration."),
            13, new Entry("the SIM failed", "Check the SIM's contacts; try another SIM."),
            14, new Entry("the SIM is busy", "Wait a moment and retry."),
            30, new Entry("no network service", "Check the antenna and coverage for LTE-M/NB-IoT."),
            100, new Entry("unknown error", "Retry; restart the modem if it persists."));

    private NordicErrors() {
    }

    /** A {@code +CME ERROR} code of {@code AT%CMNG}. */
    static Entry cmng(int code) {
        Entry e = CMNG.get(code);
        if (e != null) {
            return e;
        }
        e = GENERAL.get(code);
        return e != null ? e : new Entry("error " + code + " (not in Nordic's %CMNG table)",
                "Retry; restart the modem if it persists.");
    }

    /** A {@code +CME ERROR} code of a 27.007 command (attach). */
    static Entry general(int code) {
        Entry e = GENERAL.get(code);
        return e != null ? e : new Entry("error " + code, "Retry; restart the modem if it persists.");
    }

    /**
     * A bare {@code ERROR} to {@code AT%CMNG}: the modem's error reporting is off ({@code AT+CMEE=0}, the Serial LTE
     * Modem's start value, which hides even 518 as ERROR), or the line itself was refused (quotes, length).
     */
    static final Entry CMNG_PLAIN = new Entry("refused without a code (error codes off, or a line the modem could not "
            + "parse: quotes or a certificate longer than its 4 KB command buffer)", "Check AT+CMEE=1 is set (Uplink "
                    + "sets it on attach) and that the PEM text holds no quote and is shorter than 4 KB.");
}
