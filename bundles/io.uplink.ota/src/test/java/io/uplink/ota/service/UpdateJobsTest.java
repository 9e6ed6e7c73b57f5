package io.uplink.ota.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.uplink.ota.OtaException;
import io.uplink.ota.OtaJob;
import io.uplink.ota.OtaReason;
import io.uplink.ota.PackageInfo;
import io.uplink.ota.TestPackages;
import io.uplink.ota.TestPki;
import io.uplink.ota.sign.PackageSigner;
import io.uplink.ota.verify.PackageVerifier;

/** Jobs, rollback and recovery after a simulated kill, over a fake DeploymentAdmin. */
class UpdateJobsTest {

    private static TestPki.Issued ca;
    private static TestPki.Issued signer;

    @TempDir
    Path dir;

    private FakeAdmin admin;

    @BeforeAll
    static void pki() throws Exception {
        ca = TestPki.ca("Test CA");
        signer = TestPki.signer(ca, "Test signer");
    }

    @BeforeEach
    void setUp() {
        admin = new FakeAdmin();
    }

    /** Stands for a gateway killed at that point: nothing after it runs. */
    static final class Killed extends RuntimeException {
        private static final long serialVersionUID = 1L;
    }

    static final class FakeAdmin implements PackageInstaller {
        final Map<String, String> installed = new HashMap<>();
        final Set<String> unhealthyVersions = new HashSet<>();
        final List<String> calls = new ArrayList<>();
        String killAt = "";
        /** Called during each health check, e.g. to read the job's progress from outside. */
        Runnable duringCheck = () -> { };

        @Override
        public void install(Path file) throws InstallException {
            String v = UpdateJobs.versionOf(file);
            calls.add("install " + v);
            if (killAt.equals("install " + v)) {
                killAt = "";
                throw new Killed();
            }
            if (v.equals("6.6.6")) {
                throw new InstallException("code 463: bundle cannot be resolved", null);
            }
            installed.put("test.feature", v);
        }

        @Override
        public void uninstall(String name) {
            calls.add("uninstall");
            installed.remove(name);
        }

        @Override
        public Optional<String> installedVersion(String name) {
            return Optional.ofNullable(installed.get(name));
        }

        @Override
        public List<PackageInfo> installed() {
            List<PackageInfo> l = new ArrayList<>();
            installed.forEach((n, v) -> l.add(new PackageInfo(n, v, List.of("test.a", "test.b"), "", "")));
            return l;
        }

        @Override
        public Optional<String> healthCheck(String name, List<String> bundles) {
            String v = installed.get(name);
            calls.add("check " + v);
            duringCheck.run();
            if (killAt.equals("check " + v)) {
                killAt = "";
                throw new Killed();
            }
            return unhealthyVersions.contains(v) ? Optional.of("bundle test.b is RESOLVED (it did not start), not "
                    + "ACTIVE") : Optional.empty();
        }
    }

    @Test
    void theRunningJobReportsItsPhaseAndNothingWhenIdle() throws Exception {
        UpdateJobs jobs = jobs();
        List<String> seen = new ArrayList<>();
        admin.duringCheck = () -> seen.add(jobs.progress().map(p -> p.action() + " " + p.target() + " "
                + p.phase()).orElse("none"));
        assertThat(jobs.progress()).isEmpty();
        jobs.install(pkg("1.0.0"));
        jobs.install(pkg("2.0.0"));
        jobs.rollback("test.feature");
        assertThat(seen).containsExactly("install test.feature-1.0.0.dp HEALTH_CHECK",
                "install test.feature-2.0.0.dp HEALTH_CHECK", "rollback test.feature HEALTH_CHECK");
        assertThat(jobs.progress()).isEmpty();
    }

    private UpdateJobs jobs() throws Exception {
        return new UpdateJobs(dir.resolve("ota"), admin, () -> new PackageVerifier(List.of(ca.cert())),
                Clock.systemUTC());
    }

    private Path pkg(String version) throws Exception {
        Path raw = dir.resolve("raw-" + version + ".dp");
        TestPackages.twoBundles(raw, "test.feature", version);
        Path out = dir.resolve("test.feature-" + version + ".dp");
        new PackageSigner(signer.keys().getPrivate(), List.of(signer.cert())).sign(raw, out);
        return out;
    }

    @Test
    void installsAndKeepsThePreviousVersionForRollback() throws Exception {
        UpdateJobs jobs = jobs();
        assertThat(jobs.install(pkg("1.0.0")).outcome()).isEqualTo(OtaJob.Outcome.INSTALLED);
        OtaJob second = jobs.install(pkg("1.1.0"));
        assertThat(second.outcome()).isEqualTo(OtaJob.Outcome.INSTALLED);
        assertThat(second.fromVersion()).isEqualTo("1.0.0");
        assertThat(jobs.list()).singleElement().satisfies(p -> {
            assertThat(p.version()).isEqualTo("1.1.0");
            assertThat(p.previousVersion()).isEqualTo("1.0.0");
            assertThat(p.signer()).isEqualTo("CN=Test signer");
        });
        assertThat(jobs.rollback("test.feature").outcome()).isEqualTo(OtaJob.Outcome.INSTALLED);
        assertThat(admin.installed).containsEntry("test.feature", "1.0.0");
        assertThat(Files.exists(dir.resolve("ota/journal.properties"))).isFalse();
    }

    @Test
    void unhealthyUpdateIsRolledBackToThePreviousVersion() throws Exception {
        UpdateJobs jobs = jobs();
        jobs.install(pkg("1.0.0"));
        admin.unhealthyVersions.add("2.0.0");
        OtaJob job = jobs.install(pkg("2.0.0"));
        assertThat(job.outcome()).isEqualTo(OtaJob.Outcome.ROLLED_BACK);
        assertThat(job.reason()).isEqualTo(OtaReason.HEALTH_CHECK_FAILED);
        assertThat(job.message()).contains("test.b is RESOLVED").contains("1.0.0 is reinstalled");
        assertThat(admin.installed).containsEntry("test.feature", "1.0.0");
        assertThat(jobs.list().get(0).previousVersion()).as("a failed version is not kept").isEmpty();
        assertThat(jobs.lastJob()).get().extracting(OtaJob::outcome).isEqualTo(OtaJob.Outcome.ROLLED_BACK);
    }

    @Test
    void unhealthyFirstInstallIsUninstalled() throws Exception {
        admin.unhealthyVersions.add("1.0.0");
        OtaJob job = jobs().install(pkg("1.0.0"));
        assertThat(job.outcome()).isEqualTo(OtaJob.Outcome.ROLLED_BACK);
        assertThat(admin.installed).isEmpty();
    }

    @Test
    void refusedPackageNeverReachesDeploymentAdmin() throws Exception {
        UpdateJobs jobs = jobs();
        jobs.install(pkg("1.0.0"));
        Path raw = dir.resolve("unsigned.dp");
        TestPackages.twoBundles(raw, "test.feature", "3.0.0");
        assertThatThrownBy(() -> jobs.install(raw)).isInstanceOfSatisfying(OtaException.class,
                e -> assertThat(e.reason()).isEqualTo(OtaReason.UNSIGNED));
        assertThat(admin.calls).containsExactly("install 1.0.0", "check 1.0.0");
        assertThat(jobs.lastJob()).get().extracting(OtaJob::outcome).isEqualTo(OtaJob.Outcome.REFUSED);
    }

    @Test
    void deploymentAdminFailureKeepsTheOldVersion() throws Exception {
        UpdateJobs jobs = jobs();
        jobs.install(pkg("1.0.0"));
        assertThatThrownBy(() -> jobs.install(pkg("6.6.6"))).isInstanceOfSatisfying(OtaException.class,
                e -> assertThat(e.getMessage()).contains("code 463").contains("1.0.0 stays installed"));
        assertThat(admin.installed).containsEntry("test.feature", "1.0.0");
        assertThat(jobs.list().get(0).previousVersion()).isEmpty();
    }

    @Test
    void killDuringInstallEndsWithTheNewVersionConfirmedAfterRestart() throws Exception {
        jobs().install(pkg("1.0.0"));
        admin.killAt = "install 2.0.0";
        Path p2 = pkg("2.0.0");
        assertThatThrownBy(() -> jobs().install(p2)).isInstanceOf(Killed.class);
        assertThat(Files.exists(dir.resolve("ota/journal.properties"))).isTrue();
        if (!"".equals(System.getProperty("os.name")) && !System.getProperty("os.name").startsWith("Windows")) {
            assertThat(Files.getPosixFilePermissions(dir.resolve("ota/journal.properties")))
                    .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        }

        UpdateJobs restarted = jobs();
        OtaJob job = restarted.recover().orElseThrow();
        assertThat(job.outcome()).isEqualTo(OtaJob.Outcome.INSTALLED);
        assertThat(job.message()).startsWith("Finished after a restart");
        assertThat(admin.installed).containsEntry("test.feature", "2.0.0");
        assertThat(restarted.list().get(0).previousVersion()).isEqualTo("1.0.0");
        assertThat(restarted.recover()).as("nothing left to recover").isEmpty();
        assertThat(restarted.lastJob()).get().extracting(OtaJob::id).isEqualTo(job.id());
    }

    @Test
    void killDuringHealthCheckOfABadVersionEndsWithTheOldVersionAfterRestart() throws Exception {
        jobs().install(pkg("1.0.0"));
        admin.unhealthyVersions.add("2.0.0");
        admin.killAt = "check 2.0.0";
        Path p2 = pkg("2.0.0");
        assertThatThrownBy(() -> jobs().install(p2)).isInstanceOf(Killed.class);
        assertThat(admin.installed).as("the kill left the new version installed, unconfirmed")
                .containsEntry("test.feature", "2.0.0");

        OtaJob job = jobs().recover().orElseThrow();
        assertThat(job.outcome()).isEqualTo(OtaJob.Outcome.ROLLED_BACK);
        assertThat(admin.installed).containsEntry("test.feature", "1.0.0");
    }

    @Test
    void killDuringRollbackFinishesTheRollbackAfterRestart() throws Exception {
        jobs().install(pkg("1.0.0"));
        admin.unhealthyVersions.add("2.0.0");
        admin.killAt = "install 1.0.0";
        Path p2 = pkg("2.0.0");
        assertThatThrownBy(() -> jobs().install(p2)).isInstanceOf(Killed.class);

        OtaJob job = jobs().recover().orElseThrow();
        assertThat(job.outcome()).isEqualTo(OtaJob.Outcome.ROLLED_BACK);
        assertThat(admin.installed).containsEntry("test.feature", "1.0.0");
    }

    @Test
    void rollbackWithoutAPreviousVersionSaysSo() throws Exception {
        UpdateJobs jobs = jobs();
        jobs.install(pkg("1.0.0"));
        assertThatThrownBy(() -> jobs.rollback("test.feature")).isInstanceOfSatisfying(OtaException.class,
                e -> assertThat(e.reason()).isEqualTo(OtaReason.NO_PREVIOUS_VERSION));
        assertThatThrownBy(() -> jobs.rollback("../etc")).isInstanceOf(OtaException.class);
    }

    @Test
    void uninstallKeepsTheFileForARollback() throws Exception {
        UpdateJobs jobs = jobs();
        jobs.install(pkg("1.0.0"));
        assertThat(jobs.uninstall("test.feature").outcome()).isEqualTo(OtaJob.Outcome.UNINSTALLED);
        assertThat(admin.installed).isEmpty();
        assertThat(jobs.rollback("test.feature").outcome()).isEqualTo(OtaJob.Outcome.INSTALLED);
        assertThat(admin.installed).containsEntry("test.feature", "1.0.0");
        assertThatThrownBy(() -> jobs.uninstall("nothing")).isInstanceOfSatisfying(OtaException.class,
                e -> assertThat(e.reason()).isEqualTo(OtaReason.NOT_INSTALLED));
    }

    @Test
    void downloadedPackageIsVerifiedAndInstalledAndTheDownloadRemoved() throws Exception {
        byte[] dp = Files.readAllBytes(pkg("3.0.0"));
        try (java.net.ServerSocket server = new java.net.ServerSocket(0, 5, java.net.InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> {
                try (java.net.Socket s = server.accept()) {
                    java.io.InputStream in = s.getInputStream();
                    StringBuilder head = new StringBuilder();
                    while (!head.toString().endsWith("\r\n\r\n")) {
                        head.append((char) in.read());
                    }
                    s.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Length: " + dp.length + "\r\n\r\n")
                            .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                    s.getOutputStream().write(dp);
                } catch (java.io.IOException e) {
                    // the test fails on its own
                }
            });
            t.start();
            io.uplink.ota.download.PackageDownload download = new io.uplink.ota.download.PackageDownload(
                    (host, port, tls) -> socketConnection(new java.net.Socket(host, port)), 1,
                    java.time.Duration.ZERO, 1_000_000);
            String sha = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(dp));
            UpdateJobs jobs = jobs();
            OtaJob job = jobs.install(java.net.URI.create("http://127.0.0.1:" + server.getLocalPort() + "/f.dp"), sha,
                    dp.length, download);
            assertThat(job.outcome()).isEqualTo(OtaJob.Outcome.INSTALLED);
            assertThat(admin.installed).containsEntry("test.feature", "3.0.0");
            try (var left = Files.list(dir.resolve("ota/downloads"))) {
                assertThat(left).isEmpty();
            }
            t.join(10_000);
        }
    }

    private static io.uplink.transport.Connection socketConnection(java.net.Socket s) {
        return new io.uplink.transport.Connection() {
            @Override
            public java.io.InputStream input() throws java.io.IOException {
                return s.getInputStream();
            }

            @Override
            public java.io.OutputStream output() throws java.io.IOException {
                return s.getOutputStream();
            }

            @Override
            public void setReadTimeout(java.time.Duration timeout) throws java.io.IOException {
                s.setSoTimeout((int) timeout.toMillis());
            }

            @Override
            public java.time.Duration readTimeout() {
                return java.time.Duration.ZERO;
            }

            @Override
            public boolean isOpen() {
                return !s.isClosed();
            }

            @Override
            public String remote() {
                return String.valueOf(s.getRemoteSocketAddress());
            }

            @Override
            public void close() throws java.io.IOException {
                s.close();
            }
        };
    }
}
