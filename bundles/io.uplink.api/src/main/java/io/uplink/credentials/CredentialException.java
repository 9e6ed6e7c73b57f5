package io.uplink.credentials;

import java.util.List;

/**
 * Content could not be imported or an alias not read. Carries the problems found; never key material.
 *
 * @since 1.0
 */
public class CredentialException extends Exception {

    private static final long serialVersionUID = 1L;

    private final transient List<Problem> problems;

    public CredentialException(String message, List<Problem> problems, Throwable cause) {
        super(message, cause);
        this.problems = List.copyOf(problems);
    }

    public CredentialException(String message, List<Problem> problems) {
        this(message, problems, null);
    }

    public List<Problem> problems() {
        return problems;
    }
}
