package io.uplink.cloud.mqtt;

import java.io.OutputStream;
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
import io.uplink.tls.CipherPolicy;
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
 * difference over {@value #MESSAGES} is the steady-state cost of a message (PUBLISH, PUBACK, TLS records). Last, TLS
 * 1.2, where Uplink (policy constrained) resumes: its run without a message reconnects once, and the resumed
 * connection is set against mosquitto_pub's, which is a full handshake every time.
 *
 * <p>Run: {@code mvn -o -Pbenchmark test -pl bundles/io.uplink.cloud.mqtt -Dtest=BytesOnAirBenchmark}.
 */
public final class BytesOnAirBenchmark {

    private static final int MESSAGES = 100;
    private static final int PAYLOAD = 60;
    private static final String TOPIC = "devices/gateway-0001/telemetry";

    @org.junit.jupiter.api.Test
    void printTable() throws Exception {
        main(new String[0]);
    }

    /** Bytes of one connection and of one message; for Uplink also of a reconnect (0: not measured). */
    public record Figures(long connection, double message, long reconnect) {
        Figures(long connection, double message) {
            this(connection, message, 0);
        }
    }

    /** One case: mosquitto_pub's figures (the baseline) and Uplink's. */
    public record Row(String name, Figures mosquittoPub, Figures uplink) {
        public double connectionRatio() {
            return (double) uplink.connection() / mosquittoPub.connection();
        }

        public double messageRatio() {
            return uplink.message() / mosquittoPub.message();
        }
    }

    public static void main(String[] args) throws Exception {
        StringBuilder table = new StringBuilder(String.format(Locale.ROOT, "%-44s %9s %9s %6s %9s %9s %6s%n",
                "case (Uplink against mosquitto_pub)", "conn mp", "conn U", "ratio", "msg mp", "msg U", "ratio"));
        for (Row r : measure()) {
            table.append(String.format(Locale.ROOT, "%-44s %9d %9d %6.2f %9.1f %9.1f %6.2f%n", r.name(),
                    r.mosquittoPub().connection(), r.uplink().connection(), r.connectionRatio(),
                    r.mosquittoPub().message(), r.uplink().message(), r.messageRatio()));
        }
        System.out.println("Bytes on the wire (TCP payload, both ways): one connection (connect, TLS handshake, "
                + "close) and one steady-state message (" + PAYLOAD + " B JSON on '" + TOPIC + "', QoS 1, mean of "
                + MESSAGES + "); mp = mosquitto_pub -l, U = Uplink, ratio = U / mp:");
        System.out.print(table);
    }

    /** Every case against one mosquitto (plain and TLS listeners); needs mosquitto and mosquitto_pub on the PATH. */
    public static List<Row> measure() throws Exception {
        Path dir = Files.createTempDirectory("uplink-bytes");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        TestPki.Pki pki = TestPki.create(dir.resolve("pki"), false, "localhost");
        try (var files = Files.list(pki.dir())) {
            for (Path f : files.toList()) {
                Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
            }
        }
        int plain = BenchmarkSupport.freePort();
        int tls = BenchmarkSupport.freePort();
        Path conf = Files.writeString(dir.resolve("m.conf"), String.join("\n", "allow_anonymous true",
                "listener " + plain + " 127.0.0.1", "listener " + tls + " 127.0.0.1",
                "certfile " + pki.file("server.pem"), "keyfile " + pki.file("server.key"), ""));
        Process broker = new ProcessBuilder("mosquitto", "-c", conf.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("mosquitto.log").toFile()).start();
        try {
            BenchmarkSupport.awaitPort(plain);
            BenchmarkSupport.awaitPort(tls);
            List<String> lines = new ArrayList<>();
            for (int i = 0; i < MESSAGES; i++) {
                String json = String.format(Locale.ROOT, "{\"seq\":%d,\"t\":21.5,\"h\":40.2,\"ts\":1764857000", i);
                lines.add(json + " ".repeat(PAYLOAD - 1 - json.length()) + "}");
            }
            List<Row> rows = new ArrayList<>();
            for (boolean secure : new boolean[] { false, true }) {
                int port = secure ? tls : plain;
                String link = secure ? "TLS 1.3" : "plain";
                Figures u3 = uplink(dir, pki, port, secure, "3.1.1", CipherPolicy.MODERN, lines);
                Figures m3 = mosquittoPub(pki, port, secure, null, "mqttv311", false, lines);
                rows.add(new Row("MQTT 3.1.1, " + link, m3, u3));
                Figures u5 = uplink(dir, pki, port, secure, "5", CipherPolicy.MODERN, lines);
                Figures m5 = mosquittoPub(pki, port, secure, null, "mqttv5", false, lines);
                rows.add(new Row("MQTT 5 (Uplink: aliases), " + link, m5, u5));
                Figures m5a = mosquittoPub(pki, port, secure, null, "mqttv5", true, lines);
                rows.add(new Row("MQTT 5, " + link + ", mosquitto_pub topic-alias", m5a, u5));
            }
            // TLS 1.2, which Uplink resumes (policy constrained); every mosquitto_pub run is a full handshake.
            Figures u12 = uplink(dir, pki, tls, true, "5", CipherPolicy.CONSTRAINED, lines);
            Path tls12 = Files.writeString(dir.resolve("openssl-tls12.cnf"), String.join("\n",
                    "openssl_conf = uplink_conf", "[uplink_conf]", "ssl_conf = uplink_ssl", "[uplink_ssl]",
                    "system_default = uplink_tls12", "[uplink_tls12]", "MaxProtocol = TLSv1.2", ""));
            Figures m12 = mosquittoPub(pki, tls, true, tls12, "mqttv5", true, lines);
            rows.add(new Row("MQTT 5, TLS 1.2, mp topic-alias, first conn.", m12, u12));
            rows.add(new Row("MQTT 5, TLS 1.2, mp topic-alias, U resumed", m12, new Figures(u12.reconnect(),
                    u12.message())));
            return rows;
        } finally {
            broker.destroy();
            broker.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static Figures uplink(Path dir, TestPki.Pki pki, int port, boolean secure, String version,
            CipherPolicy policy, List<String> lines) throws Exception {
        long[] none = uplinkRun(dir, pki, port, secure, version, policy, List.of(), policy == CipherPolicy.CONSTRAINED);
        long[] all = uplinkRun(dir, pki, port, secure, version, policy, lines, false);
        return new Figures(none[0], (double) (all[0] - none[0]) / lines.size(), none.length > 1 ? none[1] : 0);
    }

    /** Bytes of each connection the run made: one, or two when {@code reconnect} asks for a second. */
    private static long[] uplinkRun(Path dir, TestPki.Pki pki, int port, boolean secure, String version,
            CipherPolicy policy, List<String> lines, boolean reconnect) throws Exception {
        BcTlsEngine engine = new BcTlsEngine(List.of(), 8, Clock.systemUTC());
        OsSocketTransport os = new OsSocketTransport(SocketSettings.DEFAULTS);
        try (LatencyProxy proxy = new LatencyProxy("127.0.0.1", port, 0, 0)) {
            EndpointSettings s = new EndpointSettings("bytes", EndpointProfile.GENERIC, "127.0.0.1", proxy.port(),
                    "uplink-bytes", 60, true, "", null, secure ? "host" : "none", "localhost", List.of(),
                    Duration.ofSeconds(20), 8, 10_000, 1L << 24, version);
            Path queue = Files.createTempFile(dir, "queue", ".mv");
            Files.delete(queue);
            try (MqttCloudConnection c = new MqttCloudConnection(s, queue, () -> os, () -> engine,
                    () -> TlsClientProfile.builder("localhost").cipherPolicy(policy)
                            .trustAnchors(List.of(pki.ca().cert())))) {
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
                String wanted = policy == CipherPolicy.CONSTRAINED ? "TLSv1.2" : "TLSv1.3";
                if (secure && !c.path().contains(wanted)) {
                    throw new IllegalStateException("wanted " + wanted + ", got " + c.path());
                }
                if (reconnect) {
                    c.serviceGone(engine); // closes the connection; the worker makes it again at once
                    while (c.connects() < 2) {
                        if (System.nanoTime() > deadline) {
                            throw new IllegalStateException("no reconnection: " + c.lastProblem());
                        }
                        Thread.sleep(5);
                    }
                    if (!c.path().contains("(resumed)")) {
                        throw new IllegalStateException("the reconnection was not resumed: " + c.path());
                    }
                }
            }
            return totals(proxy);
        }
    }

    /**
     * @param opensslConf an OpenSSL configuration for mosquitto_pub, or null for the system's (its
     *        {@code --tls-version} sets only the lowest version)
     */
    private static Figures mosquittoPub(TestPki.Pki pki, int port, boolean secure, Path opensslConf, String version,
            boolean alias, List<String> lines) throws Exception {
        long none = mosquittoPubRun(pki, port, secure, opensslConf, version, alias, List.of());
        long all = mosquittoPubRun(pki, port, secure, opensslConf, version, alias, lines);
        return new Figures(none, (double) (all - none) / lines.size());
    }

    private static long mosquittoPubRun(TestPki.Pki pki, int port, boolean secure, Path opensslConf, String version,
            boolean alias, List<String> lines) throws Exception {
        try (LatencyProxy proxy = new LatencyProxy("127.0.0.1", port, 0, 0)) {
            List<String> cmd = new ArrayList<>(List.of("mosquitto_pub", "-h", secure ? "localhost" : "127.0.0.1", "-p",
                    String.valueOf(proxy.port()), "-i", "mosqpb-bytes", "-t", TOPIC, "-q", "1", "-l", "-V", version));
            if (secure) {
                cmd.addAll(List.of("--cafile", pki.file("ca.pem").toString()));
            }
            if (alias) {
                cmd.addAll(List.of("-D", "publish", "topic-alias", "1"));
            }
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            if (opensslConf != null) {
                pb.environment().put("OPENSSL_CONF", opensslConf.toString());
            }
            Process p = pb.start();
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
            long[] t = totals(proxy);
            if (t.length != 1) {
                throw new IllegalStateException("expected one connection, saw " + t.length);
            }
            return t[0];
        }
    }

    /** Both directions of each connection, once the proxy has seen them end. */
    private static long[] totals(LatencyProxy proxy) throws InterruptedException {
        Thread.sleep(300);
        return proxy.traces().stream().mapToLong(t -> t.bytes(LatencyProxy.Direction.UP)
                + t.bytes(LatencyProxy.Direction.DOWN)).toArray();
    }


}
