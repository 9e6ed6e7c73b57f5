package io.uplink.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.uplink.ota.OtaException;
import io.uplink.ota.OtaJob;
import io.uplink.ota.OtaProgress;
import io.uplink.ota.OtaReason;
import io.uplink.ota.PackageInfo;
import io.uplink.ota.PackageUpdater;

class PackageJobsTest {

    @TempDir
    Path dir;

    private final CountDownLatch release = new CountDownLatch(1);

    private final PackageUpdater updater = new PackageUpdater() {
        @Override
        public OtaJob install(Path file) throws OtaException {
            throw new OtaException(OtaReason.UNSIGNED, "not signed");
        }

        @Override
        public OtaJob install(URI url, String sha256, long size) {
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new OtaJob("j", "install", "test.feature", "1.0.0", "2.0.0", OtaJob.Outcome.INSTALLED, null,
                    "installed", Instant.now());
        }

        @Override
        public String verify(Path file) {
            return "";
        }

        @Override
        public OtaJob uninstall(String name) {
            throw new UnsupportedOperationException();
        }

        @Override
        public OtaJob rollback(String name) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<PackageInfo> list() {
            return List.of();
        }

        @Override
        public Optional<OtaJob> lastJob() {
            return Optional.empty();
        }

        @Override
        public Optional<OtaProgress> progress() {
            return Optional.of(new OtaProgress("install", "http://x/p.dp", OtaProgress.Phase.DOWNLOADING, 100, 400,
                    50, 6, 1, 0, Instant.EPOCH));
        }
    };

    private static Map<String, Object> await(PackageJobs jobs, String id) throws InterruptedException {
        for (int i = 0; i < 1000; i++) {
            Map<String, Object> s = jobs.state(id).orElseThrow();
            if (!"running".equals(s.get("state"))) {
                return s;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("the job did not end");
    }

    @Test
    void oneJobAtATimeWithProgressWhileItRunsAndTheOutcomeAfter() throws Exception {
        PackageJobs jobs = new PackageJobs();
        String id = jobs.start(updater, "install", "http://x/p.dp", u -> u.install(URI.create("http://x/p.dp"), "",
                -1), null).orElseThrow();
        assertThat(jobs.start(updater, "rollback", "a", u -> u.rollback("a"), null)).isEmpty();
        @SuppressWarnings("unchecked")
        Map<String, Object> p = (Map<String, Object>) jobs.state(id).orElseThrow().get("progress");
        assertThat(p).containsEntry("phase", "DOWNLOADING").containsEntry("bytes", 100L)
                .containsEntry("seconds_left", 6L);
        release.countDown();
        Map<String, Object> done = await(jobs, id);
        assertThat(done).containsEntry("state", "done").containsEntry("outcome", "INSTALLED")
                .doesNotContainKey("progress");
        assertThat(jobs.newest()).contains(id);
        jobs.stop(1000);
    }

    /**
     * Installing a package that replaces io.uplink.web: DeploymentAdmin stops the bundle, so the page is deactivated
     * on the job's own thread, inside the install. Stopping must neither wait for itself nor interrupt the install.
     */
    @Test
    void stoppingFromInsideTheJobNeitherWaitsForItselfNorInterruptsTheInstall() throws Exception {
        PackageJobs jobs = new PackageJobs();
        boolean[] interrupted = { true };
        String id = jobs.start(updater, "install", "core.dp", u -> {
            try {
                jobs.stop(60_000); // would hold the install for a minute, then interrupt it
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            interrupted[0] = Thread.currentThread().isInterrupted();
            return new OtaJob("j", "install", "core", "1", "2", OtaJob.Outcome.INSTALLED, null, "ok", Instant.now());
        }, null).orElseThrow();
        Map<String, Object> s = await(jobs, id);
        assertThat(s).containsEntry("outcome", "INSTALLED");
        assertThat(interrupted[0]).isFalse();
    }

    @Test
    void uploadsLeftByARestartAreRemoved() throws Exception {
        Path up = Files.createDirectories(dir.resolve("ota-upload"));
        Files.writeString(up.resolve("0f1e.dp"), "half a package");
        PackagesApi.removeLeftovers(up);
        assertThat(up).isEmptyDirectory();
        PackagesApi.removeLeftovers(dir.resolve("never-made")); // nothing to do, no error
    }

    @Test
    void aRefusalIsReportedWithItsCodeAndTheUploadDeleted() throws Exception {
        PackageJobs jobs = new PackageJobs();
        Path upload = Files.writeString(dir.resolve("u.dp"), "x");
        String id = jobs.start(updater, "install", "u.dp", u -> u.install(upload), upload).orElseThrow();
        Map<String, Object> s = await(jobs, id);
        assertThat(s).containsEntry("state", "failed").containsEntry("reason", "ota.unsigned");
        assertThat(s.get("fix").toString()).contains("bin/uplink ota sign");
        assertThat(upload).doesNotExist();
        assertThat(jobs.state("nope")).isEmpty();
        jobs.stop(1000);
    }
}
