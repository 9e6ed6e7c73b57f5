package io.uplink.tls.bc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.uplink.tls.TlsClientProfile;
import io.uplink.tls.TlsSession;
import io.uplink.transport.os.OsSocketTransport;
import io.uplink.transport.os.SocketSettings;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/** The key log, when asked for, holds exactly the secrets the server logged for the same session (NSS format). */
class KeyLogTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = { "TLSv1.2", "TLSv1.3" })
    void keyLogMatchesTheServersOwn(String version) throws Exception {
        TestPki.Pki pki = TestPki.create(dir, false);
        Path serverLog = dir.resolve("server-keys.log");
        try (ExternalProcess s = ExternalProcess.start(dir, List.of("openssl", "s_server", "-accept",
                "127.0.0.1:{port}", "-cert", pki.file("server.pem").toString(), "-key",
                pki.file("server.key").toString(), "-quiet", "-keylogfile", serverLog.toString(),
                version.equals("TLSv1.2") ? "-tls1_2" : "-tls1_3"), Map.of())) {
            List<String> ours = new CopyOnWriteArrayList<>();
            TlsClientProfile profile = TlsClientProfile.builder("localhost").versions(Set.of(version))
                    .trustAnchors(List.of(pki.ca().cert())).keyLog(ours::add).build();
            BcTlsEngine engine = new BcTlsEngine(List.of(), 0, Clock.systemUTC());
            try (TlsSession session = engine.handshake(new OsSocketTransport(SocketSettings.DEFAULTS)
                    .connect("127.0.0.1", s.port, Duration.ofSeconds(5)), profile)) {
                assertThat(session.protocol()).isEqualTo(version);
            }
            assertThat(ours).hasSize(version.equals("TLSv1.2") ? 1 : 4);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            List<String> theirs = List.of();
            while (System.nanoTime() < deadline) {
                theirs = Files.exists(serverLog) ? Files.readAllLines(serverLog) : List.of();
                if (theirs.containsAll(ours)) {
                    break;
                }
                Thread.sleep(50);
            }
            assertThat(theirs).containsAll(ours);
        }
    }
}
