package io.uplink.cloud.mqtt;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
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
 * Benchmark, not a test: bytes on the wire and time of a TLS reconnect (TCP payload both ways, from the TLS
 * ClientHello to the CONNACK), a cold one (policy modern: TLS 1.3, a full handshake every time, as before) against a
 * resumed one (policy constrained: TLS 1.2 session resumption), to a real mosquitto (ECDSA P-256 certificates)
 * through {@link LatencyProxy} at 0 and 300 ms one-way, server authentication and mutual, in the same run.
 *
 * <p>Run: {@code mvn -o -Pbenchmark test -pl bundles/io.uplink.cloud.mqtt -Dtest=ReconnectBenchmark}.
 */
public final class ReconnectBenchmark {

    private static final int RECONNECTS = 3;

    @org.junit.jupiter.api.Test
    void measure() throws Exception {
        main(new String[0]);
    }

    /** Median bytes and milliseconds of the reconnects, and of the first connection. */
    public record Figures(long firstBytes, long bytes, double millis, String protocol) {
    }

    /** One case: cold (policy modern) and resumed (policy constrained) reconnects. */
    public record Case(boolean mutual, long oneWayMillis, Figures cold, Figures resumed) {
        public String name() {
            return (mutual ? "mutual" : "server auth") + ", " + oneWayMillis + " ms one-way";
        }
    }

    public static void main(String[] args) throws Exception {
        StringBuilder table = new StringBuilder(String.format(Locale.ROOT, "%-26s %10s %10s %8s %10s %10s %8s%n",
                "case", "cold B", "resumed B", "ratio", "cold ms", "resumed ms", "ratio"));
        for (Case c : measure(new long[] { 0, 300 })) {
            Figures cold = c.cold();
            Figures resumed = c.resumed();
            table.append(String.format(Locale.ROOT, "%-26s %10d %10d %8.2f %10.0f %10.0f %8.2f%n", c.name(),
                    cold.bytes(), resumed.bytes(), (double) resumed.bytes() / cold.bytes(), cold.millis(),
                    resumed.millis(), resumed.millis() / cold.millis()));
        }
        System.out.println("A TLS reconnect up to CONNACK: cold = policy modern (TLS 1.3 full handshake), resumed = "
                + "policy constrained (TLS 1.2 resumed); median of " + RECONNECTS + "; ratio = resumed / cold:");
        System.out.print(table);
    }

    /** Server authentication and mutual TLS at each one-way delay, against one mosquitto; prints each case. */
    public static List<Case> measure(long[] delays) throws Exception {
        Path dir = Files.createTempDirectory("uplink-reconnect");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        TestPki.Pki pki = TestPki.create(dir.resolve("pki"), false);
        try (var files = Files.list(pki.dir())) {
            for (Path f : files.toList()) {
                Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
            }
        }
        int serverAuth = BenchmarkSupport.freePort();
        int mutual = BenchmarkSupport.freePort();
        Path conf = Files.writeString(dir.resolve("m.conf"), String.join("\n", "allow_anonymous true",
                "listener " + serverAuth + " 127.0.0.1", "certfile " + pki.file("server.pem"),
                "keyfile " + pki.file("server.key"),
                "listener " + mutual + " 127.0.0.1", "certfile " + pki.file("server.pem"),
                "keyfile " + pki.file("server.key"), "cafile " + pki.file("ca.pem"), "require_certificate true", ""));
        Process broker = new ProcessBuilder("mosquitto", "-c", conf.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("mosquitto.log").toFile()).start();
        try {
            BenchmarkSupport.awaitPort(serverAuth);
            BenchmarkSupport.awaitPort(mutual);
            List<Case> cases = new ArrayList<>();
            for (boolean mutualTls : new boolean[] { false, true }) {
                for (long delay : delays) {
                    int port = mutualTls ? mutual : serverAuth;
                    Figures cold = run(dir, pki, port, delay, CipherPolicy.MODERN, mutualTls);
                    Figures resumed = run(dir, pki, port, delay, CipherPolicy.CONSTRAINED, mutualTls);
                    String name = (mutualTls ? "mutual" : "server auth") + ", " + delay + " ms one-way";
                    System.out.printf(Locale.ROOT, "%s: modern %s first %d B, reconnect %d B %.0f ms | constrained "
                            + "%s first %d B, reconnect %d B %.0f ms%n", name, cold.protocol(), cold.firstBytes(),
                            cold.bytes(), cold.millis(), resumed.protocol(), resumed.firstBytes(), resumed.bytes(),
                            resumed.millis());
                    cases.add(new Case(mutualTls, delay, cold, resumed));
                }
            }
            return cases;
        } finally {
            broker.destroy();
            broker.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static Figures run(Path dir, TestPki.Pki pki, int port, long delay, CipherPolicy policy, boolean mutual)
            throws Exception {
        BcTlsEngine engine = new BcTlsEngine(List.of(), 8, Clock.systemUTC());
        OsSocketTransport os = new OsSocketTransport(SocketSettings.DEFAULTS);
        try (LatencyProxy proxy = new LatencyProxy("127.0.0.1", port, delay, 0)) {
            EndpointSettings s = new EndpointSettings("reconnect", EndpointProfile.GENERIC, "127.0.0.1", proxy.port(),
                    "uplink-reconnect", 60, true, "", null, "host", "localhost", List.of(), Duration.ofSeconds(20), 10,
                    1000, 1L << 20);
            try (MqttCloudConnection c = new MqttCloudConnection(s, dir.resolve(policy + "-" + port + "-" + delay
                    + ".queue"), () -> os, () -> engine, () -> {
                        TlsClientProfile.Builder b = TlsClientProfile.builder("localhost").cipherPolicy(policy)
                                .trustAnchors(List.of(pki.ca().cert()));
                        return mutual ? b.clientIdentity(pki.clientIdentity()) : b;
                    })) {
                awaitConnects(c, 1);
                long first = total(proxy);
                long[] bytes = new long[RECONNECTS];
                double[] millis = new double[RECONNECTS];
                for (int i = 0; i < RECONNECTS; i++) {
                    long start = System.nanoTime();
                    c.serviceGone(engine); // closes the connection; the worker makes it again at once
                    awaitConnects(c, i + 2);
                    millis[i] = (System.nanoTime() - start) / 1e6;
                    bytes[i] = total(proxy);
                }
                Arrays.sort(bytes);
                Arrays.sort(millis);
                return new Figures(first, bytes[RECONNECTS / 2], millis[RECONNECTS / 2], c.path());
            }
        }
    }

    /** Bytes of the latest connection through the proxy, both directions. */
    private static long total(LatencyProxy proxy) {
        List<LatencyProxy.Trace> t = new ArrayList<>(proxy.traces());
        LatencyProxy.Trace last = t.get(t.size() - 1);
        return last.bytes(LatencyProxy.Direction.UP) + last.bytes(LatencyProxy.Direction.DOWN);
    }

    private static void awaitConnects(MqttCloudConnection c, int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (c.connects() < n) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no connection: " + c.lastProblem());
            }
            Thread.sleep(1);
        }
    }


}
