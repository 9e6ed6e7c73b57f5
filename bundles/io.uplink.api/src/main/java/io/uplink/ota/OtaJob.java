package io.uplink.ota;

import java.time.Instant;
import java.util.Objects;

/**
 * The outcome of one update job (install, uninstall, rollback), as reported to the caller and kept after a restart.
 *
 * @since 1.0
 */
public final class OtaJob {

    /** How a job ended. */
    public enum Outcome {
        /** The new version is installed and passed its health check. */
        INSTALLED,
        /** The package was uninstalled. */
        UNINSTALLED,
        /** Refused before DeploymentAdmin saw it (signature, format); nothing changed. */
        REFUSED,
        /** Installed, failed its health check, the previous version was reinstalled. */
        ROLLED_BACK,
        /** Failed; {@link OtaJob#message()} says what runs now. */
        FAILED
    }

    private final String id;
    private final String action;
    private final String packageName;
    private final String fromVersion;
    private final String toVersion;
    private final Outcome outcome;
    private final OtaReason reason;
    private final String message;
    private final Instant finished;

    /**
     * @param reason {@code null} when the job succeeded
     */
    public OtaJob(String id, String action, String packageName, String fromVersion, String toVersion,
            Outcome outcome, OtaReason reason, String message, Instant finished) {
        this.id = Objects.requireNonNull(id);
        this.action = Objects.requireNonNull(action);
        this.packageName = Objects.requireNonNull(packageName);
        this.fromVersion = Objects.requireNonNull(fromVersion);
        this.toVersion = Objects.requireNonNull(toVersion);
        this.outcome = Objects.requireNonNull(outcome);
        this.reason = reason;
        this.message = Objects.requireNonNull(message);
        this.finished = Objects.requireNonNull(finished);
    }

    public String id() {
        return id;
    }

    /** install, uninstall or rollback. */
    public String action() {
        return action;
    }

    public String packageName() {
        return packageName;
    }

    /** Version before the job, empty when none was installed. */
    public String fromVersion() {
        return fromVersion;
    }

    /** Version the job aimed at, empty for an uninstall. */
    public String toVersion() {
        return toVersion;
    }

    public Outcome outcome() {
        return outcome;
    }

    /** Why it was refused or failed; {@code null} when it succeeded. */
    public OtaReason reason() {
        return reason;
    }

    /** What happened, in plain words (with the fix when it failed). */
    public String message() {
        return message;
    }

    public Instant finished() {
        return finished;
    }

    @Override
    public String toString() {
        return id + " " + action + " " + packageName + " " + fromVersion + "->" + toVersion + ": " + outcome
                + (reason == null ? "" : " (" + reason.code() + ")") + " " + message;
    }
}
