package io.uplink.ota.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.uplink.ota.OtaException;
import io.uplink.ota.OtaJob;
import io.uplink.ota.OtaProgress;
import io.uplink.ota.OtaReason;
import io.uplink.ota.PackageInfo;
import io.uplink.ota.PackageUpdater;

class OtaCommandsTest {

    private final ExecutorService worker = Executors.newSingleThreadExecutor();
    private final List<Map<String, Object>> answers = new CopyOnWriteArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicInteger installs = new AtomicInteger();
    private volatile OtaProgress current;

    @AfterEach
    void stop() {
        worker.shutdownNow();
    }

    private final PackageUpdater updater = new PackageUpdater() {
        @Override
        public OtaJob install(Path file) throws OtaException {
            throw new OtaException(OtaReason.UNSIGNED, "not signed");
        }

        @Override
        public OtaJob install(URI url, String sha256, long size) {
            current = new OtaProgress("install", url.toString(), OtaProgress.Phase.DOWNLOADING, 1000, 4000, 500, 6,
                    2, 300, Instant.EPOCH);
            installs.incrementAndGet();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new OtaJob("j", "install", "test.feature", "1.0.0", "2.0.0", OtaJob.Outcome.INSTALLED, null,
                    "installed " + url + " " + sha256 + " " + size, Instant.now());
        }

        @Override
        public String verify(Path file) {
            return "";
        }

        @Override
        public OtaJob uninstall(String name) throws OtaException {
            throw new OtaException(OtaReason.NOT_INSTALLED, name + " is not installed");
        }

        @Override
        public OtaJob rollback(String name) throws OtaException {
            throw new OtaException(OtaReason.NO_PREVIOUS_VERSION, "none");
        }

        @Override
        public List<PackageInfo> list() {
            return List.of(new PackageInfo("test.feature", "1.0.0", List.of(), "", ""));
        }

        @Override
        public Optional<OtaProgress> progress() {
            return Optional.ofNullable(current);
        }

        @Override
        public Optional<OtaJob> lastJob() {
            return Optional.empty();
        }
    };

    private final OtaCommands commands = new OtaCommands(updater, worker, (id, m) -> answers.add(m));

    private void send(String json) {
        commands.onRequest(json.getBytes(StandardCharsets.UTF_8));
    }

    private void awaitAnswers(int n) throws InterruptedException {
        for (int i = 0; i < 500 && answers.size() < n; i++) {
            Thread.sleep(10);
        }
        assertThat(answers).hasSizeGreaterThanOrEqualTo(n);
    }

    @Test
    void installIsAcceptedThenAnsweredAndADuplicateIsNotRunTwice() throws Exception {
        String req = "{\"id\":\"job-1\",\"action\":\"install\",\"url\":\"https://h/p.dp\",\"sha256\":\"ab\",\"size\":42}";
        send(req);
        send(req);
        assertThat(answers.get(0)).containsEntry("state", "accepted");
        assertThat(answers.get(1)).containsEntry("state", "running").containsEntry("duplicate", true);
        release.countDown();
        awaitAnswers(3);
        assertThat(answers.get(2)).containsEntry("state", "done").containsEntry("outcome", "INSTALLED")
                .containsEntry("to", "2.0.0");
        assertThat((String) answers.get(2).get("message")).contains("https://h/p.dp ab 42");
        send(req);
        assertThat(answers.get(3)).containsEntry("outcome", "INSTALLED").containsEntry("duplicate", true);
        assertThat(installs).hasValue(1);
    }

    @Test
    void theRunningJobsProgressIsPublishedOnEachTick() throws Exception {
        commands.tick();
        assertThat(answers).isEmpty(); // idle: nothing to say
        send("{\"id\":\"dl-1\",\"action\":\"install\",\"url\":\"https://h/p.dp\"}");
        for (int i = 0; i < 500 && installs.get() == 0; i++) {
            Thread.sleep(10);
        }
        commands.tick();
        assertThat(answers).hasSize(2);
        assertThat(answers.get(1)).containsEntry("id", "dl-1").containsEntry("state", "progress")
                .containsEntry("phase", "DOWNLOADING").containsEntry("bytes", 1000L).containsEntry("total", 4000L)
                .containsEntry("bytes_per_second", 500L).containsEntry("seconds_left", 6L)
                .containsEntry("resumes", 2).containsEntry("bytes_resent", 300L);
        current = new OtaProgress("install", "https://elsewhere/q.dp", OtaProgress.Phase.DOWNLOADING, 1, 2, 3, 4,
                0, 0, Instant.EPOCH);
        commands.tick();
        assertThat(answers).hasSize(2); // another job holds the updater: not reported as ours
        release.countDown();
        awaitAnswers(3);
        assertThat(answers.get(2)).containsEntry("state", "done");
        commands.tick();
        assertThat(answers).hasSize(3);
    }

    @Test
    void failuresCarryTheReasonCode() throws Exception {
        send("{\"id\":\"r1\",\"action\":\"rollback\",\"name\":\"x\"}");
        send("{\"id\":\"r2\",\"action\":\"install\",\"file\":\"/tmp/x.dp\"}");
        send("{\"id\":\"r3\",\"action\":\"install\"}");
        send("{\"id\":\"r4\",\"action\":\"list\"}");
        awaitAnswers(8);
        assertThat(answers).anySatisfy(a -> assertThat(a).containsEntry("id", "r1")
                .containsEntry("reason", "ota.rollback.none"));
        assertThat(answers).anySatisfy(a -> assertThat(a).containsEntry("id", "r2").containsEntry("reason",
                "ota.unsigned"));
        assertThat(answers).anySatisfy(a -> assertThat(a).containsEntry("id", "r3").containsEntry("reason",
                "ota.request"));
        assertThat(answers).anySatisfy(a -> assertThat(a).containsEntry("id", "r4").containsEntry("packages",
                "test.feature@1.0.0"));
    }

    @Test
    void badRequestsAreAnsweredNotRun() {
        send("{\"id\":\"a\",\"action\":\"install\",\"url\":{}}");
        send("not json");
        send("{\"id\":\"../x y\",\"action\":\"list\"}");
        send("{\"id\":\"b\",\"action\":\"format-disk\"}");
        commands.onRequest(new byte[OtaCommands.MAX_REQUEST_BYTES + 1]);
        assertThat(answers).hasSize(5).allSatisfy(a -> assertThat(a).containsEntry("state", "failed")
                .containsEntry("reason", "ota.request"));
        assertThat((String) answers.get(1).get("message")).contains("character 0");
        assertThat(installs).hasValue(0);
    }

    @Test
    void jsonRoundTrip() {
        Map<String, Object> m = FlatJson.parse(" {\"a\" : \"x\\\"y\\u0041\", \"n\": -12, \"t\": true, \"z\": null} ");
        assertThat(m).containsEntry("a", "x\"yA").containsEntry("n", -12L).containsEntry("t", true).containsKey("z");
        assertThat(FlatJson.write(Map.of("k", "a\"b\n"))).isEqualTo("{\"k\":\"a\\\"b\\n\"}");
    }
}
