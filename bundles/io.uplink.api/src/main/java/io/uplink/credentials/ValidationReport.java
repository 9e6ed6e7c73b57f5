package io.uplink.credentials;

import java.util.List;

/**
 * The outcome of importing or validating a credential.
 *
 * @param alias the alias validated
 * @param problems every problem found, errors first
 * @since 1.0
 */
public record ValidationReport(String alias, List<Problem> problems) {

    public ValidationReport {
        problems = List.copyOf(problems);
    }

    /** {@code true} when no problem has severity {@link Problem.Severity#ERROR}. */
    public boolean isUsable() {
        return problems.stream().noneMatch(p -> p.severity() == Problem.Severity.ERROR);
    }
}
