package io.uplink.cloud.mqtt;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;

/** A real mosquitto broker with persistence on a fixed loopback port, restartable. */
final class Mosquitto implements AutoCloseable {

    final int port;
    private final Path dir;
    private final Path conf;
    private Process process;

    Mosquitto(Path dir) throws Exception {
        this(dir, new String[0]);
    }

    /** With configuration lines after the defaults (a later line sets the same option anew). */
    Mosquitto(Path dir, String... extraConfig) throws Exception {
        this.dir = dir;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        conf = dir.resolve("mosquitto.conf");
        Files.writeString(conf, String.join("\n", "listener " + port + " 127.0.0.1", "allow_anonymous true",
                "persistence true", "persistence_location " + dir + "/", "max_queued_messages 100000",
                "max_inflight_messages 20", String.join("\n", extraConfig), ""));
        Files.setPosixFilePermissions(conf, PosixFilePermissions.fromString("rw-r--r--"));
        start();
    }

    void start() throws Exception {
        process = new ProcessBuilder("mosquitto", "-c", conf.toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("mosquitto.log").toFile())).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("mosquitto exited: " + Files.readString(dir.resolve(
                            "mosquitto.log")));
                }
                Thread.sleep(50);
            }
        }
        throw new IllegalStateException("mosquitto did not listen on " + port);
    }

    /** SIGTERM: mosquitto saves its persistent state and exits, as on a service restart. */
    void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

    void restart() throws Exception {
        stop();
        start();
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
