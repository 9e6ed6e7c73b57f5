package io.uplink.credentials;

import java.util.List;

/**
 * The outcome of importing or validating a credential.
 *
 * @param alias the alias validated, empty for content that is not stored
 * @param contents what was found, a line each, e.g. {@code certificate: CN=device (issued by CN=CA), valid until
 *        2027-01-01} or {@code private key: RSA 2048 bits, matches the certificate} (since 1.1)
 * @param problems every problem found, errors first
 * @since 1.0
 */
public record ValidationReport(String alias, List<String> contents, List<Problem> problems) {

    public ValidationReport {
        contents = List.copyOf(contents);
        problems = List.copyOf(problems);
    }

    /** {@code true} when a problem with this code was found. */
    public boolean has(String code) {
        return problems.stream().anyMatch(p -> p.code().equals(code));
    }

    /** {@code true} when no problem has severity {@link Problem.Severity#ERROR}. */
    public boolean isUsable() {
        return problems.stream().noneMatch(p -> p.severity() == Problem.Severity.ERROR);
    }
}
