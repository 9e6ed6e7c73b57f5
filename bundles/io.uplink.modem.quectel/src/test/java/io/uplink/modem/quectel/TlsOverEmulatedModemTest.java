package io.uplink.modem.quectel;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.uplink.modem.Modem;
import io.uplink.modem.emulator.Faults;
import io.uplink.modem.emulator.LinkModel;
import io.uplink.tls.TlsClientProfile;
import io.uplink.tls.TlsSession;
import io.uplink.tls.bc.BcTlsEngine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seed 000: a host-side TLS handshake over BG95 sockets. Here it completes through the emulated module at a
 * realistic serial rate, with URCs arriving inside responses, and application data flows afterwards.
 */
class TlsOverEmulatedModemTest {

    @TempDir
    Path dir;

    @Test
    void tlsHandshakeAndDataThroughTheEmulatedBg95() throws Exception {
        run(dir, "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", "server.key", "-out", "server.pem", "-days", "2", "-subj", "/CN=localhost", "-addext",
                "subjectAltName=DNS:localhost");
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        Process server = new ProcessBuilder("openssl", "s_server", "-accept", "127.0.0.1:" + port, "-cert",
                "server.pem", "-key", "server.key", "-quiet", "-rev").directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(dir.resolve("s_server.log").toFile()).start();
        try {
            awaitListening(port);
            X509Certificate anchor = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(
                    new ByteArrayInputStream(Files.readAllBytes(dir.resolve("server.pem"))));
            LinkModel link = LinkModel.DEFAULT.withBaud(921600);
            try (EmulatedModem m = new EmulatedModem(link, Faults.NONE.withUrcInsideResponses(20), "")) {
                Modem modem = m.attach(EmulatedModem.settings(""));
                BcTlsEngine engine = new BcTlsEngine(List.of(), 0, Clock.systemUTC());
                try (TlsSession tls = engine.handshake(modem.transport().connect("127.0.0.1", port,
                        Duration.ofSeconds(60)), TlsClientProfile.builder("localhost").trustAnchors(List.of(anchor))
                                .handshakeTimeout(Duration.ofSeconds(60)).build())) {
                    assertThat(tls.protocol()).isEqualTo("TLSv1.3");
                    long handshakeBytes = tls.trace().events().stream().mapToLong(e -> e.size()).sum();
                    assertThat(handshakeBytes).as("well past the ~877 bytes where seed 000 died")
                            .isGreaterThan(877);
                    // s_server -rev answers each line reversed
                    tls.output().write("uplink over a modem\n".getBytes());
                    tls.output().flush();
                    tls.setReadTimeout(Duration.ofSeconds(30));
                    byte[] answer = new byte[64];
                    int n = tls.input().read(answer);
                    assertThat(new String(answer, 0, n).trim()).isEqualTo("medom a revo knilpu");
                }
            }
        } finally {
            server.destroy();
            server.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static void awaitListening(int port) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        throw new AssertionError("openssl s_server did not start");
    }

    private static void run(Path dir, String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
    }
}
