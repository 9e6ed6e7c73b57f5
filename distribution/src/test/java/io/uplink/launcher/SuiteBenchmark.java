package io.uplink.launcher;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.uplink.cloud.mqtt.BenchmarkSupport;
import io.uplink.cloud.mqtt.BytesOnAirBenchmark;
import io.uplink.cloud.mqtt.ReconnectBenchmark;
import io.uplink.cloud.mqtt.ThroughputBenchmark;

/**
 * Benchmark, not a test: issue 15's figures in one table, each Uplink figure set against a baseline measured in the
 * same run (mosquitto_pub, raw Paho, a bare Paho JVM), with the target beside it. Each part also prints its own
 * detail (rounds, traces) as it goes.
 *
 * <p>Run after building the distribution: {@code mvn -B -ntp -DskipTests install && mvn -Pbenchmark test -pl
 * distribution -Dtest=SuiteBenchmark} (needs mosquitto and mosquitto_pub on the PATH; about 6 minutes). Options as
 * system properties: {@code -Dsuite.rounds=3}, {@code -Dsuite.messages=20000}, {@code -Dsuite.idle.seconds=25}.
 */
final class SuiteBenchmark {

    /** One line of the table; {@code ratio} is uplink / baseline, {@code met} null where there is no target. */
    private record Line(String measure, String uplink, String baseline, double ratio, String target, Boolean met) {
    }

    @org.junit.jupiter.api.Test
    void measure() throws Exception {
        main(new String[0]);
    }

    public static void main(String[] args) throws Exception {
        int rounds = Integer.getInteger("suite.rounds", 3);
        int messages = Integer.getInteger("suite.messages", 20_000);
        int idleSeconds = Integer.getInteger("suite.idle.seconds", 25);
        Path distribution = Path.of(System.getProperty("uplink.distribution", "target/uplink"));
        if (!Files.isRegularFile(distribution.resolve("bin/uplink"))) {
            throw new IllegalStateException("No distribution at " + distribution.toAbsolutePath() + ": build it first "
                    + "with 'mvn -B -ntp -DskipTests install'.");
        }
        List<Line> lines = new ArrayList<>();

        System.out.println("== Round trips per cold publish (through a latency-adding proxy) ==");
        for (ColdPublishBenchmark.Row row : ColdPublishBenchmark.measure(rounds, List.of(
                new ColdPublishBenchmark.Link("NB-IoT 300 ms, 60 kbit/s", 300, 60_000, false),
                new ColdPublishBenchmark.Link("LTE-M 50 ms, 1 Mbit/s", 50, 1_000_000, false),
                new ColdPublishBenchmark.Link("NB-IoT, TLS 1.3", 300, 60_000, true)))) {
            double ratio = row.uplinkPub() / row.mosquittoPub();
            // Round trips are whole in principle; a quarter of one is the proxy's and scheduler's noise.
            lines.add(new Line("Round trips per cold QoS 1 publish, " + row.link().name(), f2(row.uplinkPub()),
                    f2(row.mosquittoPub()) + " (mosquitto_pub)", ratio, "<= mosquitto_pub (+/- 0.25 RT)",
                    row.uplinkPub() <= row.mosquittoPub() + 0.25));
        }

        System.out.println("== Bytes on the wire per telemetry message and per connection ==");
        List<Line> perConnection = new ArrayList<>();
        for (BytesOnAirBenchmark.Row row : BytesOnAirBenchmark.measure()) {
            lines.add(new Line("Bytes per telemetry message (60 B JSON, QoS 1), " + row.name(),
                    f1(row.uplink().message()), f1(row.mosquittoPub().message()) + " (mosquitto_pub)",
                    row.messageRatio(), "<= 1.00", row.uplink().message() <= row.mosquittoPub().message() + 0.05));
            perConnection.add(new Line("Bytes per connection (handshake, CONNECT, close), " + row.name(),
                    f0(row.uplink().connection()), f0(row.mosquittoPub().connection()) + " (mosquitto_pub)",
                    row.connectionRatio(), "<= 1.00", row.connectionRatio() <= 1.0));
        }
        lines.addAll(perConnection);

        System.out.println("== Durable throughput (loopback mosquitto) ==");
        ThroughputBenchmark.Result t = ThroughputBenchmark.measureInOwnJvm(messages, rounds);
        double eight = t.ratios().eight();
        lines.add(new Line("QoS 1 msg/s, durability sync, 8 publishers (" + f3(t.syncsPerMessage()) + " syncs/msg)",
                f0(t.syncEight()), f0(t.rawMemory()) + " (raw Paho, memory persistence)", eight, ">= 0.80",
                eight >= 0.8));
        double async = t.ratios().async();
        lines.add(new Line("QoS 1 msg/s, durability sync, 1 asynchronous publisher keeping 10 in acceptance (" + f3(
                t.asyncSyncsPerMessage()) + " syncs/msg)", f0(t.syncAsync()), f0(t.rawMemory())
                + " (raw Paho, memory persistence)", async, ">= 0.80", async >= 0.8));
        double undelivered = t.ratios().undelivered();
        lines.add(new Line("QoS 1 msg/s, durability sync, 1 asynchronous publisher keeping 10 not yet delivered",
                f0(t.syncAsyncUndelivered()), f0(t.rawMemory()) + " (raw Paho, memory persistence, 10 unacknowledged)",
                undelivered, ">= 0.80", undelivered >= 0.8));
        double one = t.ratios().oneToFile();
        lines.add(new Line("QoS 1 msg/s, durability sync, 1 publisher", f0(t.syncOne()), f0(t.rawFile())
                + " (raw Paho, file persistence)", one, ">= 1.00", one >= 1.0));
        lines.add(new Line("QoS 1 msg/s, durability batched 200 ms, 1 publisher", f0(t.batched()), f0(t.rawMemory())
                + " (raw Paho, memory persistence)", t.ratios().batched(), "", null));
        // Where the throughput ratios come from: the 2 cores are shared, so work per message sets the pace.
        lines.add(new Line("JVM CPU per message (us), durability sync, 1 asynchronous publisher", f1(t.cpu().async()),
                f1(t.cpu().raw()) + " (raw Paho, memory persistence)", t.cpu().async() / t.cpu().raw(), "", null));
        lines.add(new Line("JVM CPU per message (us), durability batched 200 ms, 1 publisher", f1(t.cpu().batched()),
                f1(t.cpu().raw()) + " (raw Paho, memory persistence)", t.cpu().batched() / t.cpu().raw(), "", null));

        System.out.println("== TLS reconnect: resumed against cold ==");
        for (ReconnectBenchmark.Case c : ReconnectBenchmark.measure(new long[] { 300 })) {
            double bytes = (double) c.resumed().bytes() / c.cold().bytes();
            lines.add(new Line("Bytes of a TLS reconnect up to CONNACK, " + c.name(), f0(c.resumed().bytes()) + " ("
                    + version(c.resumed().protocol()) + " resumed)", f0(c.cold().bytes()) + " ("
                    + version(c.cold().protocol()) + " full handshake)", bytes, "<= 0.60", bytes <= 0.6));
            lines.add(new Line("Time of a TLS reconnect up to CONNACK (ms), " + c.name(), f0(c.resumed().millis()),
                    f0(c.cold().millis()), c.resumed().millis() / c.cold().millis(), "", null));
        }

        System.out.println("== Footprint and start-up ==");
        Path dir = Files.createTempDirectory("uplink-suite");
        int port = BenchmarkSupport.freePort();
        Path conf = Files.writeString(dir.resolve("m.conf"), "listener " + port + " 127.0.0.1\nallow_anonymous true\n");
        Process broker = new ProcessBuilder("mosquitto", "-c", conf.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("mosquitto.log").toFile()).start();
        try {
            BenchmarkSupport.awaitPort(port);
            double[] gatewayRss = gatewayIdleRss(dir, idleSeconds);
            double gateway = gatewayRss[0];
            double paho = pahoIdleRss(port, idleSeconds);
            lines.add(new Line("Idle RSS of 'uplink run' with -Xmx64m (MiB)", f1(gateway), f1(paho)
                    + " (a JVM with only Paho, connected, -Xmx64m)", gateway / paho, "<= 72 MiB", gateway <= 72));
            lines.add(new Line("Idle RSS of 'uplink run' with -Xmx64m once the console was opened (MiB)",
                    f1(gatewayRss[1]), f1(paho) + " (a JVM with only Paho, connected, -Xmx64m)", gatewayRss[1] / paho,
                    "", null));
            double[] startUp = pubWallTimes(distribution, dir, port, 2 * rounds + 1);
            lines.add(new Line("Wall time of 'uplink pub' of one QoS 1 message (ms)", f0(startUp[0]), f0(startUp[1])
                    + " (mosquitto_pub)", startUp[0] / startUp[1], "<= 1200 ms", startUp[0] <= 1200));
        } finally {
            broker.destroy();
            broker.waitFor(10, TimeUnit.SECONDS);
        }

        StringBuilder table = new StringBuilder("\nIssue 15 benchmark suite, ").append(rounds)
                .append(" rounds per figure (medians; throughput ratios are medians of each round's ratio, the "
                        + "round's raw Paho measured at its start and end), ").append(Runtime.getRuntime().availableProcessors())
                .append(" processors, load average at the end ").append(loadAverage()).append(":\n\n")
                .append("| Measure | Uplink | Baseline, same run | Ratio | Target | Met |\n")
                .append("|---|---|---|---|---|---|\n");
        for (Line l : lines) {
            table.append(String.format(Locale.ROOT, "| %s | %s | %s | %.2f | %s | %s |%n", l.measure(), l.uplink(),
                    l.baseline(), l.ratio(), l.target(), l.met() == null ? "" : l.met() ? "yes" : "no"));
        }
        System.out.println(table);
    }

    /**
     * VmRSS of {@code uplink run} (a fresh copy, out-of-the-box configuration) after its banner and the idle time;
     * then again after one request to the console (which starts the web server) and the same idle time.
     */
    private static double[] gatewayIdleRss(Path dir, int idleSeconds) throws Exception {
        try (GatewayProcess g = GatewayProcess.copyOfDistribution(Files.createDirectories(dir.resolve("gw")))) {
            g.launch(Map.of("UPLINK_JAVA_OPTS", "-Xmx64m"), "run", "--no-shell", "--http-port",
                    String.valueOf(g.port));
            g.awaitOutput(s -> s.contains("bundles active."), "the start-up banner");
            Thread.sleep(TimeUnit.SECONDS.toMillis(idleSeconds));
            double rss = rssMiB(g.pid());
            System.out.printf(Locale.ROOT, "uplink run: VmRSS %.1f MiB after %d s idle%n", rss, idleSeconds);
            HttpResponse<Void> first = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + g.port + "/system/console/bundles")).build(),
                    HttpResponse.BodyHandlers.discarding());
            Thread.sleep(TimeUnit.SECONDS.toMillis(idleSeconds));
            double opened = rssMiB(g.pid());
            System.out.printf(Locale.ROOT, "uplink run: VmRSS %.1f MiB %d s after a console request (answer %d)%n",
                    opened, idleSeconds, first.statusCode());
            g.stop();
            return new double[] { rss, opened };
        }
    }

    private static double pahoIdleRss(int port, int idleSeconds) throws Exception {
        String paho = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> e.contains("org.eclipse.paho.client.mqttv3")).findFirst()
                .orElseThrow(() -> new IllegalStateException("Paho is not on the test class path"));
        String classes = Path.of(IdlePahoClient.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .toString();
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx64m",
                "-cp", classes + File.pathSeparator + paho, IdlePahoClient.class.getName(), "127.0.0.1",
                String.valueOf(port)).redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line = out.readLine();
            if (!"connected".equals(line)) {
                throw new IllegalStateException("the Paho baseline did not connect: " + line);
            }
            Thread.sleep(TimeUnit.SECONDS.toMillis(idleSeconds));
            double rss = rssMiB(p.pid());
            System.out.printf(Locale.ROOT, "bare Paho JVM: VmRSS %.1f MiB after %d s idle%n", rss, idleSeconds);
            return rss;
        } finally {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /**
     * Median wall time of {@code bin/uplink pub} and of {@code mosquitto_pub}, one QoS 1 message each, alternating;
     * the first {@code uplink pub} (which writes the class data sharing archive) is not counted.
     */
    private static double[] pubWallTimes(Path distribution, Path dir, int port, int runs) throws Exception {
        GatewayProcess g = GatewayProcess.copyOfDistribution(Files.createDirectories(dir.resolve("pub")));
        String[] uplink = { g.home.resolve("bin/uplink").toString(), "pub", "-h", "127.0.0.1", "-p",
            String.valueOf(port), "-q", "1", "-t", "bench/start", "-m", "hello" };
        String[] mosquitto = { "mosquitto_pub", "-h", "127.0.0.1", "-p", String.valueOf(port), "-q", "1", "-t",
            "bench/start", "-m", "hello" };
        wall(uplink);
        wall(uplink);
        double[] u = new double[runs];
        double[] m = new double[runs];
        for (int i = 0; i < runs; i++) {
            u[i] = wall(uplink);
            m[i] = wall(mosquitto);
            System.out.printf(Locale.ROOT, "start-up round %d: uplink pub %.0f ms, mosquitto_pub %.0f ms%n", i + 1,
                    u[i], m[i]);
        }
        return new double[] { BenchmarkSupport.median(u), BenchmarkSupport.median(m) };
    }

    private static double wall(String[] command) throws Exception {
        long start = System.nanoTime();
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: "
                    + new String(out, StandardCharsets.UTF_8));
        }
        return (System.nanoTime() - start) / 1e6;
    }

    private static double rssMiB(long pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
            }
        }
        throw new IllegalStateException("no VmRSS for process " + pid);
    }

    /** "TLSv1.3" out of a connection's description. */
    private static String version(String path) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("TLSv1\\.[0-3]").matcher(path);
        return m.find() ? m.group().replace("TLSv", "TLS ") : path;
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }




    private static String f0(double v) {
        return String.format(Locale.ROOT, "%,.0f", v);
    }

    private static String f1(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private static String f2(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    private static String f3(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }
}
