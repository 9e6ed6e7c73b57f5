package io.uplink.cloud.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import io.uplink.cloud.CloudException;
import io.uplink.cloud.ConnectionState;
import io.uplink.cloud.EndpointProfile;
import io.uplink.transport.os.OsSocketTransport;
import io.uplink.transport.os.SocketSettings;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** MQTT 5 against real mosquitto: Receive Maximum, reason codes for refusals, a per-message refusal reported. */
class Mqtt5Test {

    @TempDir
    Path dir;

    private Process broker;
    private int port;

    @AfterEach
    void stop() throws InterruptedException {
        if (broker != null) {
            broker.destroy();
            broker.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private void start(String... extra) throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path conf = dir.resolve("mosquitto.conf");
        Files.writeString(conf, "listener " + port + " 127.0.0.1\n" + String.join("\n", extra) + "\n");
        Files.setPosixFilePermissions(conf, PosixFilePermissions.fromString("rw-r--r--"));
        broker = new ProcessBuilder("mosquitto", "-c", conf.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("mosquitto.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                assertThat(broker.isAlive()).as(Files.readString(dir.resolve("mosquitto.log"))).isTrue();
                assertThat(System.nanoTime()).isLessThan(deadline);
                Thread.sleep(50);
            }
        }
    }

    private MqttCloudConnection connection(String id, int window) throws IOException {
        EndpointSettings s = new EndpointSettings(id, EndpointProfile.GENERIC, "127.0.0.1", port, "uplink-" + id, 30,
                true, "", null, "none", "", List.of(), Duration.ofSeconds(10), window, 100_000, 1L << 30, "5");
        OsSocketTransport os = new OsSocketTransport(SocketSettings.DEFAULTS);
        return new MqttCloudConnection(s, dir.resolve(id + ".queue"), () -> os, () -> null, null);
    }

    private static void awaitConnected(MqttCloudConnection c) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (c.state() != ConnectionState.CONNECTED && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(c.state()).as(c.lastProblem()).isEqualTo(ConnectionState.CONNECTED);
    }

    @Test
    void theBrokersReceiveMaximumCapsTheWindowAndEverythingArrives() throws Exception {
        start("allow_anonymous true", "max_inflight_messages 3");
        try (MqttCloudConnection c = connection("v5", 10)) {
            Set<String> got = ConcurrentHashMap.newKeySet();
            c.subscribe("v5/#", 1, (topic, payload, qos, retained) -> got.add(new String(payload,
                    StandardCharsets.UTF_8)));
            awaitConnected(c);
            System.out.println("MQTT 5: configured window 10, broker Receive Maximum gives " + c.window());
            assertThat(c.window()).as("window under the broker's Receive Maximum").isLessThanOrEqualTo(3);
            for (int i = 0; i < 1000; i++) {
                c.publish("v5/seq", String.valueOf(i).getBytes(StandardCharsets.UTF_8), 1, false);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            // The subscriber may see the last message before its PUBACK reaches the publisher: wait for both.
            while ((got.size() < 1000 || c.queuedMessages() > 0) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(got).hasSize(1000);
            assertThat(c.queuedMessages()).isZero();
        }
    }

    @Test
    void aConnackRefusalIsNamedWithItsReasonCode() throws Exception {
        start("allow_anonymous false");
        try (MqttCloudConnection c = connection("refused", 10)) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!c.refusedByBroker() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(c.refusedByBroker()).as(c.lastProblem()).isTrue();
            assertThat(c.lastProblem()).contains("the broker refused the connection")
                    .containsPattern("reason code 0x8[67]");
        }
    }

    @Test
    void aMessageTheBrokerRefusesIsReportedAndLeavesTheQueue() throws Exception {
        Path acl = Files.writeString(dir.resolve("acl"), "topic readwrite allowed/#\n");
        Files.setPosixFilePermissions(acl, PosixFilePermissions.fromString("rw-r--r--"));
        start("allow_anonymous true", "acl_file " + acl);
        try (MqttCloudConnection c = connection("acl", 10)) {
            awaitConnected(c);
            c.publish("allowed/a", new byte[] { 1 }, 1, false).toCompletableFuture().get(30, TimeUnit.SECONDS);
            var refused = c.publish("forbidden/a", new byte[] { 1 }, 1, false).toCompletableFuture();
            assertThatThrownBy(() -> refused.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(CloudException.class).hasMessageContaining("not authorized");
            assertThat(((CloudException) refused.handle((r, e) -> e.getCause() != null ? e.getCause() : e).get())
                    .code()).isEqualTo("rejected-by-broker");
            c.publish("allowed/b", new byte[] { 1 }, 1, false).toCompletableFuture().get(30, TimeUnit.SECONDS);
            assertThat(c.queuedMessages()).as("nothing left to resend").isZero();
        }
    }
}
