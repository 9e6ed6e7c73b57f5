package io.uplink.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16, low 18: against a TLS server that accepts TCP and never answers, 'sub' exited 0 without a word and 'pub'
 * said "not delivered within 5 s" without a cause. Both must exit 1 and say which step got no answer.
 */
class SilentServerCliTest {

    @TempDir
    Path home;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private PrintStream print(ByteArrayOutputStream b) {
        return new PrintStream(b, true, StandardCharsets.UTF_8);
    }

    @Test
    void subToASilentTlsServerExitsOneWithTheCause() throws Exception {
        // the backlog accepts the TCP connection; nobody ever reads or answers
        try (ServerSocket silent = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            int rc = new SubCommand(home, print(out), print(err)).execute(List.of("-h", "127.0.0.1", "-p",
                    String.valueOf(silent.getLocalPort()), "--tls", "host", "-t", "x", "--timeout", "4", "--state",
                    home.resolve("state").toString()));
            String said = err.toString(StandardCharsets.UTF_8);
            assertThat(rc).as("exit code; stderr: %s", said).isEqualTo(Main.EXIT_FAILURE);
            assertThat(said).contains("not connected within 4 s").contains("TLS handshake is waiting for the "
                    + "server's answer");
        }
    }

    @Test
    void pubToASilentTlsServerNamesTheCause() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            int rc = new PubCommand(home, print(out), print(err)).execute(List.of("-h", "127.0.0.1", "-p",
                    String.valueOf(silent.getLocalPort()), "--tls", "host", "-t", "x", "-m", "hello", "--timeout", "4",
                    "--state", home.resolve("state").toString()));
            String said = err.toString(StandardCharsets.UTF_8);
            assertThat(rc).isEqualTo(Main.EXIT_FAILURE);
            assertThat(said).contains("not delivered within 4 s of no progress: no answer for")
                    .contains("TLS handshake is waiting for the server's answer");
        }
    }
}
