package io.uplink.credentials.store;

import java.util.Map;
import java.util.Optional;

import io.uplink.credentials.Problem;
import io.uplink.credentials.Problem.Severity;

/**
 * Which client keys a modem's built-in TLS stack can use. The manuals rarely state key limits, so only what is
 * known fails (an Ed25519 key on an mbedTLS-based modem); what is merely unconfirmed is a warning that says so.
 */
final class ModemKeyLimits {

    /** A modem family's limits: RSA sizes and EC curves known to work. */
    private record Limits(String modem, int maxRsaBits, String curves, boolean ecUnconfirmed) {
    }

    private static final Map<String, Limits> FAMILIES = Map.of(
            "quectel-bg9x", new Limits("Quectel BG95/BG96", 2048, "P-256 P-384", false),
            "quectel-bc66", new Limits("Quectel BC66/BC660K", 2048, "P-256", true),
            "nordic-nrf91", new Limits("Nordic nRF91", 2048, "P-256 P-384", false),
            "sierra-hl78xx", new Limits("Sierra Wireless HL78xx", 2048, "P-256", true),
            "ublox-sara", new Limits("u-blox SARA-R4/R5", 2048, "P-256 P-384", true),
            "simcom-sim7080", new Limits("SIMCom SIM7000/SIM7080", 2048, "P-256", true));

    private ModemKeyLimits() {
    }

    /** A problem when the key does not suit the family's modem TLS, else empty. Host TLS has no limits. */
    static Optional<Problem> check(String family, KeyFacts key) {
        if (family.isEmpty() || family.equals("host")) {
            return Optional.empty();
        }
        Limits limits = FAMILIES.get(family);
        if (limits == null) {
            return Optional.of(new Problem("key-unsupported-by-modem", Severity.WARNING,
                    "No key limits are known for modem family '" + family + "'; the " + key + " key is unchecked.",
                    "Use RSA 2048 or EC P-256, which every supported modem accepts, or use host TLS."));
        }
        String code = "key-unsupported-by-modem";
        switch (key.type()) {
        case "RSA":
            if (key.bits() > limits.maxRsaBits()) {
                return Optional.of(new Problem(code, Severity.WARNING, "The " + key + " key is larger than the "
                        + limits.maxRsaBits() + " bits known to work on the " + limits.modem()
                        + "'s built-in TLS (larger keys are unconfirmed and slow on modem CPUs).",
                        "Use an RSA 2048 or EC P-256 key, or use host TLS (the gateway does the handshake)."));
            }
            return Optional.empty();
        case "EC":
            if (!limits.curves().contains(key.curve())) {
                return Optional.of(new Problem(code, Severity.ERROR, "The " + limits.modem() + "'s built-in TLS "
                        + "supports the curves " + limits.curves() + ", not " + key.curve() + ".",
                        "Use an EC P-256 or RSA 2048 key, or use host TLS."));
            }
            if (limits.ecUnconfirmed()) {
                return Optional.of(new Problem(code, Severity.WARNING, "An EC client key on the " + limits.modem()
                        + "'s built-in TLS is unconfirmed (its documented cipher suites use RSA).",
                        "If the handshake fails, use an RSA 2048 key or host TLS."));
            }
            return Optional.empty();
        default:
            return Optional.of(new Problem(code, Severity.ERROR, "The " + limits.modem() + "'s built-in TLS cannot "
                    + "use " + key + " keys.", "Use an RSA 2048 or EC P-256 key, or use host TLS."));
        }
    }
}
