package io.uplink.launcher;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import io.uplink.cloud.mqtt.BenchmarkSupport;
import io.uplink.cloud.mqtt.LatencyProxy;

/**
 * Benchmark, not a test: round trips of one cold QoS 1 publish, {@code mosquitto_pub -q 1} against {@code uplink pub}'s
 * code path ({@link PubCommand}, in this JVM: start-up time is the same at every delay and cancels out), both through
 * a {@link LatencyProxy} to a real mosquitto on loopback, alternating in the same run. Round trips =
 * (time at D ms one-way - time at 0 ms) / (2 D). Prints a table of both counts and their ratio, and the proxy's trace
 * of the last run of each at D, so one sees where a client waits between the socket and the first PUBACK.
 *
 * <p>Run: {@code mvn -Pbenchmark verify -pl distribution -Dtest=ColdPublishBenchmark} (needs mosquitto and
 * mosquitto_pub on the PATH).
 */
final class ColdPublishBenchmark {

    @org.junit.jupiter.api.Test
    void measure() throws Exception {
        main(new String[0]);
    }

    /** One link to measure at: one-way delay, bandwidth (0 = unlimited), and whether MQTT runs over TLS. */
    record Link(String name, long oneWayMillis, long bitsPerSecond, boolean tls) {
    }

    /** Median round trips of each client on a link. */
    record Row(Link link, double mosquittoPub, double uplinkPub) {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        List<Link> links = List.of(new Link("300 ms one-way", 300, 0, false),
                new Link("NB-IoT 300 ms, 60 kbit/s", 300, 60_000, false),
                new Link("LTE-M 50 ms, 1 Mbit/s", 50, 1_000_000, false),
                new Link("300 ms one-way, TLS", 300, 0, true),
                new Link("NB-IoT 300 ms, 60 kbit/s, TLS", 300, 60_000, true));
        StringBuilder table = new StringBuilder();
        table.append(String.format(Locale.ROOT, "%-30s %14s %14s %8s%n", "link", "mosquitto_pub", "uplink pub",
                "ratio"));
        for (Row row : measure(rounds, links)) {
            table.append(String.format(Locale.ROOT, "%-30s %14.2f %14.2f %8.2f%n", row.link().name(),
                    row.mosquittoPub(), row.uplinkPub(), row.uplinkPub() / row.mosquittoPub()));
        }
        System.out.println("Round trips per cold QoS 1 publish after the TCP handshake (add 1 for it; median of "
                + rounds + " rounds; ratio = uplink / mosquitto_pub; lower is better):");
        System.out.print(table);
    }

    /** Measures each link, alternating the two clients, against one mosquitto; prints rounds and traces. */
    static List<Row> measure(int rounds, List<Link> links) throws Exception {
        Path dir = Files.createTempDirectory("uplink-cold");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=localhost", "-addext",
                "subjectAltName=IP:127.0.0.1,DNS:localhost", "-days", "2", "-keyout", dir.resolve("key.pem").toString(),
                "-out", dir.resolve("cert.pem").toString()).redirectErrorStream(true).start();
        openssl.getInputStream().readAllBytes();
        if (openssl.waitFor() != 0) {
            throw new IllegalStateException("openssl could not make the test certificate");
        }
        Files.setPosixFilePermissions(dir.resolve("key.pem"), PosixFilePermissions.fromString("rw-r--r--"));
        int port = BenchmarkSupport.freePort();
        int tlsPort = BenchmarkSupport.freePort();
        Path conf = Files.writeString(dir.resolve("m.conf"), "listener " + port + " 127.0.0.1\nallow_anonymous true\n"
                + "listener " + tlsPort + " 127.0.0.1\ncertfile " + dir.resolve("cert.pem") + "\nkeyfile "
                + dir.resolve("key.pem") + "\n");
        Process broker = new ProcessBuilder("mosquitto", "-c", conf.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("mosquitto.log").toFile()).start();
        Cli.logging(false);
        try (LatencyProxy plain = new LatencyProxy("127.0.0.1", port, 0, 0);
                LatencyProxy tls = new LatencyProxy("127.0.0.1", tlsPort, 0, 0)) {
            Thread.sleep(500);
            for (int i = 0; i < 3; i++) { // warm-up: class loading and JIT of the Uplink path, not counted
                uplink(plain, dir, false);
                uplink(tls, dir, true);
                mosquittoPub(plain, dir, false);
            }
            List<Row> rows = new ArrayList<>();
            for (Link link : links) {
                LatencyProxy proxy = link.tls() ? tls : plain;
                double[] mp = new double[rounds];
                double[] up = new double[rounds];
                String mpTrace = "";
                String upTrace = "";
                for (int r = 0; r < rounds; r++) {
                    proxy.set(0, 0);
                    double mp0 = mosquittoPub(proxy, dir, link.tls());
                    double up0 = uplink(proxy, dir, link.tls());
                    proxy.set(link.oneWayMillis(), link.bitsPerSecond());
                    double mpD = mosquittoPub(proxy, dir, link.tls());
                    mpTrace = last(proxy);
                    double upD = uplink(proxy, dir, link.tls());
                    upTrace = last(proxy);
                    mp[r] = (mpD - mp0) / (2.0 * link.oneWayMillis());
                    up[r] = (upD - up0) / (2.0 * link.oneWayMillis());
                    System.out.printf(Locale.ROOT, "%s round %d: mosquitto_pub %.0f -> %.0f ms (%.2f RT), uplink pub "
                            + "%.0f -> %.0f ms (%.2f RT)%n", link.name(), r + 1, mp0, mpD, mp[r], up0, upD, up[r]);
                }
                double m = BenchmarkSupport.median(mp);
                double u = BenchmarkSupport.median(up);
                rows.add(new Row(link, m, u));
                System.out.println("Trace of mosquitto_pub at " + link.name() + " (read times at the proxy):\n"
                        + mpTrace);
                System.out.println("Trace of uplink pub at " + link.name() + ":\n" + upTrace);
            }
            return rows;
        } finally {
            broker.destroy();
            broker.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static String last(LatencyProxy proxy) {
        List<LatencyProxy.Trace> t = proxy.traces();
        return t.isEmpty() ? "" : t.get(t.size() - 1).describe();
    }


    private static double mosquittoPub(LatencyProxy proxy, Path dir, boolean tls) throws Exception {
        List<String> command = new ArrayList<>(List.of("mosquitto_pub", "-h", "127.0.0.1", "-p",
                String.valueOf(proxy.port()), "-q", "1", "-t", "bench/cold", "-m", "hello", "-i", "bench-mosquitto-pub"));
        if (tls) {
            command.addAll(List.of("--cafile", dir.resolve("cert.pem").toString()));
        }
        long start = System.nanoTime();
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("mosquitto_pub failed: " + new String(out));
        }
        return (System.nanoTime() - start) / 1e6;
    }

    private static double uplink(LatencyProxy proxy, Path dir, boolean tls) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> args = new ArrayList<>(Arrays.asList("-h", "127.0.0.1", "-p", String.valueOf(proxy.port()), "-q",
                "1", "-t", "bench/cold", "-m", "hello", "-i", "bench-uplink-pub", "--state",
                dir.resolve("state").toString()));
        if (tls) {
            args.addAll(List.of("--cafile", dir.resolve("cert.pem").toString(), "--sni", "localhost"));
        }
        long start = System.nanoTime();
        int code = new PubCommand(dir, new PrintStream(out), new PrintStream(err)).execute(args);
        double ms = (System.nanoTime() - start) / 1e6;
        if (code != 0) {
            throw new IllegalStateException("uplink pub failed (" + code + "): " + out + err);
        }
        return ms;
    }

}
