package io.uplink.ota;

import java.time.Instant;
import java.util.Objects;

/**
 * Where the running update job is: its phase and, while a package is downloaded or uploaded, the bytes so far, the
 * rate and the time left. A snapshot; ask {@link PackageUpdater#progress()} again for a newer one.
 *
 * @since 1.1
 */
public final class OtaProgress {

    /** The steps of a job, in order. */
    public enum Phase {
        /** Bytes are arriving from the download server. */
        DOWNLOADING,
        /** The package is copied into the service's storage and its signature checked. */
        VERIFYING,
        /** DeploymentAdmin installs the package. */
        INSTALLING,
        /** The package's bundles (and the endpoint) must come up. */
        HEALTH_CHECK,
        /** The previous version is put back. */
        ROLLING_BACK,
        /** The new version is confirmed. */
        COMMITTING,
        /** The package is removed. */
        UNINSTALLING
    }

    private final String action;
    private final String target;
    private final Phase phase;
    private final long bytes;
    private final long total;
    private final long bytesPerSecond;
    private final long secondsLeft;
    private final int resumes;
    private final long bytesResent;
    private final Instant started;

    /**
     * @param target the URL, file name or package name the job works on
     * @param total -1 when not known
     * @param secondsLeft -1 when not known
     */
    public OtaProgress(String action, String target, Phase phase, long bytes, long total, long bytesPerSecond,
            long secondsLeft, int resumes, long bytesResent, Instant started) {
        this.action = Objects.requireNonNull(action);
        this.target = Objects.requireNonNull(target);
        this.phase = Objects.requireNonNull(phase);
        this.bytes = bytes;
        this.total = total;
        this.bytesPerSecond = bytesPerSecond;
        this.secondsLeft = secondsLeft;
        this.resumes = resumes;
        this.bytesResent = bytesResent;
        this.started = Objects.requireNonNull(started);
    }

    /** install, uninstall or rollback. */
    public String action() {
        return action;
    }

    /** The URL, file name or package name the job works on. */
    public String target() {
        return target;
    }

    public Phase phase() {
        return phase;
    }

    /** Bytes of the package downloaded so far (0 before and without a download). */
    public long bytes() {
        return bytes;
    }

    /** The package's size in bytes, -1 while not known. */
    public long total() {
        return total;
    }

    /** Recent download rate. */
    public long bytesPerSecond() {
        return bytesPerSecond;
    }

    /** Estimated seconds until the download ends, -1 when not known. */
    public long secondsLeft() {
        return secondsLeft;
    }

    /** Connections after the first one of the download (each resumed where the last stopped). */
    public int resumes() {
        return resumes;
    }

    /** Bytes the server sent more than once (it did not resume). */
    public long bytesResent() {
        return bytesResent;
    }

    /** When the job started. */
    public Instant started() {
        return started;
    }

    /** The same job in another phase or with newer byte counts. */
    public OtaProgress with(Phase newPhase, long newBytes, long newTotal, long newRate, long newSecondsLeft,
            int newResumes, long newResent) {
        return new OtaProgress(action, target, newPhase, newBytes, newTotal, newRate, newSecondsLeft, newResumes,
                newResent, started);
    }

    @Override
    public String toString() {
        return action + " " + target + ": " + phase + (total > 0 || bytes > 0 ? " " + bytes + "/"
                + (total < 0 ? "?" : total) + " bytes, " + bytesPerSecond + " B/s, "
                + (secondsLeft < 0 ? "?" : secondsLeft) + " s left" : "");
    }
}
