package io.uplink.ota.service;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.jar.JarFile;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.uplink.ota.OtaException;
import io.uplink.ota.OtaJob;
import io.uplink.ota.OtaProgress;
import io.uplink.ota.OtaReason;
import io.uplink.ota.PackageInfo;
import io.uplink.ota.download.PackageDownload;
import io.uplink.ota.verify.PackageVerifier;
import io.uplink.ota.verify.VerifiedPackage;

/**
 * Runs update jobs one at a time, journaled so that a gateway killed at any point comes back consistent.
 *
 * <p>Storage under the root folder (owner-only): {@code packages/NAME/current.dp} (the file of the version installed
 * through OTA), {@code previous.dp} (the one before, what a rollback reinstalls), {@code incoming.dp} (the verified copy
 * being installed); {@code journal.properties} (the running job and its step, written before each step);
 * {@code last-job.properties}. Recovery after a restart goes forward where it safely can: an interrupted install is
 * installed again from the verified copy (DeploymentAdmin makes a repeated install of the same version a no-op) and
 * health-checked; an interrupted health check is run again; an interrupted rollback is finished. So the gateway ends
 * with the old version running or the new one confirmed.
 *
 * <p>Thread-safe: every public method holds this object's monitor for the whole job.
 */
final class UpdateJobs {

    private static final Logger LOG = LoggerFactory.getLogger(UpdateJobs.class);
    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9._-]{1,200}");
    /** Room left free on the data partition besides the package copies. */
    private static final long SPACE_MARGIN = 1024 * 1024;

    enum Step { INSTALLING, HEALTH_CHECK, ROLLING_BACK, COMMITTING, UNINSTALLING }

    private final Path root;
    private final PackageInstaller installer;
    private final Supplier<PackageVerifier> verifier;
    private final Clock clock;
    private final Journal journal;
    private final Journal lastJob;
    /** The running job's phase and bytes: written by the job's thread, read by anyone without the monitor. */
    private volatile OtaProgress progress;

    UpdateJobs(Path root, PackageInstaller installer, Supplier<PackageVerifier> verifier, Clock clock)
            throws IOException {
        this.root = root;
        this.installer = installer;
        this.verifier = verifier;
        this.clock = clock;
        Files.createDirectories(root.resolve("packages"));
        Journal.ownerOnly(root);
        Journal.ownerOnly(root.resolve("packages"));
        this.journal = new Journal(root.resolve("journal.properties"));
        this.lastJob = new Journal(root.resolve("last-job.properties"));
    }

    synchronized String verify(Path file) throws OtaException {
        return verifier.get().verify(file, clock.instant()).signer();
    }

    synchronized OtaJob install(Path file) throws OtaException {
        begin("install", file.getFileName().toString(), OtaProgress.Phase.VERIFYING);
        try {
            return install(file, "install");
        } finally {
            progress = null;
        }
    }

    /** The running job, empty when none runs. */
    Optional<OtaProgress> progress() {
        return Optional.ofNullable(progress);
    }

    private void begin(String action, String target, OtaProgress.Phase phase) {
        progress = new OtaProgress(action, target, phase, 0, -1, 0, -1, 0, 0, clock.instant());
    }

    private void phase(OtaProgress.Phase phase) {
        OtaProgress p = progress;
        if (p != null && p.phase() != phase) {
            LOG.info("OTA {} {}: {}", p.action(), p.target(), phase);
            progress = p.with(phase, p.bytes(), p.total(), 0, -1, p.resumes(), p.bytesResent());
        }
    }

    private OtaJob install(Path file, String action) throws OtaException {
        phase(OtaProgress.Phase.VERIFYING);
        String id = UUID.randomUUID().toString();
        Path staging = root.resolve("incoming.tmp");
        VerifiedPackage v;
        try {
            long size = Files.size(file);
            long free = Files.getFileStore(root).getUsableSpace();
            if (free < 2 * size + SPACE_MARGIN) {
                throw new OtaException(OtaReason.STORAGE, "Not enough free space in " + root + ": " + free
                        + " bytes free, " + (2 * size + SPACE_MARGIN) + " needed for a package of " + size + " bytes.");
            }
            // Verify the copy we will install, not the caller's file, which could change in between.
            copyDurably(file, staging);
            v = verifier.get().verify(staging, clock.instant());
            if (!SAFE_NAME.matcher(v.name()).matches()) {
                throw new OtaException(OtaReason.MALFORMED, "The package name '" + v.name() + "' is not a symbolic "
                        + "name (letters, digits, '.', '_', '-').");
            }
        } catch (OtaException e) {
            deleteQuietly(staging);
            String name = file.getFileName().toString();
            record(new OtaJob(id, action, name, "", "", OtaJob.Outcome.REFUSED, e.reason(), e.explain(),
                    clock.instant()));
            LOG.warn("OTA job {}: {} refused ({}): {}", id, name, e.reason().code(), e.getMessage());
            throw e;
        } catch (IOException e) {
            deleteQuietly(staging);
            throw storage("Cannot read " + file + " or copy it into " + root, e);
        }
        Path dir = root.resolve("packages").resolve(v.name());
        Map<String, String> rec = new HashMap<>();
        rec.put("id", id);
        rec.put("action", action);
        rec.put("name", v.name());
        rec.put("from", installer.installedVersion(v.name()).orElse(""));
        rec.put("to", v.version());
        rec.put("bundles", String.join(",", v.bundles()));
        rec.put("signer", v.signer());
        try {
            Files.createDirectories(dir);
            Journal.ownerOnly(dir);
            Files.move(staging, dir.resolve("incoming.dp"), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
            Journal.syncDirectory(dir);
        } catch (IOException e) {
            deleteQuietly(staging);
            throw storage("Cannot store the package under " + dir, e);
        }
        LOG.info("OTA job {}: {} {} {} -> {} (signed by {})", id, action, v.name(), display(rec.get("from")),
                v.version(), v.signer());
        return runInstall(rec, false);
    }

    /**
     * Downloads into {@code downloads/} (a name derived from the URL, so a retry after a restart resumes the same
     * file) and installs the result; the downloaded file is removed once the job has an outcome.
     */
    synchronized OtaJob install(java.net.URI url, String sha256, long size, PackageDownload download)
            throws OtaException, InterruptedException {
        Path downloads = root.resolve("downloads");
        Path part;
        try {
            Files.createDirectories(downloads);
            Journal.ownerOnly(downloads);
            part = downloads.resolve(java.util.HexFormat.of().formatHex(java.security.MessageDigest
                    .getInstance("SHA-256").digest(url.toString().getBytes(StandardCharsets.UTF_8))) + ".part");
        } catch (IOException e) {
            throw storage("Cannot create " + downloads, e);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
        }
        begin("install", url.toString(), OtaProgress.Phase.DOWNLOADING);
        try {
            PackageDownload.Result r;
            try {
                r = download.fetch(url, part, size, sha256, (bytes, total, rate, left, resumes, resent) -> {
                    OtaProgress p = progress;
                    if (p != null) {
                        progress = p.with(OtaProgress.Phase.DOWNLOADING, bytes, total, rate,
                                total < 0 ? -1 : left.toSeconds(), resumes, resent);
                    }
                });
            } catch (OtaException e) {
                record(new OtaJob(UUID.randomUUID().toString(), "install", url.toString(), "", "",
                        e.reason() == OtaReason.STORAGE ? OtaJob.Outcome.FAILED : OtaJob.Outcome.REFUSED,
                        e.reason(), e.explain(), clock.instant()));
                throw e;
            }
            try {
                return install(r.file(), "install");
            } finally {
                deleteQuietly(r.file());
            }
        } finally {
            progress = null;
        }
    }

    synchronized OtaJob rollback(String name) throws OtaException {
        Path previous = packageDir(name).resolve("previous.dp");
        if (!Files.isRegularFile(previous)) {
            throw new OtaException(OtaReason.NO_PREVIOUS_VERSION, "No previous version of " + name + " is kept in "
                    + previous.getParent() + ".");
        }
        begin("rollback", name, OtaProgress.Phase.VERIFYING);
        try {
            return install(previous, "rollback");
        } finally {
            progress = null;
        }
    }

    synchronized OtaJob uninstall(String name) throws OtaException {
        Optional<String> version = installer.installedVersion(name);
        if (version.isEmpty()) {
            throw new OtaException(OtaReason.NOT_INSTALLED, "No deployment package named " + name
                    + " is installed.");
        }
        Map<String, String> rec = new HashMap<>();
        rec.put("id", UUID.randomUUID().toString());
        rec.put("action", "uninstall");
        rec.put("name", name);
        rec.put("from", version.get());
        rec.put("to", "");
        begin("uninstall", name, OtaProgress.Phase.UNINSTALLING);
        try {
            return runUninstall(rec, false);
        } finally {
            progress = null;
        }
    }

    /** Finishes a job a restart interrupted; a no-op when none was running. */
    synchronized Optional<OtaJob> recover() throws OtaException {
        Map<String, String> rec;
        try {
            rec = journal.read().orElse(null);
        } catch (IOException e) {
            throw storage("Cannot read the OTA journal", e);
        }
        if (rec == null) {
            return Optional.empty();
        }
        Step step;
        try {
            step = Step.valueOf(rec.getOrDefault("step", ""));
        } catch (IllegalArgumentException e) {
            LOG.error("OTA journal {} names no known step ({}); moved aside", journal.file(), rec.get("step"));
            try {
                Files.move(journal.file(), journal.file().resolveSibling("journal.unreadable"),
                        StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException x) {
                throw storage("Cannot move the unreadable OTA journal aside", x);
            }
            return Optional.empty();
        }
        LOG.warn("OTA job {} ({} {} {} -> {}) was interrupted at {} by a restart; finishing it", rec.get("id"),
                rec.get("action"), rec.get("name"), display(rec.get("from")), display(rec.get("to")), step);
        begin(rec.getOrDefault("action", "install"), String.valueOf(rec.get("name")), phaseOf(step));
        try {
            return Optional.of(switch (step) {
            case INSTALLING -> runInstall(rec, true);
            case HEALTH_CHECK -> runHealthCheck(rec, true);
            case ROLLING_BACK -> runRollback(rec, true);
            case COMMITTING -> commit(rec, true);
            case UNINSTALLING -> runUninstall(rec, true);
            });
        } finally {
            progress = null;
        }
    }

    private static OtaProgress.Phase phaseOf(Step step) {
        return OtaProgress.Phase.valueOf(step == Step.INSTALLING ? "INSTALLING" : step.name());
    }

    synchronized Optional<OtaJob> lastJob() {
        try {
            return lastJob.read().map(UpdateJobs::job);
        } catch (IOException | RuntimeException e) {
            LOG.warn("Cannot read {}: {}", lastJob.file(), e.toString());
            return Optional.empty();
        }
    }

    List<PackageInfo> list() {
        List<PackageInfo> out = new ArrayList<>();
        for (PackageInfo p : installer.installed()) {
            Path dir = root.resolve("packages").resolve(p.name());
            String signer = "";
            try {
                Path s = dir.resolve("current.signer");
                if (SAFE_NAME.matcher(p.name()).matches() && Files.isRegularFile(s) && Files.size(s) < 4096) {
                    signer = Files.readString(s, StandardCharsets.UTF_8).trim();
                }
            } catch (IOException e) {
                LOG.debug("No signer recorded for {}: {}", p.name(), e.toString());
            }
            String previous = SAFE_NAME.matcher(p.name()).matches() ? versionOf(dir.resolve("previous.dp")) : "";
            out.add(new PackageInfo(p.name(), p.version(), p.bundles(), signer, previous));
        }
        out.sort((a, b) -> a.name().compareTo(b.name()));
        return out;
    }

    private OtaJob runInstall(Map<String, String> rec, boolean resumed) throws OtaException {
        Path incoming = packageDir(rec.get("name")).resolve("incoming.dp");
        step(rec, Step.INSTALLING);
        if (!Files.isRegularFile(incoming)) {
            return finish(rec, OtaJob.Outcome.FAILED, OtaReason.STORAGE, "The verified copy " + incoming
                    + " is gone; version " + display(currentVersion(rec)) + " stays installed.", resumed);
        }
        try {
            installer.install(incoming);
        } catch (PackageInstaller.InstallException e) {
            deleteQuietly(incoming);
            OtaJob job = finish(rec, OtaJob.Outcome.FAILED, OtaReason.INSTALL_FAILED, "DeploymentAdmin did not "
                    + "install " + rec.get("name") + " " + rec.get("to") + ": " + e.getMessage() + ". Version "
                    + display(currentVersion(rec)) + " stays installed.", resumed);
            throw new OtaException(OtaReason.INSTALL_FAILED, job.message(), e);
        }
        return runHealthCheck(rec, resumed);
    }

    private OtaJob runHealthCheck(Map<String, String> rec, boolean resumed) throws OtaException {
        step(rec, Step.HEALTH_CHECK);
        List<String> bundles = rec.get("bundles").isEmpty() ? List.of() : List.of(rec.get("bundles").split(","));
        Optional<String> failure;
        try {
            failure = installer.healthCheck(rec.get("name"), bundles);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            // Leave the journal at HEALTH_CHECK: the next start runs the check again.
            throw new OtaException(OtaReason.HEALTH_CHECK_FAILED, "Stopped during the health check of "
                    + rec.get("name") + " " + rec.get("to") + "; it runs again at the next start.", e);
        }
        if (failure.isEmpty()) {
            return commit(rec, resumed);
        }
        rec.put("failure", failure.get());
        LOG.error("OTA job {}: {} {} failed its health check: {}; rolling back", rec.get("id"), rec.get("name"),
                rec.get("to"), failure.get());
        return runRollback(rec, resumed);
    }

    private OtaJob runRollback(Map<String, String> rec, boolean resumed) throws OtaException {
        step(rec, Step.ROLLING_BACK);
        Path dir = packageDir(rec.get("name"));
        Path current = dir.resolve("current.dp");
        String from = rec.get("from");
        String failure = "Health check failed: " + rec.getOrDefault("failure", "(not recorded)") + ".";
        try {
            if (!from.isEmpty() && from.equals(versionOf(current))) {
                installer.install(current);
            } else if (from.isEmpty()) {
                installer.uninstall(rec.get("name"));
            } else {
                deleteQuietly(dir.resolve("incoming.dp"));
                return finish(rec, OtaJob.Outcome.FAILED, OtaReason.NO_PREVIOUS_VERSION, failure + " Version "
                        + from + " was not installed through OTA, so its file is not kept: " + rec.get("to")
                        + " stays installed. Install a working version.", resumed);
            }
        } catch (PackageInstaller.InstallException e) {
            deleteQuietly(dir.resolve("incoming.dp"));
            return finish(rec, OtaJob.Outcome.FAILED, OtaReason.HEALTH_CHECK_FAILED, failure + " Reinstalling "
                    + display(from) + " failed too: " + e.getMessage() + ".", resumed);
        }
        deleteQuietly(dir.resolve("incoming.dp"));
        return finish(rec, OtaJob.Outcome.ROLLED_BACK, OtaReason.HEALTH_CHECK_FAILED, failure + " "
                + (from.isEmpty() ? "The package was uninstalled again." : "Version " + from + " is reinstalled."),
                resumed);
    }

    private OtaJob commit(Map<String, String> rec, boolean resumed) throws OtaException {
        step(rec, Step.COMMITTING);
        Path dir = packageDir(rec.get("name"));
        Path incoming = dir.resolve("incoming.dp");
        try {
            // Idempotent, so that a restart in the middle can simply run it again.
            if (Files.isRegularFile(incoming)) {
                if (Files.isRegularFile(dir.resolve("current.dp"))) {
                    Files.move(dir.resolve("current.dp"), dir.resolve("previous.dp"),
                            StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                }
                Files.writeString(dir.resolve("current.signer"), rec.getOrDefault("signer", ""));
                Files.move(incoming, dir.resolve("current.dp"), StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.ATOMIC_MOVE);
                Journal.syncDirectory(dir);
            }
        } catch (IOException e) {
            throw storage("Cannot keep the installed package file under " + dir, e);
        }
        return finish(rec, OtaJob.Outcome.INSTALLED, null, rec.get("name") + " " + rec.get("to")
                + " is installed and healthy" + (rec.get("from").isEmpty() ? "." : " (was " + rec.get("from") + ")."),
                resumed);
    }

    private OtaJob runUninstall(Map<String, String> rec, boolean resumed) throws OtaException {
        step(rec, Step.UNINSTALLING);
        Path dir = packageDir(rec.get("name"));
        try {
            if (installer.installedVersion(rec.get("name")).isPresent()) {
                installer.uninstall(rec.get("name"));
            }
            if (Files.isRegularFile(dir.resolve("current.dp"))) {
                // kept, so that 'rollback' can bring the package back
                Files.move(dir.resolve("current.dp"), dir.resolve("previous.dp"),
                        StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (PackageInstaller.InstallException e) {
            OtaJob job = finish(rec, OtaJob.Outcome.FAILED, OtaReason.INSTALL_FAILED, "DeploymentAdmin did not "
                    + "uninstall " + rec.get("name") + ": " + e.getMessage() + ".", resumed);
            throw new OtaException(OtaReason.INSTALL_FAILED, job.message(), e);
        } catch (IOException e) {
            throw storage("Cannot keep the uninstalled package's file under " + dir, e);
        }
        return finish(rec, OtaJob.Outcome.UNINSTALLED, null, rec.get("name") + " " + rec.get("from")
                + " is uninstalled.", resumed);
    }

    private void step(Map<String, String> rec, Step step) throws OtaException {
        phase(phaseOf(step));
        rec.put("step", step.name());
        try {
            journal.write(rec);
        } catch (IOException e) {
            throw storage("Cannot write the OTA journal " + journal.file(), e);
        }
    }

    private OtaJob finish(Map<String, String> rec, OtaJob.Outcome outcome, OtaReason reason, String message,
            boolean resumed) throws OtaException {
        String text = (resumed ? "Finished after a restart: " : "") + message
                + (reason != null && outcome != OtaJob.Outcome.INSTALLED ? " " + reason.fix() : "");
        OtaJob job = new OtaJob(rec.get("id"), rec.get("action"), rec.get("name"), rec.get("from"), rec.get("to"),
                outcome, reason, text, clock.instant());
        record(job);
        try {
            journal.clear();
        } catch (IOException e) {
            throw storage("Cannot clear the OTA journal " + journal.file(), e);
        }
        if (outcome == OtaJob.Outcome.INSTALLED || outcome == OtaJob.Outcome.UNINSTALLED) {
            LOG.info("OTA job {}: {}", job.id(), text);
        } else {
            LOG.error("OTA job {}: {} ({})", job.id(), text, reason == null ? "" : reason.code());
        }
        return job;
    }

    private void record(OtaJob job) {
        Map<String, String> m = new HashMap<>();
        m.put("id", job.id());
        m.put("action", job.action());
        m.put("name", job.packageName());
        m.put("from", job.fromVersion());
        m.put("to", job.toVersion());
        m.put("outcome", job.outcome().name());
        m.put("reason", job.reason() == null ? "" : job.reason().name());
        m.put("message", job.message());
        m.put("finished", job.finished().toString());
        try {
            lastJob.write(m);
        } catch (IOException e) {
            LOG.error("Cannot record the outcome of OTA job {} in {}: {}", job.id(), lastJob.file(), e.toString());
        }
    }

    private static OtaJob job(Map<String, String> m) {
        String reason = m.getOrDefault("reason", "");
        return new OtaJob(m.get("id"), m.get("action"), m.get("name"), m.get("from"), m.get("to"),
                OtaJob.Outcome.valueOf(m.get("outcome")), reason.isEmpty() ? null : OtaReason.valueOf(reason),
                m.get("message"), java.time.Instant.parse(m.get("finished")));
    }

    private String currentVersion(Map<String, String> rec) {
        return installer.installedVersion(rec.get("name")).orElse("");
    }

    private Path packageDir(String name) throws OtaException {
        if (name == null || !SAFE_NAME.matcher(name).matches()) {
            throw new OtaException(OtaReason.NOT_INSTALLED, "'" + name + "' is not a deployment package name.");
        }
        return root.resolve("packages").resolve(name);
    }

    static String versionOf(Path dp) {
        if (!Files.isRegularFile(dp)) {
            return "";
        }
        try (JarFile jar = new JarFile(dp.toFile(), false)) {
            String v = jar.getManifest() == null ? null
                    : jar.getManifest().getMainAttributes().getValue("DeploymentPackage-Version");
            return v == null ? "" : v.trim();
        } catch (IOException e) {
            return "";
        }
    }

    private static String display(String version) {
        return version == null || version.isEmpty() ? "(none)" : version;
    }

    private static OtaException storage(String what, IOException e) {
        return new OtaException(OtaReason.STORAGE, what + ": " + e.getMessage() + ".", e);
    }

    private static void copyDurably(Path from, Path to) throws IOException {
        Files.deleteIfExists(to);
        try (InputStream in = Files.newInputStream(from);
                FileChannel ch = FileChannel.open(to, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                OutputStream out = Channels.newOutputStream(ch)) {
            Journal.ownerOnly(to);
            in.transferTo(out);
            out.flush();
            ch.force(true);
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            LOG.debug("Cannot delete {}: {}", p, e.toString());
        }
    }
}
