package io.uplink.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/uplink demo} as a newcomer runs it on a fresh copy: messages must reach the embedded broker through the
 * emulated modem and host TLS, and a standard client (mosquitto_sub) with the demo PKI must see them too.
 */
class DemoIT {

    /** The promise to a newcomer: messages within 30 s of starting the demo. */
    private static final long PROMISE_SECONDS = 30;

    @TempDir
    Path temp;

    @Test
    void messagesArriveThroughTheEmulatedModemWithHostTls() throws Exception {
        try (GatewayProcess gw = GatewayProcess.copyOfDistribution(temp)) {
            int mqttPort = GatewayProcess.freePort();
            long spawned = System.nanoTime();
            gw.launch("demo", "--no-shell", "--http-port", String.valueOf(gw.port), "--mqtt-port",
                    String.valueOf(mqttPort), "--interval", "1");
            String text = gw.awaitOutput(s -> s.contains("[broker] message 1 "), "a message at the broker");
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - spawned);
            System.out.println("demo: first message at the broker " + seconds + " s after the command started");
            assertThat(seconds).as("first message within the demo's promise").isLessThan(PROMISE_SECONDS);
            assertThat(text).contains("connected to localhost:" + mqttPort + " over Quectel BG95")
                    .containsPattern("TLSv1\\.[23] TLS_")
                    .contains("on 'gateways/uplink-demo-gateway/telemetry' from 'uplink-demo-gateway'")
                    .doesNotContain("WARNING");

            // A standard client with the demo PKI sees the telemetry as well.
            Path pki = gw.home.resolve("data/demo/pki");
            Process sub = new ProcessBuilder("mosquitto_sub", "-h", "127.0.0.1", "-p", String.valueOf(mqttPort),
                    "--cafile", pki.resolve("ca.pem").toString(), "--cert", pki.resolve("device.pem").toString(),
                    "--key", pki.resolve("device.key").toString(), "-i", "demo-it-watcher", "-t",
                    "gateways/+/telemetry", "-C", "1", "-W", "20").redirectErrorStream(true).start();
            assertThat(sub.waitFor(30, TimeUnit.SECONDS)).isTrue();
            String seen = new String(sub.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(sub.exitValue()).as("mosquitto_sub: %s", seen).isZero();
            assertThat(seen).contains("\"gateway\":\"uplink-demo-gateway\"").contains("\"registration\":\"HOME\"");

            assertThat(gw.stop()).as("exit code after SIGTERM").isZero();
            String ca = Files.readString(pki.resolve("ca.pem"));

            // A second start keeps its certificates and its credential store.
            gw.launch("demo", "--no-shell", "--http-port", String.valueOf(gw.port), "--mqtt-port",
                    String.valueOf(mqttPort), "--interval", "1");
            gw.awaitOutput(s -> s.contains("[broker] message 1 "), "a message after the restart");
            assertThat(Files.readString(pki.resolve("ca.pem"))).isEqualTo(ca);
            assertThat(gw.stop()).isZero();
        }
    }

    @Test
    void aBusyBrokerPortIsRefusedWithTheFix() throws Exception {
        try (GatewayProcess gw = GatewayProcess.copyOfDistribution(temp);
                ServerSocket busy = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            GatewayProcess.Result r = gw.command(null, "demo", "--no-shell", "--http-port", String.valueOf(gw.port),
                    "--mqtt-port", String.valueOf(busy.getLocalPort()));
            assertThat(r.exitCode()).isEqualTo(1);
            assertThat(r.output()).contains("cannot listen on 127.0.0.1:" + busy.getLocalPort())
                    .contains("--mqtt-port");
        }
    }

    @Test
    void badOptionsAreUsageErrors() throws IOException, InterruptedException {
        try (GatewayProcess gw = GatewayProcess.copyOfDistribution(temp)) {
            for (List<String> args : List.of(List.of("demo", "--interval", "0"), List.of("demo", "--latency", "x"),
                    List.of("demo", "--mqtt-port"), List.of("demo", "--bogus"), List.of("demo", "--modem", "/dev/ttyS0"))) {
                GatewayProcess.Result r = gw.command(null, args.toArray(String[]::new));
                assertThat(r.exitCode()).as("%s: %s", args, r.output()).isEqualTo(2);
                assertThat(r.output()).contains("uplink demo:").contains("--help");
            }
            GatewayProcess.Result help = gw.command(null, "demo", "--help");
            assertThat(help.exitCode()).isZero();
            assertThat(help.output()).contains("--mqtt-port").contains("emulated modem (Quectel BG95 unless --modem")
                    .contains("emulator:nrf9160");
        }
    }
}
