package io.uplink.launcher;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

/** A copy of the built distribution in a temporary folder, and the gateway process started from it. */
final class GatewayProcess implements AutoCloseable {

    /** Bound for waiting on the gateway; generous for a loaded 2-core CI machine. Not a performance assertion. */
    static final long WAIT_SECONDS = 60;

    final Path home;
    final int port;
    private Process process;
    private Path output;

    GatewayProcess(Path home) throws IOException {
        this.home = home;
        this.port = freePort();
    }

    static GatewayProcess copyOfDistribution(Path tempDir) throws IOException {
        Path source = Path.of(System.getProperty("uplink.distribution", "target/uplink"));
        if (!Files.isRegularFile(source.resolve("bin/uplink"))) {
            throw new IllegalStateException("no distribution at " + source.toAbsolutePath() + ": run 'mvn verify'");
        }
        Path home = tempDir.resolve("uplink");
        try (Stream<Path> files = Files.walk(source)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path relative = source.relativize(p);
                if (relative.startsWith("data") || relative.startsWith("logs")) {
                    continue; // state of a gateway someone ran in place; a fresh copy starts without it
                }
                Path target = home.resolve(relative.toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
        home.resolve("bin/uplink").toFile().setExecutable(true);
        return new GatewayProcess(home);
    }

    /** Runs {@code bin/uplink} with the arguments to completion; returns exit code and combined output. */
    Result command(String stdin, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(home.resolve("bin/uplink").toString());
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(home, "cmd", ".out");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (stdin != null) {
            p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        p.getOutputStream().close();
        if (!p.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("uplink " + String.join(" ", args) + " did not finish");
        }
        return new Result(p.exitValue(), Files.readString(out));
    }

    record Result(int exitCode, String output) {
    }

    /** Starts {@code uplink run} and waits for its start-up banner. */
    String start() throws IOException, InterruptedException {
        launch("run", "--no-shell", "--http-port", String.valueOf(port));
        return awaitOutput(s -> s.contains("bundles active."), "the start-up banner");
    }

    /** Starts {@code bin/uplink} with the arguments in the background; see {@link #awaitOutput}. */
    void launch(String... args) throws IOException {
        launch(java.util.Map.of(), args);
    }

    /** As {@link #launch(String...)}, with these environment variables added (e.g. UPLINK_JAVA_OPTS). */
    void launch(java.util.Map<String, String> environment, String... args) throws IOException {
        output = Files.createTempFile(home, "run", ".out");
        List<String> cmd = new ArrayList<>();
        cmd.add(home.resolve("bin/uplink").toString());
        cmd.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(output.toFile());
        builder.environment().putAll(environment);
        process = builder.start();
        process.getOutputStream().close();
    }

    /** Waits until the output so far satisfies the condition; returns the output. */
    String awaitOutput(Predicate<String> condition, String what) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (System.nanoTime() < deadline) {
            String text = Files.readString(output);
            if (condition.test(text)) {
                return text;
            }
            if (!process.isAlive()) {
                throw new AssertionError("the gateway exited (" + process.exitValue() + ") before " + what
                        + ":\n" + text);
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no " + what + " within " + WAIT_SECONDS + " s:\n" + Files.readString(output));
    }

    String output() throws IOException {
        return Files.readString(output);
    }

    long pid() {
        return process.pid();
    }

    /** Kills the process with SIGKILL (kill -9): no shutdown hook runs. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    /** Sends SIGTERM, as systemd or Ctrl+C would, and waits for the exit code. */
    int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the gateway did not stop on SIGTERM");
        }
        return process.exitValue();
    }

    @Override
    public void close() throws IOException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
