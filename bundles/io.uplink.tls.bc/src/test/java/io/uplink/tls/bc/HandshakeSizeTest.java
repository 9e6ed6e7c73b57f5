package io.uplink.tls.bc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.uplink.tls.TlsClientProfile;
import io.uplink.tls.TlsSession;
import io.uplink.tls.TraceEvent;
import io.uplink.transport.os.OsSocketTransport;
import io.uplink.transport.os.SocketSettings;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Handshake bytes per case (TLS 1.2/1.3, RSA/ECDSA, mutual or not, resumed or not), for this engine and for
 * openssl s_client against the same openssl s_server in the same run, printed as a table. Asserts only what must
 * hold (resumption happens and is smaller); the figures go to the report.
 */
class HandshakeSizeTest {

    private static final Pattern S_CLIENT = Pattern.compile("SSL handshake has read (\\d+) bytes and written (\\d+)");

    @TempDir
    Path dir;

    private final OsSocketTransport transport = new OsSocketTransport(SocketSettings.DEFAULTS);

    @Test
    void tls12SessionResumptionIsUsedAndSmaller() throws Exception {
        TestPki.Pki pki = TestPki.create(dir, false);
        BcTlsEngine engine = new BcTlsEngine(List.of(), 16, Clock.systemUTC());
        try (ExternalProcess s = ExternalProcess.start(dir, List.of("openssl", "s_server", "-accept",
                "127.0.0.1:{port}", "-cert", pki.file("server.pem").toString(), "-key", pki.file("server.key")
                        .toString(), "-tls1_2", "-no_ticket", "-quiet"), Map.of())) {
            TlsClientProfile profile = TlsClientProfile.builder("localhost").versions(java.util.Set.of("TLSv1.2"))
                    .trustAnchors(List.of(pki.ca().cert())).build();
            long full;
            try (TlsSession first = engine.handshake(transport.connect("127.0.0.1", s.port, Duration.ofSeconds(5)),
                    profile)) {
                assertThat(first.resumed()).isFalse();
                full = bytes(first);
            }
            try (TlsSession second = engine.handshake(transport.connect("127.0.0.1", s.port,
                    Duration.ofSeconds(5)), profile)) {
                assertThat(second.resumed()).isTrue();
                assertThat(second.trace().events()).extracting(TraceEvent::type).doesNotContain("Certificate");
                assertThat(bytes(second)).isLessThan(full);
            }
        }
    }

    @Test
    void reportHandshakeSizesAgainstOpensslClient() throws Exception {
        List<String> rows = new ArrayList<>();
        rows.add(String.format("%-34s %12s %12s %8s", "case", "uplink B", "s_client B", "ratio"));
        for (boolean rsa : new boolean[] { true, false }) {
            TestPki.Pki pki = TestPki.create(dir.resolve(rsa ? "rsa" : "ec"), rsa);
            for (String version : new String[] { "TLSv1.2", "TLSv1.3" }) {
                for (boolean mutual : new boolean[] { false, true }) {
                    String name = version + " " + (rsa ? "RSA-2048" : "ECDSA P-256") + (mutual ? " mutual" : "");
                    rows.add(row(name, pki, version, mutual, false));
                }
            }
            rows.add(row("TLSv1.2 " + (rsa ? "RSA-2048" : "ECDSA P-256") + " resumed", pki, "TLSv1.2", false, true));
        }
        System.out.println("Handshake bytes, both directions, loopback, same s_server per row:");
        rows.forEach(System.out::println);
    }

    private String row(String name, TestPki.Pki pki, String version, boolean mutual, boolean resumed)
            throws Exception {
        List<String> cmd = new ArrayList<>(List.of("openssl", "s_server", "-accept", "127.0.0.1:{port}", "-cert",
                pki.file("server.pem").toString(), "-key", pki.file("server.key").toString(), "-quiet",
                version.equals("TLSv1.2") ? "-tls1_2" : "-tls1_3"));
        if (mutual) {
            cmd.addAll(List.of("-Verify", "1", "-verify_return_error", "-CAfile", pki.file("ca.pem").toString()));
        }
        if (resumed) {
            cmd.add("-no_ticket");
        }
        try (ExternalProcess server = ExternalProcess.start(dir, cmd, Map.of())) {
            BcTlsEngine engine = new BcTlsEngine(List.of(), 16, Clock.systemUTC());
            TlsClientProfile.Builder b = TlsClientProfile.builder("localhost").versions(java.util.Set.of(version))
                    .trustAnchors(List.of(pki.ca().cert()));
            if (mutual) {
                b.clientIdentity(pki.clientIdentity());
            }
            TlsClientProfile profile = b.build();
            long ours = handshakeBytes(engine, server.port, profile);
            if (resumed) {
                ours = handshakeBytes(engine, server.port, profile);
            }
            long theirs = sClient(pki, server.port, version, mutual, resumed);
            return String.format("%-34s %12d %12d %8.2f", name, ours, theirs, theirs == 0 ? 0.0
                    : (double) ours / theirs);
        }
    }

    private long handshakeBytes(BcTlsEngine engine, int port, TlsClientProfile profile) throws Exception {
        try (TlsSession s = engine.handshake(transport.connect("127.0.0.1", port, Duration.ofSeconds(5)), profile)) {
            assertThat(s.protocol()).isEqualTo(profile.versions().iterator().next());
            return bytes(s);
        }
    }

    private static long bytes(TlsSession s) {
        return s.trace().events().stream().mapToLong(TraceEvent::size).sum();
    }

    private long sClient(TestPki.Pki pki, int port, String version, boolean mutual, boolean resumed)
            throws Exception {
        Path session = dir.resolve("s_client-" + port + ".sess");
        if (resumed) {
            runSClient(pki, port, version, mutual, List.of("-sess_out", session.toString()));
            return runSClient(pki, port, version, mutual, List.of("-sess_in", session.toString()));
        }
        return runSClient(pki, port, version, mutual, List.of());
    }

    private long runSClient(TestPki.Pki pki, int port, String version, boolean mutual, List<String> extra)
            throws Exception {
        List<String> cmd = new ArrayList<>(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + port,
                "-servername", "localhost", "-CAfile", pki.file("ca.pem").toString(),
                version.equals("TLSv1.2") ? "-tls1_2" : "-tls1_3"));
        if (mutual) {
            cmd.addAll(List.of("-cert", pki.file("client.pem").toString(), "-key", pki.file("client.key").toString()));
        }
        cmd.addAll(extra);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor(30, TimeUnit.SECONDS);
        Matcher m = S_CLIENT.matcher(out);
        if (!m.find()) {
            return 0;
        }
        return Long.parseLong(m.group(1)) + Long.parseLong(m.group(2));
    }
}
