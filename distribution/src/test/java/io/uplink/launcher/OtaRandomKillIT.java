package io.uplink.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 at random points of updates, repeated (issue 14): each round asks the running gateway to install the next
 * version of a package and kills it after a random delay, which lands in the upload, the signature check, the install
 * or the health check, or after the end; after the restart the gateway must run exactly one version of the package,
 * the one DeploymentAdmin reports, with its bundle at that version and ACTIVE, no job left half done, and the job's
 * outcome recorded when it had started. Rounds: {@code -Dota.kill.rounds} (default 3; docs/OTA.md gives a longer run),
 * random delays from {@code -Dota.kill.seed} (printed, so a failure can be replayed).
 */
class OtaRandomKillIT {

    private static final Pattern VERSION = Pattern.compile("\"name\":\"demo.feature\",\"version\":\"([^\"]+)\"");

    @TempDir
    Path temp;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @Test
    void killMinus9AtRandomPointsOfUpdatesLeavesOneConsistentVersion() throws Exception {
        int rounds = Integer.getInteger("ota.kill.rounds", 3);
        long seed = Long.getLong("ota.kill.seed", System.nanoTime());
        System.out.println("OtaRandomKillIT: " + rounds + " rounds, -Dota.kill.seed=" + seed);
        Random random = new Random(seed);
        OtaFixtures f = new OtaFixtures(temp);
        f.ca("ota-ca");
        f.signer("release", "ota-ca");
        String t = temp + "/";
        try (GatewayProcess gw = GatewayProcess.copyOfDistribution(temp)) {
            List<Path> signed = new ArrayList<>();
            for (int v = 1; v <= rounds + 1; v++) {
                Path raw = f.deploymentPackage("demo.feature", v + ".0.0", 192 * 1024);
                Path out = temp.resolve("signed-" + v + ".dp");
                GatewayProcess.Result r = gw.command(null, "ota", "sign", "--key", t + "release.key", "--cert",
                        t + "release.crt", raw.toString(), out.toString());
                assertThat(r.exitCode()).as(r.output()).isZero();
                signed.add(out);
            }
            GatewayProcess.Result trust = gw.command(null, "creds", "import", "--alias", "ota-trust", "--ca",
                    t + "ota-ca.crt");
            assertThat(trust.exitCode()).as(trust.output()).isZero();
            Files.writeString(gw.home.resolve("conf/io.uplink.ota.cfg"), "health.timeout.seconds=20\n");
            startAndAwaitOta(gw);
            long began = System.nanoTime();
            GatewayProcess.Result first = gw.command(null, "ota", "install", signed.get(0).toString());
            assertThat(first.exitCode()).as(first.output()).isZero();
            // An install from the command's start to its end, measured here: the kills land inside that span (and a
            // little after it), so they hit the command's start, the upload, the verification, the install and the
            // health check in turn rather than a gateway that finished long ago.
            int span = (int) Math.max(500, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began) * 6 / 5);
            System.out.println("OtaRandomKillIT: one install takes about " + span * 5 / 6 + " ms");

            Path journal = gw.home.resolve("data/ota/journal.properties");
            Path lastJob = gw.home.resolve("data/ota/last-job.properties");
            int installedBefore = 1;
            List<String> endings = new ArrayList<>();
            for (int round = 1; round <= rounds; round++) {
                String from = installedBefore + ".0.0";
                String to = (round + 1) + ".0.0";
                String lastJobBefore = Files.exists(lastJob) ? Files.readString(lastJob) : "";
                Process cli = new ProcessBuilder(gw.home.resolve("bin/uplink").toString(), "ota", "install",
                        signed.get(round).toString()).redirectErrorStream(true)
                        .redirectOutput(temp.resolve("cli-" + round + ".out").toFile()).start();
                long delay = random.nextInt(span);
                Thread.sleep(delay);
                boolean journaled = Files.exists(journal);
                gw.kill();
                cli.destroyForcibly();
                cli.waitFor(30, TimeUnit.SECONDS);

                startAndAwaitOta(gw);
                awaitGone(journal);
                String version = installedVersion(gw);
                assertThat(version).as("round %d (killed %d ms after the request): the old or the new version, "
                        + "nothing else", round, delay).isIn(from, to);
                assertThat(bundle(gw)).as("round %d: the package's bundle runs at the package's version", round)
                        .isEqualTo("demo.feature.bundle " + version + " Active");
                String lastJobAfter = Files.exists(lastJob) ? Files.readString(lastJob) : "";
                if (journaled) {
                    assertThat(lastJobAfter).as("round %d: a job interrupted after it started has its outcome",
                            round).isNotEqualTo(lastJobBefore).containsPattern("outcome=[A-Z_]+");
                }
                if (version.equals(to)) {
                    assertThat(lastJobAfter).as("round %d: the new version is confirmed", round)
                            .contains("outcome=INSTALLED");
                }
                endings.add(delay + " ms: " + (version.equals(to) ? "new" : "old") + (journaled ? ", journaled" : ""));
                installedBefore = Integer.parseInt(version.substring(0, version.indexOf('.')));
            }
            System.out.println("OtaRandomKillIT endings: " + endings);
        }
    }

    private static void startAndAwaitOta(GatewayProcess gw) throws Exception {
        gw.start();
        gw.awaitOutput(s -> s.contains("OTA updates ready"), "the OTA service");
    }

    private static void awaitGone(Path journal) throws InterruptedException {
        for (int i = 0; i < 600 && Files.exists(journal); i++) {
            Thread.sleep(100);
        }
        assertThat(journal).as("the interrupted job was finished after the restart").doesNotExist();
    }

    private static String installedVersion(GatewayProcess gw) throws Exception {
        GatewayProcess.Result list = gw.command(null, "ota", "list", "--json");
        assertThat(list.exitCode()).as(list.output()).isZero();
        Matcher m = VERSION.matcher(list.output());
        assertThat(m.find()).as("demo.feature is listed: %s", list.output()).isTrue();
        String version = m.group(1);
        assertThat(m.find()).as("one entry for demo.feature").isFalse();
        return version;
    }

    /** "bsn version state" of every bundle named demo.feature.bundle, from the Web Console's bundle list. */
    private String bundle(GatewayProcess gw) throws Exception {
        String password = Files.readString(gw.home.resolve("data/secrets/initial-admin-password")).trim();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gw.port
                + "/system/console/bundles.json")).header("Authorization", "Basic " + Base64.getEncoder()
                        .encodeToString(("admin:" + password).getBytes(StandardCharsets.UTF_8))).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        Matcher m = Pattern.compile("\\{[^{}]*\"symbolicName\":\"demo\\.feature\\.bundle\"[^{}]*\\}").matcher(r.body());
        List<String> found = new ArrayList<>();
        while (m.find()) {
            String entry = m.group();
            found.add("demo.feature.bundle " + field(entry, "version") + " " + field(entry, "state"));
        }
        assertThat(found).as("one demo.feature.bundle installed").hasSize(1);
        return found.get(0);
    }

    private static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":\"([^\"]*)\"").matcher(json);
        return m.find() ? m.group(1) : "";
    }
}
