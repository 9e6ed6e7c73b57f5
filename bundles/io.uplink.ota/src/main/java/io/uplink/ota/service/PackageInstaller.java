package io.uplink.ota.service;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import io.uplink.ota.PackageInfo;

/**
 * What {@link UpdateJobs} needs from DeploymentAdmin and the framework; the component adapts the real services, tests
 * use fakes. Implementations throw {@link InstallException} with DeploymentAdmin's cause.
 */
interface PackageInstaller {

    /** Installs or updates to the package in {@code file}. */
    void install(Path file) throws InstallException;

    void uninstall(String name) throws InstallException;

    /** The installed version of {@code name}, empty when not installed. */
    Optional<String> installedVersion(String name);

    /** Every installed deployment package (signer and previous version left empty). */
    List<PackageInfo> installed();

    /**
     * Waits until the package's bundles are ACTIVE (and whatever else is configured holds) or the time limit passes.
     *
     * @return empty when healthy, else what failed in plain words
     */
    Optional<String> healthCheck(String name, List<String> bundles) throws InterruptedException;

    /** A DeploymentAdmin or framework failure. */
    final class InstallException extends Exception {
        private static final long serialVersionUID = 1L;

        InstallException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
