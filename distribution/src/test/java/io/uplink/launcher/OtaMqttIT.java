package io.uplink.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;

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

    private Process broker;

    @AfterEach
    void stopBroker() throws InterruptedException {
        if (broker != null) {
            broker.destroy();
            broker.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private void openssl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(temp.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("openssl %s: %s", String.join(" ", args), out).isZero();
    }

    private void ca(String name) throws Exception {
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
                name + ".key", "-out", name + ".crt", "-days", "30", "-subj", "/CN=" + name, "-addext",
                "basicConstraints=critical,CA:true", "-addext", "keyUsage=critical,keyCertSign");
    }

    private void signer(String name, String ca) throws Exception {
        openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", name + ".key",
                "-out", name + ".csr", "-subj", "/CN=" + name);
        Files.writeString(temp.resolve(name + ".ext"), "keyUsage=critical,digitalSignature\n"
                + "extendedKeyUsage=codeSigning\n");
        openssl("x509", "-req", "-in", name + ".csr", "-CA", ca + ".crt", "-CAkey", ca + ".key", "-CAcreateserial",
                "-out", name + ".crt", "-days", "10", "-extfile", name + ".ext");
    }

    private Path deploymentPackage() throws Exception {
        Manifest bm = new Manifest();
        bm.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        bm.getMainAttributes().putValue("Bundle-ManifestVersion", "2");
        bm.getMainAttributes().putValue("Bundle-SymbolicName", "demo.bundle");
        bm.getMainAttributes().putValue("Bundle-Version", "1.2.3");
        ByteArrayOutputStream bundle = new ByteArrayOutputStream();
        new JarOutputStream(bundle, bm).close();
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().putValue("DeploymentPackage-SymbolicName", "demo.feature");
        m.getMainAttributes().putValue("DeploymentPackage-Version", "1.2.3");
        Attributes s = new Attributes();
        s.putValue("Bundle-SymbolicName", "demo.bundle");
        s.putValue("Bundle-Version", "1.2.3");
        m.getEntries().put("bundles/demo.bundle.jar", s);
        Path dp = temp.resolve("demo.dp");
        try (OutputStream o = Files.newOutputStream(dp); JarOutputStream j = new JarOutputStream(o, m)) {
            j.putNextEntry(new ZipEntry("bundles/demo.bundle.jar"));
            j.write(bundle.toByteArray());
            j.closeEntry();
        }
        return dp;
    }

    private Path brokenPackage() throws Exception {
        Manifest bm = new Manifest();
        bm.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        bm.getMainAttributes().putValue("Bundle-ManifestVersion", "2");
        bm.getMainAttributes().putValue("Bundle-SymbolicName", "broken.bundle");
        bm.getMainAttributes().putValue("Bundle-Version", "1.2.3");
        bm.getMainAttributes().putValue("Bundle-Activator", "broken.MissingActivator");
        ByteArrayOutputStream bundle = new ByteArrayOutputStream();
        new JarOutputStream(bundle, bm).close();
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().putValue("DeploymentPackage-SymbolicName", "broken.feature");
        m.getMainAttributes().putValue("DeploymentPackage-Version", "1.2.3");
        Attributes s = new Attributes();
        s.putValue("Bundle-SymbolicName", "broken.bundle");
        s.putValue("Bundle-Version", "1.2.3");
        m.getEntries().put("bundles/broken.bundle.jar", s);
        Path dp = temp.resolve("broken.dp");
        try (OutputStream o = Files.newOutputStream(dp); JarOutputStream j = new JarOutputStream(o, m)) {
            j.putNextEntry(new ZipEntry("bundles/broken.bundle.jar"));
            j.write(bundle.toByteArray());
            j.closeEntry();
        }
        return dp;
    }

    @Test
    void installOverMqttAnswersOnTheResponseTopic() throws Exception {
        ca("ota-ca");
        signer("release", "ota-ca");
        Path dp = deploymentPackage();
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
        ca("ota-ca");
        signer("release", "ota-ca");
        Path dp = brokenPackage();
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
