package io.uplink.ota;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Installs, updates, uninstalls and rolls back deployment packages through DeploymentAdmin. A package is installed
 * only when it is signed by a certificate chaining to the OTA trust anchors; after an install its bundles must come
 * up within the health-check time, or the previous version is reinstalled.
 *
 * <p>Thread-safe; jobs run one at a time (a second call waits for the first). Methods block until the job ends,
 * health check included. Every job is journaled before each step, so a gateway killed during a job comes back with
 * the old version or the new confirmed one, and {@link #lastJob()} reports the outcome.
 *
 * @since 1.0
 */
@ProviderType
public interface PackageUpdater {

    /**
     * Verifies and installs (or updates to) the deployment package in {@code file}. The file is copied into the
     * service's own storage first, so the caller may delete it afterwards.
     *
     * @return the job: {@link OtaJob.Outcome#INSTALLED}, or {@link OtaJob.Outcome#ROLLED_BACK} when the health
     *         check failed and the previous version was reinstalled
     * @throws OtaException when the package is refused (nothing changed) or the install failed
     */
    OtaJob install(Path file) throws OtaException;

    /**
     * Downloads a package over HTTPS (or HTTP) through the gateway's transport and TLS engine, resuming after dropped
     * links, then installs it as {@link #install(Path)} does. A download interrupted by a restart resumes from the
     * bytes already on disk when the same URL is asked for again.
     *
     * @param sha256 the file's SHA-256 in hex, empty when not known (the signature is checked either way)
     * @param size the file's size in bytes, -1 when not known
     * @throws OtaException when the download fails (the partial file is kept for a retry), the file does not match
     *         {@code sha256} or {@code size}, or the package is refused or fails to install
     */
    OtaJob install(java.net.URI url, String sha256, long size) throws OtaException;

    /**
     * Checks the signature of {@code file} against the OTA trust anchors without installing anything.
     *
     * @return subject of the signing certificate
     * @throws OtaException with the reason the package would be refused
     */
    String verify(Path file) throws OtaException;

    /** Uninstalls the named package (DeploymentPackage-SymbolicName). */
    OtaJob uninstall(String name) throws OtaException;

    /** Reinstalls the version of {@code name} that was installed before the last update. */
    OtaJob rollback(String name) throws OtaException;

    /** Installed deployment packages, sorted by name. */
    List<PackageInfo> list();

    /** The last job that ended, including one completed by recovery after a restart. */
    Optional<OtaJob> lastJob();

    /**
     * The job running now (whoever started it), with its download progress; empty when none runs. Cheap: callers
     * may poll it every second.
     *
     * @since 1.1
     */
    Optional<OtaProgress> progress();
}
