package io.uplink.diagnostics;

import java.util.List;
import java.util.Objects;

/**
 * What one rung of the ladder found.
 *
 * @param layer the rung
 * @param status pass, fail, warn or skipped
 * @param cause stable public cause code, e.g. {@code ok}, {@code tls.unknown-ca}, {@code mqtt.closed-after-connect}
 * @param summary what was found, in plain words
 * @param fix what to do; empty when nothing is needed
 * @param evidence what the finding rests on (AT exchange, handshake trace lines, certificate subjects)
 * @since 1.0
 */
public record Finding(Layer layer, Status status, String cause, String summary, String fix, List<String> evidence) {

    /** A rung's outcome. */
    public enum Status {
        PASS, WARN, FAIL, SKIPPED
    }

    public Finding {
        Objects.requireNonNull(layer, "layer");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(cause, "cause");
        Objects.requireNonNull(summary, "summary");
        fix = Objects.requireNonNullElse(fix, "");
        evidence = evidence == null ? List.of() : List.copyOf(evidence);
    }
}
