package io.uplink.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.uplink.tls.bc.BcTlsEngine;
import io.uplink.tls.bc.ExternalProcess;
import io.uplink.tls.bc.HostilePeer;
import io.uplink.tls.bc.TestPki;
import io.uplink.transport.os.OsSocketTransport;
import io.uplink.transport.os.SocketSettings;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The probe against openssl s_server configured as a modern cloud broker and as an old RSA-only one. */
class BrokerProbeTest {

    @TempDir
    Path dir;

    private final BrokerProbe probe = new BrokerProbe(new BcTlsEngine(List.of(), 0, Clock.systemUTC()),
            new OsSocketTransport(SocketSettings.DEFAULTS), Duration.ofSeconds(10));
    private final BrokerProbe quick = new BrokerProbe(new BcTlsEngine(List.of(), 0, Clock.systemUTC()),
            new OsSocketTransport(SocketSettings.DEFAULTS), Duration.ofSeconds(2));

    private ExternalProcess sServer(TestPki.Pki pki, String... extra) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("openssl", "s_server", "-accept", "127.0.0.1:{port}", "-cert",
                pki.file("server.pem").toString(), "-key", pki.file("server.key").toString(), "-quiet"));
        cmd.addAll(List.of(extra));
        return ExternalProcess.start(dir, cmd, Map.of());
    }

    @Test
    void aModernEcdsaBrokerIsOutOfReachOfTheBc66sOwnTls() throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        TestPki.Pki pki = TestPki.create(dir.resolve("ec"), false);
        try (ExternalProcess s = sServer(pki, "-Verify", "1")) {
            BrokerProbe.Report r = probe.probe("localhost", s.port);
            System.out.println("probe of a modern broker: " + r.versions() + ", SNI " + r.sni());
            assertThat(r.versions().get("TLSv1.3")).contains("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384");
            assertThat(r.versions().get("TLSv1.2")).contains("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256")
                    .noneMatch(x -> x.startsWith("TLS_RSA_") || x.contains("ECDHE_RSA"));
            assertThat(r.modems().get("quectel-bc66")).as("suites shared with the BC66").isEmpty();
            assertThat(r.chain()).first().asString().contains("CN=localhost");
            assertThat(r.asksForClientCertificate()).isTrue();
            assertThat(r.sni()).isEqualTo("same");
            assertThat(r.answer()).isEqualTo(BrokerProbe.Answer.TLS);
            assertThat(r.problem()).isEmpty();
        }
    }

    @Test
    void anOldRsaOnlyBrokerIsWithinTheBc66sReach() throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        TestPki.Pki pki = TestPki.create(dir.resolve("rsa"), true);
        try (ExternalProcess s = sServer(pki, "-tls1_2", "-cipher", "AES128-SHA")) {
            BrokerProbe.Report r = probe.probe("127.0.0.1", s.port);
            assertThat(r.versions().get("TLSv1.3")).isEmpty();
            assertThat(r.versions().get("TLSv1.2")).containsExactly("TLS_RSA_WITH_AES_128_CBC_SHA");
            assertThat(r.modems().get("quectel-bc66")).containsExactly("TLS_RSA_WITH_AES_128_CBC_SHA");
            assertThat(r.asksForClientCertificate()).isFalse();
        }
    }

    /** Issue 16, medium 9: a silent server was "refused" with "SNI: needed" after 18 handshakes (39 s at 2 s). */
    @Test
    void aSilentServerIsReportedSilentAfterTwoHandshakes() throws Exception {
        try (HostilePeer silent = HostilePeer.start(HostilePeer.silent())) {
            long started = System.nanoTime();
            BrokerProbe.Report r = quick.probe("localhost", silent.port);
            System.out.printf("probe of a silent server at a 2 s timeout: %.1f s, %d handshakes%n",
                    (System.nanoTime() - started) / 1e9, silent.accepted());
            assertThat(r.answer()).isEqualTo(BrokerProbe.Answer.SILENT);
            assertThat(r.stoppedEarly()).isTrue();
            assertThat(r.problem()).startsWith("silent").contains("no ServerHello within 2 s");
            assertThat(silent.accepted()).as("handshakes tried").isEqualTo(BrokerProbe.SILENT_LIMIT);
            assertThat(r.sni()).as("silence says nothing about SNI").isEqualTo("unknown");
            assertThat(r.evidence()).allMatch(line -> line.contains("silent"));
        }
    }

    @Test
    void aServerHelloChoosingWhatWasNotOfferedIsNotAcceptance() throws Exception {
        // answers every ClientHello with TLS 1.2 and TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, whatever was offered
        try (HostilePeer fixed = HostilePeer.start(HostilePeer.serverHello(0x0303, 0xC02B, new byte[0]))) {
            BrokerProbe.Report r = quick.probe("127.0.0.1", fixed.port);
            assertThat(r.versions().get("TLSv1.3")).as("TLS 1.2 answers to TLS 1.3 offers").isEmpty();
            assertThat(r.versions().get("TLSv1.2")).containsExactly("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
            assertThat(r.answer()).isEqualTo(BrokerProbe.Answer.PROTOCOL_ERRORS);
            assertThat(r.problem()).contains("not offered");
            assertThat(r.evidence()).anyMatch(line -> line.startsWith("TLSv1.2 TLS_RSA_WITH_AES_128_CBC_SHA: protocol "
                    + "error of the server"));
        }
    }

    @Test
    void anHttpPortStopsTheProbeAtOnce() throws Exception {
        try (HostilePeer http = HostilePeer.start(HostilePeer.http())) {
            BrokerProbe.Report r = quick.probe("localhost", http.port);
            assertThat(r.answer()).isEqualTo(BrokerProbe.Answer.NOT_TLS);
            assertThat(r.problem()).contains("HTTP");
            assertThat(http.accepted()).isEqualTo(1);
        }
    }
}
