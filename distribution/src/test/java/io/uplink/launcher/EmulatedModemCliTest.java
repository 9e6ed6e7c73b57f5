package io.uplink.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 'pub --modem emulator:&lt;model&gt;' takes any emulated module and the dialect that matches its answers: the HL7800
 * is attached by the Sierra dialect, and an unknown model is refused with the list of those there are.
 */
class EmulatedModemCliTest {

    @TempDir
    Path home;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private Process broker;

    private PrintStream print(ByteArrayOutputStream b) {
        return new PrintStream(b, true, StandardCharsets.UTF_8);
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (broker != null) {
            broker.destroy();
            broker.waitFor();
        }
    }

    private int plainBroker() throws Exception {
        int port = GatewayProcess.freePort();
        Path conf = Files.writeString(home.resolve("plain.conf"), "listener " + port + " 127.0.0.1\n"
                + "allow_anonymous true\n");
        broker = new ProcessBuilder("mosquitto", "-c", conf.toString()).redirectErrorStream(true)
                .redirectOutput(home.resolve("mosquitto.log").toFile()).start();
        for (int i = 0; i < 100; i++) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return port;
            } catch (java.io.IOException e) {
                Thread.sleep(50);
            }
        }
        throw new AssertionError("mosquitto did not listen: " + Files.readString(home.resolve("mosquitto.log")));
    }

    @Test
    void pubThroughTheEmulatedHl7800IsAttachedByTheSierraDialect() throws Exception {
        int port = plainBroker();
        int rc = new PubCommand(home, print(out), print(err)).execute(List.of("-h", "127.0.0.1", "-p",
                String.valueOf(port), "--tls", "none", "-t", "cli/hl7800", "-m", "hello", "--timeout", "60",
                "--modem", "emulator:hl7800", "--state", home.resolve("state").toString()));
        String said = out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
        assertThat(rc).as(said).isZero();
        assertThat(said).contains("acknowledged by").contains("Sierra Wireless HL7800");
    }

    @Test
    void anUnknownEmulatedModelIsRefusedWithTheKnownOnes() throws Exception {
        int rc = new PubCommand(home, print(out), print(err)).execute(List.of("-h", "127.0.0.1", "-p", "1",
                "--tls", "none", "-t", "x", "-m", "x", "--timeout", "5", "--modem", "emulator:sim800", "--state",
                home.resolve("state").toString()));
        assertThat(rc).isNotZero();
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("emulator:sim800").contains("'emulator:bg95'")
                .contains("'emulator:hl7800'");
    }
}
