package io.uplink.tls.bc;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A real peer (openssl s_server, mosquitto) on a free loopback port, stopped on close. */
public final class ExternalProcess implements AutoCloseable {

    public final int port;
    private final Process process;
    private final Path log;

    private ExternalProcess(int port, Process process, Path log) {
        this.port = port;
        this.process = process;
        this.log = log;
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Starts the command (with {@code {port}} replaced) and waits until the port accepts connections. */
    public static ExternalProcess start(Path dir, List<String> command, Map<String, String> env) throws Exception {
        return startOnPort(dir, command, env, freePort());
    }

    /** As {@link #start}, for a port already chosen (and written into the program's configuration). */
    public static ExternalProcess startOnPort(Path dir, List<String> command, Map<String, String> env, int port)
            throws Exception {
        List<String> cmd = command.stream().map(s -> s.replace("{port}", String.valueOf(port))).toList();
        Path log = Files.createTempFile(dir, cmd.get(0), ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IllegalStateException(String.join(" ", cmd) + " exited: " + Files.readString(log));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return new ExternalProcess(port, p, log);
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        p.destroyForcibly();
        throw new IllegalStateException(String.join(" ", cmd) + " did not listen on " + port + ": "
                + Files.readString(log));
    }

    public String log() throws IOException {
        return Files.readString(log);
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
