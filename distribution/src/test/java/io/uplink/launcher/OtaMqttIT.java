package io.uplink.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An OTA request over MQTT to a real mosquitto: the running gateway installs a signed package and answers on the
 * response topic; a repeated request is answered, not run twice; an unsigned package is refused with its code.
 */
class OtaMqttIT {

    @TempDir
    Path temp;

    private OtaFixtures fixtures() {
        return new OtaFixtures(temp);
    }

    private Process broker;

    @AfterEach
    void stopBroker() throws InterruptedException {
        if (broker != null) {
            broker.destroy();
            broker.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void installOverMqttAnswersOnTheResponseTopic() throws Exception {
        fixtures().ca("ota-ca");
        fixtures().signer("release", "ota-ca");
        Path dp = fixtures().deploymentPackage("demo.feature", "demo.bundle", "1.2.3", 0, null);
        String t = temp.toString() + "/";
        int port = GatewayProcess.freePort();
        Files.writeString(temp.resolve("mosquitto.conf"), "listener " + port + " 127.0.0.1\nallow_anonymous true\n");
        broker = new ProcessBuilder("mosquitto", "-c", temp.resolve("mosquitto.conf").toString())
                .redirectErrorStream(true).redirectOutput(temp.resolve("mosquitto.log").toFile()).start();
        try (GatewayProcess gw = GatewayProcess.copyOfDistribution(temp)) {
            assertThat(gw.command(null, "ota", "sign", "--key", t + "release.key", "--cert", t + "release.crt",
                    dp.toString(), t + "signed.dp").exitCode()).isZero();
            GatewayProcess.Result trust = gw.command(null, "creds", "import", "--alias", "ota-trust", "--ca",
                    t + "ota-ca.crt");
            assertThat(trust.exitCode()).as(trust.output()).isZero();
            Files.writeString(gw.home.resolve("conf/io.uplink.cloud.mqtt-ota.cfg"),
                    "cloud.endpoint.id=ota\nhost=127.0.0.1\nport=" + port + "\ntls.mode=none\nclient.id=gw1\n");
            Files.writeString(gw.home.resolve("conf/io.uplink.ota.mqtt.cfg"), "cloud.endpoint.id=ota\ngateway.id=gw1\n");
            Files.writeString(gw.home.resolve("conf/io.uplink.ota.cfg"), "health.timeout.seconds=20\n");
            gw.start();
            gw.awaitOutput(s -> s.contains("Endpoint 'ota' connected"), "the endpoint");
            gw.awaitOutput(s -> s.contains("OTA commands on gateways/gw1/ota/request"), "the OTA commands");

            Process sub = new ProcessBuilder("mosquitto_sub", "-h", "127.0.0.1", "-p", String.valueOf(port), "-t",
                    "gateways/gw1/ota/response", "-C", "5", "-W", "60").redirectErrorStream(true).start();
            Thread.sleep(1000); // mosquitto_sub's subscription
            pub(port, "{\"id\":\"job-1\",\"action\":\"install\",\"file\":\"" + t + "signed.dp\"}");
            gw.awaitOutput(s -> s.contains("demo.feature 1.2.3 is installed and healthy"), "the install");
            pub(port, "{\"id\":\"job-1\",\"action\":\"install\",\"file\":\"" + t + "signed.dp\"}");
            pub(port, "{\"id\":\"job-2\",\"action\":\"install\",\"file\":\"" + dp + "\"}");
            assertThat(sub.waitFor(60, TimeUnit.SECONDS)).isTrue();
            String answers = new String(sub.getInputStream().readAllBytes());
            List<String> lines = answers.lines().toList();
            assertThat(lines).as(answers).hasSize(5);
            assertThat(lines.get(0)).contains("\"id\":\"job-1\"").contains("\"state\":\"accepted\"");
            assertThat(lines.get(1)).contains("\"id\":\"job-1\"").contains("\"state\":\"done\"")
                    .contains("\"outcome\":\"INSTALLED\"").contains("\"to\":\"1.2.3\"");
            assertThat(lines.get(2)).contains("\"id\":\"job-1\"").contains("\"duplicate\":true");
            assertThat(lines.get(3)).contains("\"id\":\"job-2\"").contains("accepted");
            assertThat(lines.get(4)).contains("\"id\":\"job-2\"").contains("\"reason\":\"ota.unsigned\"");
            assertThat(gw.output()).containsOnlyOnce("demo.feature 1.2.3 is installed and healthy");
        }
    }

    /** kill -9 during the health check of a package that cannot start: after restart it is rolled back, reported. */
    @Test
    void killDuringHealthCheckIsFinishedAfterRestart() throws Exception {
        fixtures().ca("ota-ca");
        fixtures().signer("release", "ota-ca");
        Path dp = fixtures().deploymentPackage("broken.feature", "broken.bundle", "1.2.3", 0, "broken.MissingActivator");
        String t = temp.toString() + "/";
        try (GatewayProcess gw = GatewayProcess.copyOfDistribution(temp)) {
            assertThat(gw.command(null, "ota", "sign", "--key", t + "release.key", "--cert", t + "release.crt",
                    dp.toString(), t + "signed.dp").exitCode()).isZero();
            assertThat(gw.command(null, "creds", "import", "--alias", "ota-trust", "--ca", t + "ota-ca.crt")
                    .exitCode()).isZero();
            int port = GatewayProcess.freePort();
            Files.writeString(temp.resolve("mosquitto.conf"), "listener " + port + " 127.0.0.1\nallow_anonymous true\n");
            broker = new ProcessBuilder("mosquitto", "-c", temp.resolve("mosquitto.conf").toString())
                    .redirectErrorStream(true).redirectOutput(temp.resolve("mosquitto.log").toFile()).start();
            Files.writeString(gw.home.resolve("conf/io.uplink.cloud.mqtt-ota.cfg"),
                    "cloud.endpoint.id=ota\nhost=127.0.0.1\nport=" + port + "\ntls.mode=none\nclient.id=gw1\n");
            Files.writeString(gw.home.resolve("conf/io.uplink.ota.mqtt.cfg"), "cloud.endpoint.id=ota\ngateway.id=gw1\n");
            Files.writeString(gw.home.resolve("conf/io.uplink.ota.cfg"), "health.timeout.seconds=30\n");
            gw.start();
            gw.awaitOutput(s -> s.contains("OTA commands on gateways/gw1/ota/request"), "the OTA commands");
            gw.awaitOutput(s -> s.contains("Endpoint 'ota' connected"), "the endpoint");
            pub(port, "{\"id\":\"job-9\",\"action\":\"install\",\"file\":\"" + t + "signed.dp\"}");
            Path journal = gw.home.resolve("data/ota/journal.properties");
            for (int i = 0; i < 300 && !(Files.exists(journal) && Files.readString(journal).contains("HEALTH_CHECK"));
                    i++) {
                Thread.sleep(100);
            }
            assertThat(Files.readString(journal)).contains("step=HEALTH_CHECK");
            assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(journal)))
                    .isEqualTo("rw-------");
            gw.kill();

            gw.start();
            String out = gw.awaitOutput(s -> s.contains("Finished after a restart"), "the recovered job");
            gw.awaitOutput(s -> s.contains("uninstalled again"), "the rollback");
            assertThat(out).contains("was interrupted at HEALTH_CHECK");
            assertThat(gw.output()).contains("bundle broken.bundle is RESOLVED");
            assertThat(journal).doesNotExist();
            assertThat(Files.readString(gw.home.resolve("data/ota/last-job.properties")))
                    .contains("outcome=ROLLED_BACK");
        }
    }

    private static void pub(int port, String message) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("mosquitto_pub", "-h", "127.0.0.1", "-p", String.valueOf(port), "-q", "1", "-t",
                "gateways/gw1/ota/request", "-m", message).redirectErrorStream(true).start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(new String(p.getInputStream().readAllBytes())).isZero();
    }
}
