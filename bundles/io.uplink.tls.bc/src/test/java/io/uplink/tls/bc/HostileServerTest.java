package io.uplink.tls.bc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.uplink.tls.TlsClientProfile;
import io.uplink.tls.TlsHandshakeException;
import io.uplink.tls.TlsHandshakeException.Failure;
import io.uplink.tls.TraceEvent;
import io.uplink.transport.os.OsSocketTransport;
import io.uplink.transport.os.SocketSettings;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Servers that are not TLS brokers, or break TLS, each get their own failure instead of a generic protocol error (or a
 * version mismatch): an HTTP port, a plain MQTT port (mosquitto), a reset, garbage after a valid ServerHello, a
 * ServerHello choosing a suite that was not offered, a chain of 41 certificates, certificates of 20 to 200 KB, and a
 * server that stays silent.
 */
class HostileServerTest {

    @TempDir
    static Path dir;

    static TestPki.Pki pki;

    private final OsSocketTransport transport = new OsSocketTransport(SocketSettings.DEFAULTS);
    private final BcTlsEngine engine = new BcTlsEngine(List.of(), 0, Clock.systemUTC());

    @BeforeAll
    static void pki() throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        pki = TestPki.create(dir.resolve("pki"), false);
    }

    private TlsHandshakeException fail(int port) throws Exception {
        try {
            engine.handshake(transport.connect("127.0.0.1", port, Duration.ofSeconds(5)), TlsClientProfile
                    .builder("localhost").trustAnchors(List.of(pki.ca().cert())).handshakeTimeout(Duration.ofSeconds(
                            3)).build()).close();
        } catch (TlsHandshakeException e) {
            return e;
        }
        throw new AssertionError("the handshake succeeded");
    }

    private static boolean agreed(TlsHandshakeException e) {
        return e.trace().events().stream().anyMatch(ev -> ev.type().equals("ServerHello") && ev.detail().contains(
                "server chose"));
    }

    private ExternalProcess sServer(Path cert, Path key, String... extra) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("openssl", "s_server", "-accept", "127.0.0.1:{port}", "-cert",
                cert.toString(), "-key", key.toString(), "-quiet"));
        cmd.addAll(List.of(extra));
        return ExternalProcess.start(dir, cmd, Map.of());
    }

    @Test
    void anHttpPortDoesNotSpeakTls() throws Exception {
        try (HostilePeer http = HostilePeer.start(HostilePeer.http())) {
            TlsHandshakeException e = fail(http.port);
            assertThat(e.failure()).isEqualTo(Failure.NOT_TLS);
            assertThat(e.getMessage()).contains("does not speak TLS").contains("an HTTP server")
                    .contains("HTTP/1.1 400 Bad Request");
            assertThat(e.fix()).contains("8883");
        }
    }

    @Test
    void aPlainMqttPortResetsTheClientHello() throws Exception {
        int port = ExternalProcess.freePort();
        Path conf = dir.resolve("plain-" + port + ".conf");
        Files.writeString(conf, "listener " + port + " 127.0.0.1\nallow_anonymous true\n");
        conf.toFile().setReadable(true, false);
        try (ExternalProcess m = ExternalProcess.startOnPort(dir, List.of("mosquitto", "-c", conf.toString()),
                Map.of(), port)) {
            TlsHandshakeException e = fail(port);
            assertThat(e.failure()).isEqualTo(Failure.CONNECTION_RESET);
            assertThat(e.getMessage()).contains("reset").contains("right after the ClientHello");
            assertThat(e.fix()).contains("plain MQTT port");
        }
    }

    @Test
    void aResetIsNamed() throws Exception {
        try (HostilePeer reset = HostilePeer.start(HostilePeer.reset())) {
            assertThat(fail(reset.port).failure()).isEqualTo(Failure.CONNECTION_RESET);
        }
    }

    @Test
    void garbageAfterAValidServerHelloIsAProtocolErrorNotAVersionMismatch() throws Exception {
        byte[] garbage = "\u0001\u0002\u0003 not a TLS record at all".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        try (HostilePeer peer = HostilePeer.start(HostilePeer.serverHello(0x0303, 0xC02B, garbage))) {
            TlsHandshakeException e = fail(peer.port);
            assertThat(agreed(e)).as("the trace shows the version agreed: %s", e.trace().events()).isTrue();
            assertThat(e.failure()).isEqualTo(Failure.PROTOCOL);
            assertThat(e.getMessage()).contains("broke the TLS protocol after agreeing on TLSv1.2");
        }
    }

    @Test
    void aServerHelloChoosingASuiteNotOfferedIsAProtocolError() throws Exception {
        try (HostilePeer peer = HostilePeer.start(HostilePeer.serverHello(0x0303, 0x0005, new byte[0]))) {
            TlsHandshakeException e = fail(peer.port);
            assertThat(e.failure()).isEqualTo(Failure.PROTOCOL);
            assertThat(e.getMessage()).contains("broke the TLS protocol").contains("invalid cipher suite");
        }
    }

    @Test
    void aChainOf41CertificatesIsTooLong() throws Exception {
        TestPki.ServedChain files = TestPki.servedChain(dir, "chain41", pki.ca(), 40, 0);
        for (String version : List.of("-tls1_3", "-tls1_2")) {
            try (ExternalProcess s = sServer(files.cert(), files.key(), "-cert_chain", files.chain().toString(),
                    version)) {
                TlsHandshakeException e = fail(s.port);
                assertThat(e.failure()).as(version).isEqualTo(Failure.CHAIN_TOO_LONG);
                assertThat(e.getMessage()).contains("41 certificates").contains("at most "
                        + CertificateLimits.MAX_CHAIN_LENGTH);
            }
        }
    }

    @Test
    void certificatesOf20To200KilobytesAreTooLarge() throws Exception {
        for (int kb : new int[] { 20, 40, 86, 200 }) {
            TestPki.ServedChain files = TestPki.servedChain(dir, "big" + kb, pki.ca(), 0, kb * 1024);
            for (String version : List.of("-tls1_3", "-tls1_2")) {
                try (ExternalProcess s = sServer(files.cert(), files.key(), version)) {
                    TlsHandshakeException e = fail(s.port);
                    assertThat(e.failure()).as("%d KB, %s: %s", kb, version, e.getMessage())
                            .isEqualTo(Failure.CERTIFICATE_TOO_LARGE);
                    assertThat(e.getMessage()).contains("Uplink accepts at most");
                    assertThat(agreed(e)).isTrue();
                }
            }
        }
    }

    @Test
    void aSilentServerIsATimeoutThatSaysNothingWasReceived() throws Exception {
        try (HostilePeer silent = HostilePeer.start(HostilePeer.silent())) {
            TlsHandshakeException e = fail(silent.port);
            assertThat(e.failure()).isEqualTo(Failure.TIMEOUT);
            assertThat(e.getMessage()).contains("sent nothing");
            assertThat(e.trace().events()).extracting(TraceEvent::type).containsExactly("ClientHello");
        }
    }

    @Test
    void limitsLetAChainAtTheLimitsThrough() throws Exception {
        // the leaf just under the size limit, 8 intermediates and the root: 10 certificates
        TestPki.ServedChain files = TestPki.servedChain(dir, "ok", pki.ca(), CertificateLimits.MAX_CHAIN_LENGTH - 2,
                CertificateLimits.MAX_CERTIFICATE_BYTES - 1024);
        Files.writeString(files.chain(), Files.readString(files.chain()) + TestPki.pem(pki.ca().cert()));
        try (ExternalProcess s = sServer(files.cert(), files.key(), "-cert_chain", files.chain().toString())) {
            try (var session = engine.handshake(transport.connect("127.0.0.1", s.port, Duration.ofSeconds(5)),
                    TlsClientProfile.builder("localhost").trustAnchors(List.of(pki.ca().cert()))
                            .handshakeTimeout(Duration.ofSeconds(10)).build())) {
                assertThat(session.serverChain()).hasSize(CertificateLimits.MAX_CHAIN_LENGTH);
                assertThat(session.trace().events()).filteredOn(ev -> ev.type().equals("Certificate")).hasSize(1);
            }
        }
    }
}
