package io.uplink.tls.bc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.uplink.tls.TlsClientProfile;
import io.uplink.tls.TlsHandshakeException;
import io.uplink.tls.TlsHandshakeException.Failure;
import io.uplink.tls.TlsHandshakeException.Side;
import io.uplink.tls.TlsSession;
import io.uplink.tls.TraceEvent;
import io.uplink.transport.Connection;
import io.uplink.transport.os.OsSocketTransport;
import io.uplink.transport.os.SocketSettings;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each way a handshake fails against a real OpenSSL server gives its own named failure, says which side raised which
 * alert, and keeps the trace and a capture.
 */
class OpensslFailureTest {

    @TempDir
    Path dir;

    private final OsSocketTransport transport = new OsSocketTransport(SocketSettings.DEFAULTS);
    private final BcTlsEngine engine = new BcTlsEngine(List.of(), 16, Clock.systemUTC());

    private ExternalProcess sServer(TestPki.Pki pki, String... extra) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("openssl", "s_server", "-accept", "127.0.0.1:{port}", "-cert",
                pki.file("server.pem").toString(), "-key", pki.file("server.key").toString(), "-quiet"));
        cmd.addAll(List.of(extra));
        return ExternalProcess.start(dir, cmd, Map.of());
    }

    private TlsSession connect(int port, TlsClientProfile profile) throws Exception {
        Connection c = transport.connect("127.0.0.1", port, Duration.ofSeconds(5));
        return engine.handshake(c, profile);
    }

    private static TlsClientProfile.Builder trusting(TestPki.Pki pki) {
        return TlsClientProfile.builder("localhost").trustAnchors(List.of(pki.ca().cert()))
                .handshakeTimeout(Duration.ofSeconds(10));
    }

    private static TlsHandshakeException failure(ThrowingCall call) {
        try {
            call.run();
        } catch (TlsHandshakeException e) {
            return e;
        } catch (Exception e) {
            throw new AssertionError("expected a TlsHandshakeException, got " + e, e);
        }
        throw new AssertionError("the handshake succeeded");
    }

    private interface ThrowingCall {
        void run() throws Exception;
    }

    private static boolean traceHas(TlsHandshakeException e, TraceEvent.Direction d, String type, String text) {
        return e.trace().events().stream().anyMatch(ev -> ev.direction() == d && ev.type().equals(type)
                && ev.detail().contains(text));
    }

    @Test
    void aServerSignedByAnotherCaIsAnUnknownCa() throws Exception {
        TestPki.Pki pki = TestPki.create(dir.resolve("a"), false);
        TestPki.Pki other = TestPki.create(dir.resolve("b"), true);
        try (ExternalProcess s = sServer(pki)) {
            TlsHandshakeException e = failure(() -> connect(s.port, trusting(other).build()));
            assertThat(e.failure()).isEqualTo(Failure.UNKNOWN_CA);
            assertThat(e.alertRaisedBy()).isEqualTo(Side.CLIENT);
            assertThat(e.alert()).isEqualTo("unknown_ca");
            assertThat(e.getMessage()).contains("Uplink Test CA EC").contains("not among the 1 trust anchors");
            assertThat(traceHas(e, TraceEvent.Direction.SENT, "Alert", "unknown_ca")).isTrue();
            assertThat(traceHas(e, TraceEvent.Direction.RECEIVED, "Certificate", "CN=localhost")).isTrue();
            assertThat(e.pcap()).hasSizeGreaterThan(24 + 16);
        }
    }

    @Test
    void aTrustAnchorWithTheRightNameButTheWrongKeyIsExplained() throws Exception {
        TestPki.Pki pki = TestPki.create(dir.resolve("a"), false);
        TestPki.Pki recreated = TestPki.create(dir.resolve("b"), false); // same CA name, new key
        try (ExternalProcess s = sServer(pki)) {
            TlsHandshakeException e = failure(() -> connect(s.port, trusting(recreated).build()));
            assertThat(e.failure()).isEqualTo(Failure.UNKNOWN_CA);
            assertThat(e.getMessage()).contains("different CA with the same name");
        }
    }

    @Test
    void aCertificateForAnotherNameIsAHostnameMismatch() throws Exception {
        TestPki.Pki pki = TestPki.create(dir, true, "broker.other.example");
        try (ExternalProcess s = sServer(pki)) {
            TlsHandshakeException e = failure(() -> connect(s.port, trusting(pki).build()));
            assertThat(e.failure()).isEqualTo(Failure.HOSTNAME_MISMATCH);
            assertThat(e.alertRaisedBy()).isEqualTo(Side.CLIENT);
            assertThat(e.getMessage()).contains("[broker.other.example]").contains("not localhost");
        }
    }

    @Test
    void anExpiredServerCertificateIsNamedWithItsDate() throws Exception {
        TestPki.Pki pki = TestPki.create(dir, false, Instant.now().minus(Duration.ofDays(3)));
        try (ExternalProcess s = sServer(pki)) {
            TlsHandshakeException e = failure(() -> connect(s.port, trusting(pki).build()));
            assertThat(e.failure()).isEqualTo(Failure.CERTIFICATE_EXPIRED);
            assertThat(e.alert()).isEqualTo("certificate_expired");
            assertThat(e.getMessage()).contains("CN=localhost").contains("expired on");
        }
    }

    @Test
    void noSharedCipherIsACipherMismatchRaisedByTheServer() throws Exception {
        TestPki.Pki pki = TestPki.create(dir, true);
        try (ExternalProcess s = sServer(pki, "-tls1_2", "-cipher", "AES256-SHA")) {
            TlsHandshakeException e = failure(() -> connect(s.port, trusting(pki).build()));
            assertThat(e.failure()).isEqualTo(Failure.CIPHER_MISMATCH);
            assertThat(e.alertRaisedBy()).isEqualTo(Side.SERVER);
            assertThat(e.alert()).isEqualTo("handshake_failure");
            assertThat(e.fix()).contains("compatible");
            assertThat(traceHas(e, TraceEvent.Direction.RECEIVED, "Alert", "the server raised fatal"))
                    .as("trace: %s", e.trace().events()).isTrue();
            assertThat(traceHas(e, TraceEvent.Direction.SENT, "ClientHello", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"))
                    .isTrue();

            // The compatible policy offers CBC suites with RSA key exchange and gets through.
            try (TlsSession ok = connect(s.port, trusting(pki).cipherPolicy(io.uplink.tls.CipherPolicy.COMPATIBLE)
                    .build())) {
                assertThat(ok.cipherSuite()).isEqualTo("TLS_RSA_WITH_AES_256_CBC_SHA");
            }
        }
    }

    @Test
    void aMissingClientCertificateIsNamedInTls12() throws Exception {
        TestPki.Pki pki = TestPki.create(dir, false);
        try (ExternalProcess s = sServer(pki, "-tls1_2", "-Verify", "1", "-verify_return_error", "-CAfile",
                pki.file("ca.pem").toString())) {
            TlsHandshakeException e = failure(() -> connect(s.port, trusting(pki).build()));
            assertThat(e.failure()).isEqualTo(Failure.CLIENT_CERTIFICATE_REQUIRED);
            assertThat(e.alertRaisedBy()).isEqualTo(Side.SERVER);
            assertThat(traceHas(e, TraceEvent.Direction.RECEIVED, "CertificateRequest", "none is configured"))
                    .isTrue();
        }
    }

    @Test
    void aMissingClientCertificateIsNamedInTls13OnTheFirstRead() throws Exception {
        TestPki.Pki pki = TestPki.create(dir, false);
        try (ExternalProcess s = sServer(pki, "-tls1_3", "-Verify", "1", "-verify_return_error", "-CAfile",
                pki.file("ca.pem").toString())) {
            TlsSession session = connect(s.port, trusting(pki).build());
            session.setReadTimeout(Duration.ofSeconds(10));
            assertThatThrownBy(() -> session.input().read()).isInstanceOfSatisfying(TlsHandshakeException.class,
                    e -> {
                        assertThat(e.failure()).isEqualTo(Failure.CLIENT_CERTIFICATE_REQUIRED);
                        assertThat(e.alert()).isEqualTo("certificate_required");
                    });
        }
    }

    @Test
    void aClientCertificateFromAnUnknownCaIsRejected() throws Exception {
        TestPki.Pki pki = TestPki.create(dir.resolve("a"), false);
        TestPki.Pki other = TestPki.create(dir.resolve("b"), true);
        try (ExternalProcess s = sServer(pki, "-tls1_2", "-Verify", "1", "-verify_return_error", "-CAfile",
                pki.file("ca.pem").toString())) {
            TlsHandshakeException e = failure(() -> connect(s.port, trusting(pki)
                    .clientIdentity(other.clientIdentity()).build()));
            assertThat(e.failure()).isEqualTo(Failure.CLIENT_CERTIFICATE_REJECTED);
            assertThat(e.alertRaisedBy()).isEqualTo(Side.SERVER);
        }
    }

    @Test
    void aServerThatNeverAnswersTimesOutAtTheDeadline() throws Exception {
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 1,
                java.net.InetAddress.getLoopbackAddress())) {
            TlsHandshakeException e = failure(() -> connect(silent.getLocalPort(), TlsClientProfile
                    .builder("localhost").handshakeTimeout(Duration.ofMillis(700)).build()));
            assertThat(e.failure()).isEqualTo(Failure.TIMEOUT);
            assertThat(e.trace().events()).extracting(TraceEvent::type).containsExactly("ClientHello");
        }
    }

    @Test
    void aPeerThatHangsUpAfterTheClientHelloIsPeerClosed() throws Exception {
        try (java.net.ServerSocket rude = new java.net.ServerSocket(0, 1,
                java.net.InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> {
                try (java.net.Socket s = rude.accept()) {
                    s.getInputStream().read(new byte[512]);
                } catch (java.io.IOException ignored) {
                    // the test only needs the hang-up
                }
            });
            t.start();
            TlsHandshakeException e = failure(() -> connect(rude.getLocalPort(), TlsClientProfile.builder("localhost")
                    .handshakeTimeout(Duration.ofSeconds(10)).build()));
            t.join();
            assertThat(e.failure()).isEqualTo(Failure.PEER_CLOSED);
            assertThat(e.getMessage()).contains("right after the ClientHello");
        }
    }

    @Test
    void pcapOfAFailedHandshakeIsAValidCapture() throws Exception {
        TestPki.Pki pki = TestPki.create(dir, false);
        try (ExternalProcess s = sServer(pki)) {
            TlsHandshakeException e = failure(() -> connect(s.port, TlsClientProfile.builder("localhost")
                    .handshakeTimeout(Duration.ofSeconds(10)).build()));
            byte[] pcap = e.pcap();
            assertThat(pcap[0] & 0xFF).isEqualTo(0xd4);
            // TLS record of the ClientHello right after the first frame's headers: content type 22, version 3.x.
            int firstPayload = 24 + 16 + 14 + 20 + 20;
            assertThat(pcap[firstPayload]).isEqualTo((byte) 22);
            assertThat(pcap[firstPayload + 1]).isEqualTo((byte) 3);
            ByteArrayOutputStream copy = new ByteArrayOutputStream();
            copy.write(pcap);
            assertThat(copy.size()).isEqualTo(pcap.length);
        }
    }
}
