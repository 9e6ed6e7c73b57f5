package io.uplink.modem;

import java.util.Map;
import java.util.Objects;

/**
 * What a dialect needs to attach a modem to the network. Contains secrets: {@link #toString()} masks them.
 *
 * @param apn access point name, empty for the network's default
 * @param apnUser APN user name, empty when none
 * @param apnPassword APN password, empty when none
 * @param simPin SIM PIN, empty when the SIM has none
 * @param pdpContext PDP context id to use (1-16 on Quectel)
 * @param extra dialect-specific settings by name, never null
 * @since 1.0
 */
public record ModemSettings(String apn, String apnUser, String apnPassword, String simPin, int pdpContext,
        Map<String, String> extra) {

    public ModemSettings {
        apn = Objects.requireNonNullElse(apn, "");
        apnUser = Objects.requireNonNullElse(apnUser, "");
        apnPassword = Objects.requireNonNullElse(apnPassword, "");
        simPin = Objects.requireNonNullElse(simPin, "");
        extra = extra == null ? Map.of() : Map.copyOf(extra);
    }

    @Override
    public String toString() {
        return "ModemSettings[apn=" + apn + ", apnUser=" + apnUser + ", apnPassword="
                + (apnPassword.isEmpty() ? "" : "***") + ", simPin=" + (simPin.isEmpty() ? "" : "***")
                + ", pdpContext=" + pdpContext + ", extra=" + extra.keySet() + "]";
    }
}
