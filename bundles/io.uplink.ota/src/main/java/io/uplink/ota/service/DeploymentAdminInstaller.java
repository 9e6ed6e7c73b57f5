package io.uplink.ota.service;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import org.osgi.framework.Bundle;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.component.runtime.dto.UnsatisfiedReferenceDTO;
import org.osgi.service.deploymentadmin.BundleInfo;
import org.osgi.service.deploymentadmin.DeploymentAdmin;
import org.osgi.service.deploymentadmin.DeploymentException;
import org.osgi.service.deploymentadmin.DeploymentPackage;

import io.uplink.cloud.CloudConnection;
import io.uplink.cloud.ConnectionState;
import io.uplink.ota.PackageInfo;
import io.uplink.ota.sign.PackageSigner;

/**
 * {@link PackageInstaller} over DeploymentAdmin, with the health check: every bundle of the package ACTIVE (a fragment
 * RESOLVED), every enabled component of those bundles satisfied, and, when configured, the named endpoint connected.
 * The check polls; it gives up at the configured time and says what was still wrong.
 */
final class DeploymentAdminInstaller implements PackageInstaller {

    private static final long POLL_MILLIS = 250;

    private final DeploymentAdmin admin;
    private final Supplier<ServiceComponentRuntime> scr;
    private final Supplier<Collection<CloudConnection>> endpoints;
    private final Duration timeout;
    private final String endpointId;

    DeploymentAdminInstaller(DeploymentAdmin admin, Supplier<ServiceComponentRuntime> scr,
            Supplier<Collection<CloudConnection>> endpoints, Duration timeout, String endpointId) {
        this.admin = admin;
        this.scr = scr;
        this.endpoints = endpoints;
        this.timeout = timeout;
        this.endpointId = endpointId;
    }

    /**
     * Installs {@code file} (already verified) without its signature entries: Felix DeploymentAdmin 0.9.x (the one
     * Kura ships too) expects a bundle or resource right after the manifest and stops with "Expected more bundles in
     * the stream" at META-INF/*.SF. It does not check signatures itself; the OTA service did, before this.
     */
    @Override
    public void install(Path file) throws InstallException {
        Path plain = file.resolveSibling(file.getFileName() + ".install");
        try {
            withoutSignature(file, plain);
            try (InputStream in = Files.newInputStream(plain)) {
                admin.installDeploymentPackage(in);
            }
        } catch (DeploymentException e) {
            throw new InstallException(describe(e), e);
        } catch (IOException e) {
            throw new InstallException("cannot read " + file + ": " + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(plain);
            } catch (IOException e) {
                // a leftover is replaced by the next install
            }
        }
    }

    /** Copies a package entry by entry in its order, the manifest first, leaving out META-INF signature files. */
    static void withoutSignature(Path signed, Path out) throws IOException {
        try (ZipFile zip = new ZipFile(signed.toFile());
                ZipOutputStream zos = new ZipOutputStream(Files.newOutputStream(out))) {
            ZipEntry mf = zip.getEntry("META-INF/MANIFEST.MF");
            if (mf == null) {
                throw new IOException(signed + " has no META-INF/MANIFEST.MF");
            }
            copy(zip, mf, zos);
            for (ZipEntry e : java.util.Collections.list(zip.entries())) {
                if (!e.getName().equals("META-INF/MANIFEST.MF") && !PackageSigner.isSignatureRelated(e.getName())) {
                    copy(zip, e, zos);
                }
            }
        }
    }

    private static void copy(ZipFile zip, ZipEntry e, ZipOutputStream zos) throws IOException {
        ZipEntry copy = new ZipEntry(e.getName());
        copy.setTime(e.getTime());
        zos.putNextEntry(copy);
        try (InputStream in = zip.getInputStream(e)) {
            in.transferTo(zos);
        }
        zos.closeEntry();
    }

    @Override
    public void uninstall(String name) throws InstallException {
        DeploymentPackage dp = admin.getDeploymentPackage(name);
        if (dp == null) {
            return;
        }
        try {
            dp.uninstall();
        } catch (DeploymentException e) {
            throw new InstallException(describe(e), e);
        }
    }

    @Override
    public Optional<String> installedVersion(String name) {
        DeploymentPackage dp = admin.getDeploymentPackage(name);
        return dp == null ? Optional.empty() : Optional.of(dp.getVersion().toString());
    }

    @Override
    public List<PackageInfo> installed() {
        List<PackageInfo> out = new ArrayList<>();
        for (DeploymentPackage dp : admin.listDeploymentPackages()) {
            if ("System".equals(dp.getName()) && dp.getBundleInfos().length == 0) {
                continue; // Felix lists an empty "System" package
            }
            List<String> bundles = new ArrayList<>();
            for (BundleInfo b : dp.getBundleInfos()) {
                bundles.add(b.getSymbolicName());
            }
            out.add(new PackageInfo(dp.getName(), dp.getVersion().toString(), bundles, "", ""));
        }
        return out;
    }

    @Override
    public Optional<String> healthCheck(String name, List<String> bundles) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<String> problem = problem(name, bundles);
            if (problem.isEmpty() || System.nanoTime() - deadline >= 0) {
                return problem.map(p -> p + " (after " + timeout.toSeconds() + " s)");
            }
            Thread.sleep(POLL_MILLIS);
        }
    }

    private Optional<String> problem(String name, List<String> bundles) {
        DeploymentPackage dp = admin.getDeploymentPackage(name);
        if (dp == null) {
            return Optional.of("package " + name + " is not installed");
        }
        for (String bsn : bundles) {
            Bundle b = dp.getBundle(bsn);
            if (b == null) {
                return Optional.of("bundle " + bsn + " is not installed");
            }
            boolean fragment = (b.adapt(BundleRevision.class).getTypes() & BundleRevision.TYPE_FRAGMENT) != 0;
            if (fragment ? b.getState() != Bundle.RESOLVED : b.getState() != Bundle.ACTIVE) {
                return Optional.of("bundle " + bsn + " is " + state(b.getState()) + ", not "
                        + (fragment ? "RESOLVED" : "ACTIVE"));
            }
            Optional<String> components = components(b);
            if (components.isPresent()) {
                return components;
            }
        }
        if (!endpointId.isEmpty()) {
            for (CloudConnection c : endpoints.get()) {
                if (endpointId.equals(c.endpointId())) {
                    return c.state() == ConnectionState.CONNECTED ? Optional.empty()
                            : Optional.of("endpoint " + endpointId + " is " + c.state() + ", not CONNECTED");
                }
            }
            return Optional.of("endpoint " + endpointId + " is not registered");
        }
        return Optional.empty();
    }

    private Optional<String> components(Bundle b) {
        ServiceComponentRuntime runtime = scr.get();
        if (runtime == null) {
            return Optional.empty();
        }
        for (ComponentDescriptionDTO d : runtime.getComponentDescriptionDTOs(b)) {
            if (!runtime.isComponentEnabled(d)) {
                continue;
            }
            for (ComponentConfigurationDTO c : runtime.getComponentConfigurationDTOs(d)) {
                switch (c.state) {
                case ComponentConfigurationDTO.UNSATISFIED_REFERENCE: {
                    List<String> refs = new ArrayList<>();
                    for (UnsatisfiedReferenceDTO r : c.unsatisfiedReferences) {
                        refs.add(r.name);
                    }
                    return Optional.of("component " + d.name + " in " + b.getSymbolicName()
                            + " lacks its reference(s) " + String.join(", ", refs));
                }
                case ComponentConfigurationDTO.UNSATISFIED_CONFIGURATION:
                    return Optional.of("component " + d.name + " in " + b.getSymbolicName()
                            + " lacks its configuration");
                case ComponentConfigurationDTO.FAILED_ACTIVATION:
                    return Optional.of("component " + d.name + " in " + b.getSymbolicName() + " failed to activate"
                            + (c.failure == null ? "" : ": " + firstLine(c.failure)));
                default:
                    break;
                }
            }
        }
        return Optional.empty();
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).trim();
    }

    private static String state(int state) {
        return switch (state) {
        case Bundle.INSTALLED -> "INSTALLED (unresolved: a package it imports is missing)";
        case Bundle.RESOLVED -> "RESOLVED (it did not start)";
        case Bundle.STARTING -> "STARTING";
        case Bundle.STOPPING -> "STOPPING";
        case Bundle.UNINSTALLED -> "UNINSTALLED";
        default -> "in state " + state;
        };
    }

    private static String describe(DeploymentException e) {
        String cause = e.getCause() == null ? "" : " (" + e.getCause() + ")";
        return "code " + e.getCode() + ": " + e.getMessage() + cause;
    }
}
