package io.uplink.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.uplink.launcher.demo.DemoPki;

/**
 * {@code bin/uplink pub} and {@code sub} against real mosquitto, as an operator would use them: plain, through the
 * emulated modem with the gateway's TLS and a client certificate, and a {@code kill -9} in the middle of a run.
 */
class PubSubIT {

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

    private void startBroker(Path config) throws IOException, InterruptedException {
        broker = new ProcessBuilder("mosquitto", "-c", config.toString()).redirectErrorStream(true)
                .redirectOutput(temp.resolve("mosquitto.log").toFile()).start();
        Thread.sleep(500);
        assertThat(broker.isAlive()).as("mosquitto: %s", Files.readString(temp.resolve("mosquitto.log"))).isTrue();
    }

    private Path plainConfig(int port) throws IOException {
        return Files.writeString(temp.resolve("plain.conf"), "listener " + port + " 127.0.0.1\nallow_anonymous true\n");
    }

    @Test
    void pubAndSubThroughTheOsNetwork() throws Exception {
        try (GatewayProcess gw = GatewayProcess.copyOfDistribution(temp)) {
            int port = GatewayProcess.freePort();
            startBroker(plainConfig(port));
            Process sub = new ProcessBuilder(gw.home.resolve("bin/uplink").toString(), "sub", "-h", "127.0.0.1", "-p",
                    String.valueOf(port), "-t", "it/#", "-v", "-C", "3", "-W", "50").redirectErrorStream(true).start();
            Thread.sleep(3000); // the subscriber's JVM and connection
            GatewayProcess.Result pub = gw.command(null, "pub", "-h", "127.0.0.1", "-p", String.valueOf(port), "-t",
                    "it/a", "--count", "3", "-m", "n={seq}/{count}");
            assertThat(pub.exitCode()).as(pub.output()).isZero();
            assertThat(pub.output()).contains("3 message(s) acknowledged by 127.0.0.1:" + port);
            assertThat(sub.waitFor(50, TimeUnit.SECONDS)).isTrue();
            String lines = new String(sub.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(sub.exitValue()).as(lines).isZero();
            assertThat(lines).contains("it/a n=1/3\nit/a n=2/3\nit/a n=3/3");

            GatewayProcess.Result json = gw.command(null, "pub", "-h", "127.0.0.1", "-p", String.valueOf(port), "-t",
                    "it/b", "-m", "x", "--json");
            assertThat(json.output()).contains("\"accepted\":1").contains("\"acknowledged\":1")
                    .contains("\"still_queued\":0");
        }
    }

    @Test
    void aKilledPubIsResumedWithNothingLost() throws Exception {
        try (GatewayProcess gw = GatewayProcess.copyOfDistribution(temp)) {
            int port = GatewayProcess.freePort();
            int n = 3000;
            // No broker yet: every message waits in the durable queue; then the process is killed (SIGKILL).
            gw.launch("pub", "-h", "127.0.0.1", "-p", String.valueOf(port), "-t", "kill/x", "--count",
                    String.valueOf(n), "-m", "{seq}");
            gw.awaitOutput(s -> s.contains("accepted " + n + ","), "all messages accepted");
            gw.kill();

            startBroker(plainConfig(port));
            Process counter = new ProcessBuilder("mosquitto_sub", "-h", "127.0.0.1", "-p", String.valueOf(port), "-t",
                    "kill/#", "-q", "1", "-C", String.valueOf(n), "-W", "90").redirectErrorStream(true).start();
            Thread.sleep(500);
            GatewayProcess.Result resumed = gw.command(null, "pub", "-h", "127.0.0.1", "-p", String.valueOf(port),
                    "-t", "kill/x", "--resume");
            assertThat(resumed.exitCode()).as(resumed.output()).isZero();
            assertThat(resumed.output()).contains(n + " message(s) from an earlier run");
            assertThat(counter.waitFor(90, TimeUnit.SECONDS)).isTrue();
            List<String> got = new String(counter.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines()
                    .toList();
            Set<String> unique = new HashSet<>(got);
            for (int i = 1; i <= n; i++) {
                assertThat(unique).as("message %d", i).contains(String.valueOf(i));
            }
        }
    }

    /** Issue 16, Medium 5: a damaged queue is said, kept aside, and not an exit code 0. */
    @Test
    void aDamagedQueueIsReportedAndExitsNonZero() throws Exception {
        try (GatewayProcess gw = GatewayProcess.copyOfDistribution(temp)) {
            int port = GatewayProcess.freePort();
            GatewayProcess.Result queued = gw.command(null, "pub", "-h", "127.0.0.1", "-p", String.valueOf(port),
                    "-t", "dmg/x", "--count", "20", "-m", "{seq} " + "x".repeat(2000), "--timeout", "1");
            assertThat(queued.exitCode()).as(queued.output()).isEqualTo(1);
            Path queue;
            try (var files = Files.list(gw.home.resolve("data/cli"))) {
                queue = files.filter(f -> f.toString().endsWith(".queue")).findFirst().orElseThrow();
            }
            assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(queue)))
                    .isEqualTo("rw-------");
            assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(
                    queue.getParent()))).isEqualTo("rwx------");
            try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(queue,
                    java.nio.file.StandardOpenOption.WRITE)) {
                ch.truncate(Files.size(queue) / 2);
            }
            startBroker(plainConfig(port));
            GatewayProcess.Result resumed = gw.command(null, "pub", "-h", "127.0.0.1", "-p", String.valueOf(port),
                    "-t", "dmg/x", "--resume");
            assertThat(resumed.exitCode()).as(resumed.output()).isEqualTo(1);
            assertThat(resumed.output()).contains("The outbound queue was damaged").contains("Recovered")
                    .contains(".damaged-").doesNotContain("over  in");
        }
    }

    @Test
    void throughTheEmulatedModemWithHostTlsAndAClientCertificate() throws Exception {
        try (GatewayProcess gw = GatewayProcess.copyOfDistribution(temp)) {
            DemoPki pki = DemoPki.loadOrCreate(temp.resolve("pki"));
            Path dir = temp.resolve("pki");
            readableByTheBroker(dir);
            int port = GatewayProcess.freePort();
            startBroker(Files.writeString(temp.resolve("tls.conf"), String.join("\n", "listener " + port
                    + " 127.0.0.1", "cafile " + pki.caFile(), "certfile " + dir.resolve("broker.pem"), "keyfile "
                            + dir.resolve("broker.key"), "require_certificate true", "allow_anonymous true", "")));
            List<String> tls = List.of("--cafile", pki.caFile().toString(), "--cert", pki.deviceCertFile().toString(),
                    "--key", pki.deviceKeyFile().toString());
            Process sub = new ProcessBuilder(concat(List.of(gw.home.resolve("bin/uplink").toString(), "sub", "-h",
                    "localhost", "-p", String.valueOf(port), "-t", "tls/#", "-C", "2", "-W", "60", "--json"), tls))
                    .redirectErrorStream(true).start();
            Thread.sleep(3000);
            GatewayProcess.Result pub = gw.command(null, concat(List.of("pub", "-h", "localhost", "-p",
                    String.valueOf(port), "-t", "tls/m", "--count", "2", "--modem", "emulator:bg95"), tls)
                    .toArray(String[]::new));
            assertThat(pub.exitCode()).as(pub.output()).isZero();
            assertThat(pub.output()).contains("over Quectel BG95").containsPattern("TLSv1\\.3 TLS_");
            assertThat(sub.waitFor(60, TimeUnit.SECONDS)).isTrue();
            String lines = new String(sub.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(lines).contains("{\"topic\":\"tls/m\",\"qos\":0,\"retained\":false,\"payload\":\"message 1 of 2\"}");

            // Without the client certificate the broker closes the handshake: named, not a stack trace.
            GatewayProcess.Result bare = gw.command(null, "pub", "-h", "localhost", "-p", String.valueOf(port),
                    "--cafile", pki.caFile().toString(), "-t", "tls/m", "-m", "x", "--timeout", "5");
            assertThat(bare.exitCode()).isEqualTo(1);
            assertThat(bare.output()).containsIgnoringCase("certificate").contains("--resume");
        }
    }

    @Test
    void argumentsAreCheckedFirst() throws Exception {
        try (GatewayProcess gw = GatewayProcess.copyOfDistribution(temp)) {
            for (List<String> args : List.of(List.of("pub", "-m", "x"), List.of("pub", "-t", "a", "-m", "x", "-q", "2"),
                    List.of("pub", "-t", "a", "-m", "x", "-P", "secret"), List.of("pub", "-t", "a", "-m", "x",
                            "--cert", "c.pem"), List.of("sub"), List.of("sub", "-t", "a", "--tls", "maybe"),
                    List.of("pub", "-t", "a/+", "-m", "x", "--profile", "nope"))) {
                GatewayProcess.Result r = gw.command(null, args.toArray(String[]::new));
                assertThat(r.exitCode()).as("%s: %s", args, r.output()).isIn(1, 2);
                assertThat(r.output()).as("%s", args).startsWith("uplink " + args.get(0) + ": ");
            }
            GatewayProcess.Result help = gw.command(null, "sub", "--help");
            assertThat(help.exitCode()).isZero();
            assertThat(help.output()).contains("--modem").contains("--cafile");
        }
    }

    /** mosquitto started as root drops to its own user, which must be able to read the (test-only) files. */
    private void readableByTheBroker(Path dir) throws IOException {
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
            }
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new java.util.ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
