package io.uplink.modem.emulator;

/**
 * What a port opened on the emulator starts its module with: the links, the faults, the SIM, and the settings only
 * one personality reads. A new personality with settings of its own adds a field here.
 *
 * @param link the serial line rate and the cellular link model
 * @param faults module-independent faults
 * @param simPin the PIN the emulated SIM asks for; empty = none
 * @param bg95 the BG95's file-system limits and faults
 */
public record ModuleSettings(LinkModel link, Faults faults, String simPin, Bg95Options bg95) {

    public ModuleSettings {
        if (link == null || faults == null || bg95 == null) {
            throw new IllegalArgumentException("link, faults and bg95 options are required");
        }
        simPin = simPin == null ? "" : simPin;
    }

    /** Fast links, no faults, no PIN: for tests. */
    public static final ModuleSettings INSTANT = new ModuleSettings(LinkModel.INSTANT, Faults.NONE, "",
            Bg95Options.DEFAULTS);
}
