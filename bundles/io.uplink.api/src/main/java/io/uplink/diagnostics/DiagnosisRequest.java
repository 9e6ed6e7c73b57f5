package io.uplink.diagnostics;

import java.util.Map;
import java.util.Objects;

/**
 * What to diagnose.
 *
 * @param endpointUri e.g. {@code mqtts://broker.example.com:8883}
 * @param modem modem to go through (a modem PID, or {@code emulator:bg95}), empty for the OS network
 * @param options further settings by name (sni, ca alias, client identity alias, client id, profile)
 * @since 1.0
 */
public record DiagnosisRequest(String endpointUri, String modem, Map<String, String> options) {

    public DiagnosisRequest {
        Objects.requireNonNull(endpointUri, "endpointUri");
        modem = Objects.requireNonNullElse(modem, "");
        options = options == null ? Map.of() : Map.copyOf(options);
    }
}
