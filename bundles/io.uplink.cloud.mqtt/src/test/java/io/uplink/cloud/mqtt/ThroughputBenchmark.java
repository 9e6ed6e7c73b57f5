package io.uplink.cloud.mqtt;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import io.uplink.transport.os.OsSocketTransport;
import io.uplink.transport.os.SocketSettings;

import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * Benchmark, not a test: QoS 1 throughput to a real mosquitto on loopback, the Uplink connector (every message synced
 * to the on-disk queue before publish returns, deleted on PUBACK) against raw Paho with in-memory persistence and the
 * same in-flight window, alternating in the same run. Prints both rates and their ratio.
 *
 * <p>Run: {@code mvn -Pbenchmark verify -pl bundles/io.uplink.cloud.mqtt} (needs mosquitto on the PATH), or
 * {@code main(messages, rounds)} from the test class path.
 */
public final class ThroughputBenchmark {

    private static final int WINDOW = 10;
    private static final byte[] PAYLOAD = new byte[100];

    @org.junit.jupiter.api.Test
    void measure() throws Exception {
        main(new String[0]);
    }

    /**
     * Medians in messages per second, the syncs per message, and the medians of each round's ratios: a round's
     * baseline is raw Paho (memory persistence) measured at its start and at its end, averaged, so a machine that
     * speeds up or slows down between rounds moves both sides of a ratio alike.
     */
    public record Result(int messages, int rounds, double rawMemory, double rawFile, double syncOne,
            double syncEight, double syncsPerMessage, double batched, double syncAsync, double asyncSyncsPerMessage,
            double syncAsyncUndelivered, Ratios ratios, Cpus cpu) {
    }

    /**
     * Medians of this JVM's CPU time per message (microseconds; the broker's not included): raw Paho with memory
     * persistence (the mean of the round's two runs), one asynchronous publisher in {@code sync}, and {@code batched}.
     */
    public record Cpus(double raw, double async, double batched) {
    }

    /** Medians of per-round ratios: against raw Paho with memory persistence, and 1 publisher against Paho's files. */
    public record Ratios(double eight, double async, double undelivered, double batched, double oneToFile) {
    }

    /** {@code main(messages, rounds [, result-file])}: with a file, the result is also written there. */
    public static void main(String[] args) throws Exception {
        int messages = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        Result r = measure(messages, rounds);
        if (args.length > 2) {
            write(r, Path.of(args[2]));
        }
        Ratios q = r.ratios();
        System.out.printf("QoS 1, %d x %d-byte messages, window %d, loopback mosquitto, medians of %d rounds (ratios: "
                + "median of each round's ratio):%n", messages, PAYLOAD.length, WINDOW, rounds);
        System.out.printf("| path | msg/s | ratio to raw Paho (memory) |%n|---|---|---|%n");
        System.out.printf("| raw Paho, memory persistence | %.0f | 1.00 |%n", r.rawMemory());
        System.out.printf("| raw Paho, file persistence | %.0f | |%n", r.rawFile());
        System.out.printf("| Uplink sync, 1 publisher | %.0f | (vs Paho file %.2f) |%n", r.syncOne(), q.oneToFile());
        System.out.printf("| Uplink sync, 8 publishers (%.3f syncs/msg) | %.0f | %.2f |%n", r.syncsPerMessage(),
                r.syncEight(), q.eight());
        System.out.printf("| Uplink sync, 1 asynchronous publisher, %d accepting (%.3f syncs/msg) | %.0f | %.2f |%n",
                WINDOW, r.asyncSyncsPerMessage(), r.syncAsync(), q.async());
        System.out.printf("| Uplink sync, 1 asynchronous publisher, %d not yet delivered | %.0f | %.2f |%n", WINDOW,
                r.syncAsyncUndelivered(), q.undelivered());
        System.out.printf("| Uplink batched 200 ms, 1 publisher | %.0f | %.2f |%n", r.batched(), q.batched());
        System.out.printf("This JVM's CPU per message (us): raw Paho %.1f, Uplink sync 1 asynchronous publisher %.1f, "
                + "Uplink batched %.1f%n", r.cpu().raw(), r.cpu().async(), r.cpu().batched());
    }

    /**
     * {@link #measure} in a JVM of its own (the class path of this one), as JMH forks: run after other benchmarks in
     * one JVM, the same code took up to twice the CPU per message (one asynchronous publisher: 50-95 against 40-52 us;
     * compiled with their profiles, their garbage on the heap). Its output goes to this process's.
     */
    public static Result measureInOwnJvm(int messages, int rounds) throws Exception {
        Path file = Files.createTempFile("throughput", ".properties");
        try {
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                    System.getProperty("java.class.path"), ThroughputBenchmark.class.getName(),
                    String.valueOf(messages), String.valueOf(rounds), file.toString()).redirectErrorStream(true)
                    .start();
            // Copied line by line: a test runner that reads this process's output (surefire) sees the child's too.
            try (java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(
                    p.getInputStream(), java.nio.charset.StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    System.out.println(line);
                }
            }
            if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException("the throughput benchmark's JVM failed (exit "
                        + (p.isAlive() ? "none, killed after 30 minutes" : p.exitValue()) + "): see its output above");
            }
            return read(file);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static void write(Result r, Path file) throws java.io.IOException {
        java.util.Properties p = new java.util.Properties();
        java.lang.reflect.RecordComponent[] parts = Result.class.getRecordComponents();
        try {
            for (java.lang.reflect.RecordComponent c : parts) {
                if (c.getType() != Ratios.class && c.getType() != Cpus.class) {
                    p.setProperty(c.getName(), String.valueOf(c.getAccessor().invoke(r)));
                }
            }
            for (java.lang.reflect.RecordComponent c : Ratios.class.getRecordComponents()) {
                p.setProperty("ratios." + c.getName(), String.valueOf(c.getAccessor().invoke(r.ratios())));
            }
            for (java.lang.reflect.RecordComponent c : Cpus.class.getRecordComponents()) {
                p.setProperty("cpu." + c.getName(), String.valueOf(c.getAccessor().invoke(r.cpu())));
            }
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
        try (var out = Files.newBufferedWriter(file)) {
            p.store(out, "ThroughputBenchmark result");
        }
    }

    private static Result read(Path file) throws java.io.IOException {
        java.util.Properties p = new java.util.Properties();
        try (var in = Files.newBufferedReader(file)) {
            p.load(in);
        }
        java.util.function.ToDoubleFunction<String> d = k -> Double.parseDouble(p.getProperty(k));
        return new Result(Integer.parseInt(p.getProperty("messages")), Integer.parseInt(p.getProperty("rounds")),
                d.applyAsDouble("rawMemory"), d.applyAsDouble("rawFile"), d.applyAsDouble("syncOne"),
                d.applyAsDouble("syncEight"), d.applyAsDouble("syncsPerMessage"), d.applyAsDouble("batched"),
                d.applyAsDouble("syncAsync"), d.applyAsDouble("asyncSyncsPerMessage"),
                d.applyAsDouble("syncAsyncUndelivered"), new Ratios(d.applyAsDouble("ratios.eight"),
                        d.applyAsDouble("ratios.async"), d.applyAsDouble("ratios.undelivered"),
                        d.applyAsDouble("ratios.batched"), d.applyAsDouble("ratios.oneToFile")),
                new Cpus(d.applyAsDouble("cpu.raw"), d.applyAsDouble("cpu.async"), d.applyAsDouble("cpu.batched")));
    }

    /** Runs every path {@code rounds} times, alternating, against one mosquitto; prints each round. */
    public static Result measure(int messages, int rounds) throws Exception {
        Path dir = Files.createTempDirectory("uplink-bench");
        try (Mosquitto broker = new Mosquitto(dir)) {
            warmUp(broker.port, dir);
            double[] raw = new double[rounds];
            double[] rawFile = new double[rounds];
            double[] one = new double[rounds];
            double[] eight = new double[rounds];
            double[] batched = new double[rounds];
            double[] syncsPerMessage = new double[rounds];
            double[] async = new double[rounds];
            double[] asyncSyncsPerMessage = new double[rounds];
            double[] undelivered = new double[rounds];
            double[][] ratios = new double[5][rounds];
            double[][] cpus = new double[3][rounds];
            for (int r = 0; r < rounds; r++) {
                Cpu cpu = new Cpu(messages);
                long compiledBefore = compileMillis();
                raw[r] = rawPaho(broker.port, messages, null);
                cpu.took("raw Paho memory");
                rawFile[r] = rawPaho(broker.port, messages / 4, dir.resolve("paho" + r));
                cpu.took("raw Paho file", messages / 4);
                one[r] = uplink(broker.port, dir.resolve("one" + r + ".queue"), messages / 4, 1, "sync");
                cpu.took("Uplink sync 1", messages / 4);
                eight[r] = uplink(broker.port, dir.resolve("eight" + r + ".queue"), messages, 8, "sync");
                cpu.took("Uplink sync 8");
                syncsPerMessage[r] = lastSyncsPerMessage;
                batched[r] = uplink(broker.port, dir.resolve("batched" + r + ".queue"), messages, 1, "batched");
                cpu.took("Uplink batched");
                async[r] = uplinkAsync(broker.port, dir.resolve("async" + r + ".queue"), messages, false);
                cpu.took("Uplink async");
                asyncSyncsPerMessage[r] = lastSyncsPerMessage;
                undelivered[r] = uplinkAsync(broker.port, dir.resolve("undelivered" + r + ".queue"), messages, true);
                cpu.took("Uplink async, window on delivery");
                double rawAgain = rawPaho(broker.port, messages, null);
                cpu.took("raw Paho memory again");
                double base = (raw[r] + rawAgain) / 2;
                cpus[0][r] = (cpu.microsPerMessage("raw Paho memory") + cpu.microsPerMessage("raw Paho memory again"))
                        / 2;
                cpus[1][r] = cpu.microsPerMessage("Uplink async");
                cpus[2][r] = cpu.microsPerMessage("Uplink batched");
                raw[r] = base;
                ratios[0][r] = eight[r] / base;
                ratios[1][r] = async[r] / base;
                ratios[2][r] = undelivered[r] / base;
                ratios[3][r] = batched[r] / base;
                ratios[4][r] = one[r] / rawFile[r];
                System.out.println("CPU per message (this JVM + mosquitto, microseconds): " + cpu + "; JIT compiler "
                        + "time in this round " + (compileMillis() - compiledBefore) + " ms");
                System.out.printf("round %d: raw Paho memory (start and end) %.0f, Paho file %.0f | Uplink sync 1 "
                        + "thread %.0f, 8 threads %.0f (%.3f syncs/msg), async 1 thread %.0f (%.3f syncs/msg), "
                        + "%.0f with 10 undelivered, batched 1 thread %.0f msg/s%n", r + 1, raw[r], rawFile[r], one[r],
                        eight[r], syncsPerMessage[r], async[r], asyncSyncsPerMessage[r], undelivered[r], batched[r]);
            }
            return new Result(messages, rounds, BenchmarkSupport.median(raw), BenchmarkSupport.median(rawFile),
                    BenchmarkSupport.median(one), BenchmarkSupport.median(eight),
                    BenchmarkSupport.median(syncsPerMessage), BenchmarkSupport.median(batched),
                    BenchmarkSupport.median(async), BenchmarkSupport.median(asyncSyncsPerMessage),
                    BenchmarkSupport.median(undelivered), new Ratios(BenchmarkSupport.median(ratios[0]),
                            BenchmarkSupport.median(ratios[1]), BenchmarkSupport.median(ratios[2]),
                            BenchmarkSupport.median(ratios[3]), BenchmarkSupport.median(ratios[4])),
                    new Cpus(BenchmarkSupport.median(cpus[0]), BenchmarkSupport.median(cpus[1]),
                            BenchmarkSupport.median(cpus[2])));
        } finally {
            BenchmarkSupport.deleteTree(dir); // queue files and logs of every pass: several MiB each
        }
    }


    private static double lastSyncsPerMessage;

    /**
     * Most warm-up passes; two passes in a row that kept the JIT compiler busy for less than {@value #WARM_COMPILE_MS}
     * ms each end it (after one quiet pass, a measured round still spent 1.9 s compiling).
     */
    private static final int WARM_PASSES = 12;
    private static final long WARM_COMPILE_MS = 150;

    /**
     * Runs every path until the JIT compiler has (nearly) nothing left to compile: measured with a fixed short warm-up,
     * the first rounds spent 13-46 us per message of C2 compiler time on the same 2 cores (compile time per pass of
     * 30,000 messages per path here: 2.5-3.4 s, 1.0-1.8 s, 0.2-0.9 s, then 0.2-0.6 s), which made rounds differ by 0.2
     * in ratio. Prints the compile time of each pass.
     */
    private static void warmUp(int port, Path dir) throws Exception {
        int quiet = 0;
        for (int pass = 1; pass <= WARM_PASSES; pass++) {
            long before = compileMillis();
            rawPaho(port, 20_000, null);
            rawPaho(port, 2_000, dir.resolve("warm-paho" + pass));
            uplink(port, dir.resolve("warm-one" + pass + ".queue"), 2_000, 1, "sync");
            uplink(port, dir.resolve("warm" + pass + ".queue"), 20_000, 8, "sync");
            uplink(port, dir.resolve("warm-batched" + pass + ".queue"), 10_000, 1, "batched");
            uplinkAsync(port, dir.resolve("warm-async" + pass + ".queue"), 20_000, false);
            uplinkAsync(port, dir.resolve("warm-undelivered" + pass + ".queue"), 10_000, true);
            long took = compileMillis() - before;
            System.out.printf("warm-up pass %d: JIT compiler time %d ms%n", pass, took);
            quiet = took < WARM_COMPILE_MS ? quiet + 1 : 0;
            if (quiet == 2) {
                return;
            }
        }
    }

    /** Total JIT compiler time of this JVM so far (all compiler threads), or 0 when the JVM does not tell. */
    private static long compileMillis() {
        java.lang.management.CompilationMXBean c = java.lang.management.ManagementFactory.getCompilationMXBean();
        return c != null && c.isCompilationTimeMonitoringSupported() ? c.getTotalCompilationTime() : 0;
    }

    /**
     * CPU time per message of each path: this JVM's (getrusage) and the broker's (/proc/PID/stat), so a ratio of
     * throughput can be told apart from a ratio of work done on the 2 shared cores.
     */
    private static final class Cpu {
        private final int messages;
        private final StringBuilder out = new StringBuilder();
        private final java.util.Map<String, Double> jvmPerMessage = new java.util.HashMap<>();
        private long jvm = jvmNanos();
        private long broker = brokerNanos();

        Cpu(int messages) {
            this.messages = messages;
        }

        void took(String what) {
            took(what, messages);
        }

        void took(String what, int count) {
            long j = jvmNanos();
            long b = brokerNanos();
            out.append(String.format(java.util.Locale.ROOT, "%s%s %.1f + %.1f", out.length() == 0 ? "" : ", ", what,
                    (j - jvm) / 1e3 / count, (b - broker) / 1e3 / count));
            jvmPerMessage.put(what, (j - jvm) / 1e3 / count);
            jvm = j;
            broker = b;
        }

        /** This JVM's CPU per message of a path measured in this round, in microseconds. */
        double microsPerMessage(String what) {
            return jvmPerMessage.get(what);
        }

        @Override
        public String toString() {
            return out.toString();
        }

        private static long jvmNanos() {
            return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                    .getOperatingSystemMXBean()).getProcessCpuTime();
        }

        /** Every mosquitto process's CPU (user + system), in nanoseconds; 0 where /proc is not there. */
        private static long brokerNanos() {
            long total = 0;
            try (var procs = Files.list(Path.of("/proc"))) {
                for (Path p : (Iterable<Path>) procs::iterator) {
                    Path stat = p.resolve("stat");
                    if (!p.getFileName().toString().matches("\\d+") || !Files.isReadable(stat)) {
                        continue;
                    }
                    try {
                        String s = Files.readString(stat);
                        if (!s.contains("(mosquitto)")) {
                            continue;
                        }
                        String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
                        total += (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10_000_000L; // clock ticks of 10 ms
                    } catch (java.io.IOException | RuntimeException gone) {
                        // the process ended meanwhile
                    }
                }
            } catch (java.io.IOException e) {
                return 0;
            }
            return total;
        }
    }

    private static double rawPaho(int port, int messages, Path fileStore) throws Exception {
        MqttAsyncClient c = new MqttAsyncClient("tcp://127.0.0.1:" + port, "bench-raw", fileStore == null
                ? new MemoryPersistence()
                : new org.eclipse.paho.client.mqttv3.persist.MqttDefaultFilePersistence(fileStore.toString()));
        MqttConnectOptions o = new MqttConnectOptions();
        o.setCleanSession(true);
        o.setMaxInflight(WINDOW + 2);
        c.connect(o).waitForCompletion(10_000);
        Semaphore window = new Semaphore(WINDOW);
        IMqttActionListener release = new IMqttActionListener() {
            @Override
            public void onSuccess(IMqttToken token) {
                window.release();
            }

            @Override
            public void onFailure(IMqttToken token, Throwable e) {
                window.release();
            }
        };
        long start = System.nanoTime();
        for (int i = 0; i < messages; i++) {
            window.acquire();
            c.publish("bench/raw", PAYLOAD, 1, false, null, release);
        }
        window.acquire(WINDOW);
        long elapsed = System.nanoTime() - start;
        c.disconnect().waitForCompletion(10_000);
        c.close();
        return messages / (elapsed / 1e9);
    }

    /**
     * One thread, {@code publishAsync}, at most {@value #WINDOW} messages not yet accepted (on disk): the "one
     * asynchronous publisher keeping 10 in flight", as 8 synchronous publishers keep 8; the connector's own window of
     * {@value #WINDOW} to the broker is the same as raw Paho's. With {@code untilDelivered} a message keeps its place
     * in the publisher's window until its PUBACK, exactly as raw Paho's publisher here keeps 10 unacknowledged: the
     * strictest reading of "10 in flight". Timed until every message is delivered.
     */
    private static double uplinkAsync(int port, Path queue, int messages, boolean untilDelivered) throws Exception {
        OsSocketTransport os = new OsSocketTransport(SocketSettings.DEFAULTS);
        EndpointSettings s = StoreAndForwardMosquittoTest.settings("bench", port);
        EndpointSettings settings = new EndpointSettings(s.endpointId(), s.profile(), s.host(), s.port(),
                "bench-uplink", s.keepAliveSeconds(), true, "", null, "none", "", List.of(), s.connectTimeout(),
                WINDOW, messages + 1, 1L << 30);
        try (MqttCloudConnection c = new MqttCloudConnection(settings, queue, () -> os, () -> null, null)) {
            long connectDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (c.state() != io.uplink.cloud.ConnectionState.CONNECTED && System.nanoTime() < connectDeadline) {
                Thread.sleep(5);
            }
            Semaphore window = new Semaphore(WINDOW);
            List<CompletableFuture<?>> receipts = new ArrayList<>(messages);
            long start = System.nanoTime();
            for (int i = 0; i < messages; i++) {
                window.acquire();
                io.uplink.cloud.Publication p = c.publishAsync("bench/uplink", PAYLOAD, 1, false);
                (untilDelivered ? p.delivered() : p.accepted()).whenComplete((done, e) -> window.release());
                receipts.add(p.delivered().toCompletableFuture());
            }
            CompletableFuture.allOf(receipts.toArray(new CompletableFuture<?>[0])).get(10, TimeUnit.MINUTES);
            long elapsed = System.nanoTime() - start;
            lastSyncsPerMessage = c.queueStatus().orElseThrow().syncsPerMessage();
            return messages / (elapsed / 1e9);
        }
    }

    private static double uplink(int port, Path queue, int messages, int threads, String durability)
            throws Exception {
        OsSocketTransport os = new OsSocketTransport(SocketSettings.DEFAULTS);
        EndpointSettings s = StoreAndForwardMosquittoTest.settings("bench", port);
        EndpointSettings settings = new EndpointSettings(s.endpointId(), s.profile(), s.host(), s.port(),
                "bench-uplink", s.keepAliveSeconds(), true, "", null, "none", "", List.of(), s.connectTimeout(),
                WINDOW, messages + 1, 1L << 30).withQueueDurability(durability, 200);
        try (MqttCloudConnection c = new MqttCloudConnection(settings, queue, () -> os, () -> null, null)) {
            long connectDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (c.state() != io.uplink.cloud.ConnectionState.CONNECTED && System.nanoTime() < connectDeadline) {
                Thread.sleep(5);
            }
            List<CompletableFuture<?>> receipts = java.util.Collections.synchronizedList(new ArrayList<>(messages));
            long start = System.nanoTime();
            Thread[] publishers = new Thread[threads];
            for (int t = 0; t < threads; t++) {
                int share = messages / threads + (t < messages % threads ? 1 : 0);
                publishers[t] = new Thread(() -> {
                    try {
                        for (int i = 0; i < share; i++) {
                            receipts.add(c.publish("bench/uplink", PAYLOAD, 1, false).toCompletableFuture());
                        }
                    } catch (io.uplink.cloud.CloudException e) {
                        throw new IllegalStateException(e);
                    }
                });
                publishers[t].start();
            }
            for (Thread t : publishers) {
                t.join();
            }
            CompletableFuture.allOf(receipts.toArray(new CompletableFuture<?>[0])).get(10, TimeUnit.MINUTES);
            long elapsed = System.nanoTime() - start;
            lastSyncsPerMessage = c.queueStatus().orElseThrow().syncsPerMessage();
            return messages / (elapsed / 1e9);
        }
    }
}
