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
}
