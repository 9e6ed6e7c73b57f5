package io.uplink.tls.bc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.uplink.credentials.ClientIdentity;
import io.uplink.tls.CipherPolicy;
import io.uplink.tls.TlsClientProfile;
import io.uplink.tls.TlsHandshakeException;
import io.uplink.tls.TlsSession;
import io.uplink.tls.TraceEvent;
import io.uplink.transport.os.OsSocketTransport;
import io.uplink.transport.os.SocketSettings;

import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reconnects resume the TLS session where the server allows it, never across a change of trust anchors or client
 * identity; the constrained policy chooses what resumes. Against openssl s_server, which offers both TLS 1.3 and 1.2
 * (and session tickets) unless told otherwise.
 */
class SessionResumptionTest {

    @TempDir
    Path dir;

    private final OsSocketTransport transport = new OsSocketTransport(SocketSettings.DEFAULTS);

    private ExternalProcess server(TestPki.Pki pki, String... extra) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("openssl", "s_server", "-accept", "127.0.0.1:{port}", "-cert",
                pki.file("server.pem").toString(), "-key", pki.file("server.key").toString(), "-quiet"));
        cmd.addAll(List.of(extra));
        return ExternalProcess.start(dir, cmd, Map.of());
    }

    private TlsSession connect(BcTlsEngine engine, int port, TlsClientProfile profile) throws Exception {
        return engine.handshake(transport.connect("127.0.0.1", port, Duration.ofSeconds(5)), profile);
    }

    private static TlsClientProfile.Builder constrained(TestPki.Pki pki) {
        return TlsClientProfile.builder("localhost").cipherPolicy(CipherPolicy.CONSTRAINED)
                .trustAnchors(List.of(pki.ca().cert()));
    }

    @Test
    void theConstrainedPolicyResumesOnAServerOfferingTls13() throws Exception {
        TestPki.Pki pki = TestPki.create(dir, false);
        BcTlsEngine engine = new BcTlsEngine(List.of(), 8, Clock.systemUTC());
        try (ExternalProcess s = server(pki)) {
            long cold;
            try (TlsSession first = connect(engine, s.port, constrained(pki).build())) {
                assertThat(first.protocol()).isEqualTo(TlsClientProfile.TLS_1_2);
                assertThat(first.resumed()).isFalse();
                cold = bytes(first);
            }
            try (TlsSession second = connect(engine, s.port, constrained(pki).build())) {
                assertThat(second.resumed()).isTrue();
                assertThat(second.trace().events()).extracting(TraceEvent::type).doesNotContain("Certificate");
                assertThat(bytes(second)).isLessThanOrEqualTo(cold * 6 / 10);
            }
            // The modern policy on the same server: TLS 1.3, which this engine cannot resume.
            TlsClientProfile modern = TlsClientProfile.builder("localhost").trustAnchors(List.of(pki.ca().cert()))
                    .build();
            try (TlsSession a = connect(engine, s.port, modern)) { // s_server serves one connection at a time
                assertThat(a.protocol()).isEqualTo(TlsClientProfile.TLS_1_3);
            }
            try (TlsSession b = connect(engine, s.port, modern)) {
                assertThat(b.resumed()).isFalse();
            }
        }
    }

    @Test
    void aChangedTrustAnchorDoesNotResume() throws Exception {
        TestPki.Pki pki = TestPki.create(dir, false);
        TestPki.Pki other = TestPki.create(dir.resolve("other"), false);
        BcTlsEngine engine = new BcTlsEngine(List.of(), 8, Clock.systemUTC());
        try (ExternalProcess s = server(pki, "-tls1_2")) {
            try (TlsSession first = connect(engine, s.port, constrained(pki).build())) {
                assertThat(first.resumed()).isFalse();
            }
            // Another anchor set that still trusts the server: a full handshake, the server's chain checked again.
            TlsClientProfile changed = constrained(pki).trustAnchors(List.of(other.ca().cert(), pki.ca().cert()))
                    .build();
            try (TlsSession second = connect(engine, s.port, changed)) {
                assertThat(second.resumed()).isFalse();
                assertThat(second.trace().events()).extracting(TraceEvent::type).contains("Certificate");
            }
            // An anchor set that does not trust the server must fail, not resume what the old anchors accepted.
            assertThatThrownBy(() -> connect(engine, s.port, constrained(pki).trustAnchors(List.of(other.ca()
                    .cert())).build())).isInstanceOf(TlsHandshakeException.class);
            try (TlsSession back = connect(engine, s.port, constrained(pki).build())) {
                assertThat(back.resumed()).as("the first anchors' session is still there").isTrue();
            }
        }
    }

    @Test
    void aChangedClientIdentityDoesNotResume() throws Exception {
        TestPki.Pki pki = TestPki.create(dir, false);
        Instant now = Instant.now();
        TestPki.Issued second = TestPki.issue("CN=other-device", false, pki.ca(), false,
                KeyPurposeId.id_kp_clientAuth, null, now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(30)));
        BcTlsEngine engine = new BcTlsEngine(List.of(), 8, Clock.systemUTC());
        try (ExternalProcess s = server(pki, "-tls1_2", "-Verify", "1", "-CAfile", pki.file("ca.pem").toString())) {
            try (TlsSession first = connect(engine, s.port, constrained(pki).clientIdentity(pki.clientIdentity())
                    .build())) {
                assertThat(first.resumed()).isFalse();
            }
            try (TlsSession same = connect(engine, s.port, constrained(pki).clientIdentity(pki.clientIdentity())
                    .build())) {
                assertThat(same.resumed()).isTrue();
            }
            ClientIdentity otherDevice = new ClientIdentity("other", List.of(second.cert()), second.key());
            try (TlsSession changed = connect(engine, s.port, constrained(pki).clientIdentity(otherDevice).build())) {
                assertThat(changed.resumed()).isFalse();
            }
        }
    }

    @Test
    void theConstrainedPolicyOffersTls13NextTimeWhenTheServerRefusesTls12() throws Exception {
        TestPki.Pki pki = TestPki.create(dir, false);
        BcTlsEngine engine = new BcTlsEngine(List.of(), 8, Clock.systemUTC());
        try (ExternalProcess s = server(pki, "-tls1_3")) {
            assertThatThrownBy(() -> connect(engine, s.port, constrained(pki).build()))
                    .isInstanceOfSatisfying(TlsHandshakeException.class, e -> assertThat(e.failure())
                            .isEqualTo(TlsHandshakeException.Failure.VERSION_MISMATCH));
            try (TlsSession next = connect(engine, s.port, constrained(pki).build())) {
                assertThat(next.protocol()).isEqualTo(TlsClientProfile.TLS_1_3);
            }
        }
    }

    private static long bytes(TlsSession s) {
        return s.trace().events().stream().mapToLong(TraceEvent::size).sum();
    }
}
