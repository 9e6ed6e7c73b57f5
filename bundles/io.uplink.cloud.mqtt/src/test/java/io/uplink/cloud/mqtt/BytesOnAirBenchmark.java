package io.uplink.cloud.mqtt;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import io.uplink.cloud.EndpointProfile;
import io.uplink.tls.TlsClientProfile;
import io.uplink.tls.bc.BcTlsEngine;
import io.uplink.tls.bc.TestPki;
import io.uplink.transport.os.OsSocketTransport;
import io.uplink.transport.os.SocketSettings;

/**
 * Benchmark, not a test: bytes on the wire (TCP payload, both directions, counted by {@link LatencyProxy}) of
 * telemetry, Uplink against {@code mosquitto_pub -l} (one connection, a message per line of standard input) for the
 * same 60-byte JSON payloads on one topic, QoS 1, MQTT 3.1.1 and 5, plain and TLS 1.3 (ECDSA P-256 test PKI), to a
 * real mosquitto, in the same run. Each client runs twice: without a message (the bytes of one connection: TCP payload
 * of the TLS handshake, CONNECT/CONNACK, DISCONNECT and the TLS close) and with {@value #MESSAGES} messages; the
 * difference over {@value #MESSAGES} is the steady-state cost of a message (PUBLISH, PUBACK, TLS records).
 *
 * <p>Run: {@code mvn -o -Pbenchmark test -pl bundles/io.uplink.cloud.mqtt -Dtest=BytesOnAirBenchmark}.
 */
final class BytesOnAirBenchmark {

    private static final int MESSAGES = 100;
    private static final int PAYLOAD = 60;
    private static final String TOPIC = "devices/gateway-0001/telemetry";

    @org.junit.jupiter.api.Test
    void measure() throws Exception {
        main(new String[0]);
    }

    /** Bytes of one connection and of one message. */
    private record Figures(long connection, double message) {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("uplink-bytes");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        TestPki.Pki pki = TestPki.create(dir.resolve("pki"), false, "localhost");
        try (var files = Files.list(pki.dir())) {
            for (Path f : files.toList()) {
                Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
            }
        }
        int plain = freePort();
        int tls = freePort();
        Path conf = Files.writeString(dir.resolve("m.conf"), String.join("\n", "allow_anonymous true",
                "listener " + plain + " 127.0.0.1", "listener " + tls + " 127.0.0.1",
                "certfile " + pki.file("server.pem"), "keyfile " + pki.file("server.key"), ""));
        Process broker = new ProcessBuilder("mosquitto", "-c", conf.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("mosquitto.log").toFile()).start();
        try {
            awaitPort(plain);
            awaitPort(tls);
            List<String> lines = new ArrayList<>();
            for (int i = 0; i < MESSAGES; i++) {
                String json = String.format(Locale.ROOT, "{\"seq\":%d,\"t\":21.5,\"h\":40.2,\"ts\":1764857000", i);
                lines.add(json + " ".repeat(PAYLOAD - 1 - json.length()) + "}");
            }
            StringBuilder table = new StringBuilder(String.format(Locale.ROOT, "%-44s %9s %9s %6s %9s %9s %6s%n",
                    "case (Uplink against mosquitto_pub)", "conn mp", "conn U", "ratio", "msg mp", "msg U", "ratio"));
            for (boolean secure : new boolean[] { false, true }) {
                int port = secure ? tls : plain;
                String link = secure ? "TLS 1.3" : "plain";
                Figures u3 = uplink(dir, pki, port, secure, "3.1.1", lines);
                Figures m3 = mosquittoPub(dir, pki, port, secure, "mqttv311", false, lines);
                row(table, "MQTT 3.1.1, " + link, m3, u3);
                Figures u5 = uplink(dir, pki, port, secure, "5", lines);
                Figures m5 = mosquittoPub(dir, pki, port, secure, "mqttv5", false, lines);
                row(table, "MQTT 5 (Uplink: aliases), " + link, m5, u5);
                Figures m5a = mosquittoPub(dir, pki, port, secure, "mqttv5", true, lines);
                row(table, "MQTT 5, " + link + ", mosquitto_pub topic-alias", m5a, u5);
            }
            System.out.println("Bytes on the wire (TCP payload, both ways): one connection (connect, TLS handshake, "
                    + "close) and one steady-state message (" + PAYLOAD + " B JSON on '" + TOPIC + "', QoS 1, mean of "
                    + MESSAGES + "); mp = mosquitto_pub -l, U = Uplink, ratio = U / mp:");
            System.out.print(table);
        } finally {
            broker.destroy();
            broker.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static void row(StringBuilder table, String name, Figures mp, Figures u) {
        table.append(String.format(Locale.ROOT, "%-44s %9d %9d %6.2f %9.1f %9.1f %6.2f%n", name, mp.connection(),
                u.connection(), (double) u.connection() / mp.connection(), mp.message(), u.message(),
                u.message() / mp.message()));
    }

    private static Figures uplink(Path dir, TestPki.Pki pki, int port, boolean secure, String version,
            List<String> lines) throws Exception {
        long none = uplinkRun(dir, pki, port, secure, version, List.of());
        long all = uplinkRun(dir, pki, port, secure, version, lines);
        return new Figures(none, (double) (all - none) / lines.size());
    }

    private static long uplinkRun(Path dir, TestPki.Pki pki, int port, boolean secure, String version,
            List<String> lines) throws Exception {
        BcTlsEngine engine = new BcTlsEngine(List.of(), 0, Clock.systemUTC());
        OsSocketTransport os = new OsSocketTransport(SocketSettings.DEFAULTS);
        try (LatencyProxy proxy = new LatencyProxy("127.0.0.1", port, 0, 0)) {
            EndpointSettings s = new EndpointSettings("bytes", EndpointProfile.GENERIC, "127.0.0.1", proxy.port(),
                    "uplink-bytes", 60, true, "", null, secure ? "host" : "none", "localhost", List.of(),
                    Duration.ofSeconds(20), 8, 10_000, 1L << 24, version);
            Path queue = Files.createTempFile(dir, "queue", ".mv");
            Files.delete(queue);
            try (MqttCloudConnection c = new MqttCloudConnection(s, queue, () -> os, () -> engine,
                    () -> TlsClientProfile.builder("localhost").trustAnchors(List.of(pki.ca().cert())))) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (c.connects() < 1) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("no connection: " + c.lastProblem());
                    }
                    Thread.sleep(5);
                }
                for (String line : lines) {
                    c.publish(TOPIC, line.getBytes(StandardCharsets.UTF_8), 1, false);
                }
                while (c.queuedMessages() > 0) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("not delivered: " + c.lastProblem());
                    }
                    Thread.sleep(5);
                }
                if (secure && !c.path().contains("TLSv1.3")) {
                    throw new IllegalStateException("wanted TLS 1.3, got " + c.path());
                }
            }
            return total(proxy);
        }
    }

    private static Figures mosquittoPub(Path dir, TestPki.Pki pki, int port, boolean secure, String version,
            boolean alias, List<String> lines) throws Exception {
        long none = mosquittoPubRun(pki, port, secure, version, alias, List.of());
        long all = mosquittoPubRun(pki, port, secure, version, alias, lines);
        return new Figures(none, (double) (all - none) / lines.size());
    }

    private static long mosquittoPubRun(TestPki.Pki pki, int port, boolean secure, String version, boolean alias,
            List<String> lines) throws Exception {
        try (LatencyProxy proxy = new LatencyProxy("127.0.0.1", port, 0, 0)) {
            List<String> cmd = new ArrayList<>(List.of("mosquitto_pub", "-h", secure ? "localhost" : "127.0.0.1", "-p",
                    String.valueOf(proxy.port()), "-i", "mosqpb-bytes", "-t", TOPIC, "-q", "1", "-l", "-V", version));
            if (secure) {
                cmd.addAll(List.of("--cafile", pki.file("ca.pem").toString()));
            }
            if (alias) {
                cmd.addAll(List.of("-D", "publish", "topic-alias", "1"));
            }
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            try (OutputStream in = p.getOutputStream()) {
                for (String line : lines) {
                    in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                }
            }
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException("mosquitto_pub failed: " + new String(p.getInputStream()
                        .readAllBytes(), StandardCharsets.UTF_8));
            }
            return total(proxy);
        }
    }

    /** Both directions of the one connection, once the proxy has seen it end. */
    private static long total(LatencyProxy proxy) throws InterruptedException {
        Thread.sleep(300);
        List<LatencyProxy.Trace> traces = proxy.traces();
        if (traces.size() != 1) {
            throw new IllegalStateException("expected one connection, saw " + traces.size());
        }
        LatencyProxy.Trace t = traces.get(0);
        return t.bytes(LatencyProxy.Direction.UP) + t.bytes(LatencyProxy.Direction.DOWN);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void awaitPort(int port) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        throw new IllegalStateException("mosquitto did not listen on " + port);
    }
}
