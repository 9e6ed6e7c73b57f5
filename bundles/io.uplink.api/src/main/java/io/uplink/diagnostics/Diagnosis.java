package io.uplink.diagnostics;

import java.util.List;

/**
 * The outcome of a diagnosis.
 *
 * @param verdict the finding that explains the outcome: the first failure, or an {@code ok} finding
 * @param findings every rung's finding, in ladder order
 * @since 1.0
 */
public record Diagnosis(Finding verdict, List<Finding> findings) {

    public Diagnosis {
        findings = List.copyOf(findings);
    }

    /** {@code true} when every rung passed. */
    public boolean passed() {
        return findings.stream().allMatch(f -> f.status() != Finding.Status.FAIL);
    }
}
