package io.uplink.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.uplink.cloud.EndpointProfile;
import io.uplink.credentials.ClientIdentity;
import io.uplink.diagnostics.Diagnosis;
import io.uplink.diagnostics.Finding;
import io.uplink.modem.Modem;
import io.uplink.modem.ModemSettings;
import io.uplink.modem.emulator.Bg95Emulator;
import io.uplink.modem.emulator.Faults;
import io.uplink.modem.emulator.LinkModel;
import io.uplink.modem.emulator.VirtualSerialLine;
import io.uplink.modem.quectel.QuectelBg9xDialect;
import io.uplink.modem.serial.ModemIdentification;
import io.uplink.modem.serial.SerialAtChannel;
import io.uplink.tls.bc.BcTlsEngine;
import io.uplink.tls.bc.ExternalProcess;
import io.uplink.tls.bc.HostilePeer;
import io.uplink.tls.bc.TestPki;
import io.uplink.transport.os.OsSocketTransport;
import io.uplink.transport.os.SocketSettings;

import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The doctor's cause codes, each produced by a real peer failing in that way: openssl s_server and mosquitto
 * configured to fail, a server that hangs up after CONNECT, and the emulated BG95 with its faults. Each diagnosis is
 * timed and printed; 60 s is the promise to users, used here as the wait bound of each scenario.
 */
class DoctorScenariosTest {

    private static final Duration STEP = Duration.ofSeconds(10);
    private static final List<String> SUMMARY = new ArrayList<>();

    @TempDir
    static Path dir;

    static TestPki.Pki pki;
    static TestPki.Pki otherPki;
    private final BcTlsEngine engine = new BcTlsEngine(List.of(), 0, Clock.systemUTC());
    private final OsSocketTransport os = new OsSocketTransport(SocketSettings.DEFAULTS);
    private final Doctor doctor = new Doctor(engine);

    @BeforeAll
    static void pki() throws Exception {
        // mosquitto started as root drops to its own user, which must reach the (test-only) key files
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        pki = TestPki.create(dir.resolve("pki"), false);
        otherPki = TestPki.create(dir.resolve("other"), false);
    }

    @AfterAll
    static void print() {
        System.out.println("Doctor scenarios (cause, seconds):");
        SUMMARY.forEach(System.out::println);
    }

    private DoctorTarget target(String host, int port, boolean tls, List<java.security.cert.X509Certificate> anchors,
            ClientIdentity id, EndpointProfile profile) {
        return new DoctorTarget(host, port, tls, "", List.of(), anchors, id, "uplink-doctor-test", profile, "", null,
                "uplink/doctor/test", STEP);
    }

    private DoctorTarget trusted(int port, ClientIdentity id) {
        return target("localhost", port, true, List.of(pki.ca().cert()), id, EndpointProfile.GENERIC);
    }

    private Finding run(String expected, DoctorTarget t) {
        return run(expected, t, os, false, List.of());
    }

    private Finding run(String expected, DoctorTarget t, io.uplink.transport.Transport via, boolean viaModem,
            List<Finding> earlier) {
        long started = System.nanoTime();
        Diagnosis d = doctor.diagnose(t, via, viaModem, os, earlier, f -> { });
        double seconds = (System.nanoTime() - started) / 1e9;
        SUMMARY.add(String.format(java.util.Locale.ROOT, "  %-28s %5.1f s", d.verdict().cause(), seconds));
        assertThat(d.verdict().cause()).as("verdict of %s", d.findings()).isEqualTo(expected);
        assertThat(Cause.of(expected)).as("%s is in the cause table", expected).isPresent();
        assertThat(seconds).as("a diagnosis ends within the 60 s promise").isLessThan(60);
        if (!"ok".equals(expected)) {
            assertThat(d.verdict().fix()).as("a fix for %s", expected).isNotBlank();
        }
        return d.verdict();
    }

    private ExternalProcess sServer(String... extra) throws Exception {
        return sServer(pki.file("server.pem"), pki.file("server.key"), extra);
    }

    private ExternalProcess sServer(Path cert, Path key, String... extra) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("openssl", "s_server", "-accept", "127.0.0.1:{port}", "-cert",
                cert.toString(), "-key", key.toString(), "-quiet"));
        cmd.addAll(List.of(extra));
        return ExternalProcess.start(dir, cmd, Map.of());
    }

    private ExternalProcess mosquitto(String... lines) throws Exception {
        int port = ExternalProcess.freePort();
        Path conf = dir.resolve("mosquitto-" + port + ".conf");
        Files.writeString(conf, "listener " + port + " 127.0.0.1\n" + String.join("\n", lines) + "\n");
        conf.toFile().setReadable(true, false);
        return ExternalProcess.startOnPort(dir, List.of("mosquitto", "-c", conf.toString()), Map.of(), port);
    }

    private String[] mutualTls() {
        return new String[] { "cafile " + pki.file("ca.pem"), "certfile " + pki.file("server.pem"),
            "keyfile " + pki.file("server.key"), "require_certificate true", "allow_anonymous true" };
    }

    @Test
    void everythingPasses() throws Exception {
        try (ExternalProcess m = mosquitto(mutualTls())) {
            Finding ok = run("ok", trusted(m.port, pki.clientIdentity()));
            assertThat(ok.summary()).contains("Every step passed");
        }
    }

    @Test
    void netDns() {
        run("net.dns", target("no-such-host.invalid", 8883, true, List.of(), null, EndpointProfile.GENERIC));
    }

    @Test
    void netTcpRefused() throws Exception {
        run("net.tcp-refused", trusted(ExternalProcess.freePort(), null));
    }

    @Test
    void tlsUnknownCa() throws Exception {
        try (ExternalProcess s = sServer()) {
            run("tls.unknown-ca", target("localhost", s.port, true, List.of(otherPki.ca().cert()), null,
                    EndpointProfile.GENERIC));
            byte[] pcap = doctor.lastCapture();
            assertThat(pcap.length).as("a capture of the failed handshake").isGreaterThan(24);
            int magic = java.nio.ByteBuffer.wrap(pcap, 0, 4).getInt();
            assertThat(magic).as("libpcap magic").isIn(0xa1b2c3d4, 0xd4c3b2a1);
        }
    }

    @Test
    void tlsHostnameMismatch() throws Exception {
        TestPki.Issued wrong = TestPki.issue("CN=wrong.example", false, pki.ca(), false, KeyPurposeId.id_kp_serverAuth,
                new String[] { "wrong.example" }, Instant.now().minus(Duration.ofDays(1)),
                Instant.now().plus(Duration.ofDays(30)));
        try (ExternalProcess s = sServer(write("wrong.pem", TestPki.pem(wrong.cert())), write("wrong.key",
                TestPki.pem(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(wrong.key(), null))))) {
            run("tls.hostname-mismatch", trusted(s.port, null));
        }
    }

    @Test
    void tlsServerCertExpired() throws Exception {
        TestPki.Issued old = TestPki.issue("CN=localhost", false, pki.ca(), false, KeyPurposeId.id_kp_serverAuth,
                new String[] { "localhost" }, Instant.now().minus(Duration.ofDays(400)),
                Instant.now().minus(Duration.ofDays(5)));
        try (ExternalProcess s = sServer(write("old.pem", TestPki.pem(old.cert())), write("old.key",
                TestPki.pem(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(old.key(), null))))) {
            run("tls.server-cert-expired", trusted(s.port, null));
        }
    }

    @Test
    void tlsCipherMismatch() throws Exception {
        try (ExternalProcess s = sServer("-tls1_2", "-cipher", "AES256-SHA")) {
            run("tls.cipher-mismatch", trusted(s.port, null));
        }
    }

    @Test
    void tlsClientCertRequiredOnTls13() throws Exception {
        try (ExternalProcess m = mosquitto(mutualTls())) {
            run("tls.client-cert-required", trusted(m.port, null));
        }
    }

    @Test
    void tlsClientCertRejected() throws Exception {
        try (ExternalProcess s = sServer("-tls1_2", "-Verify", "1", "-verify_return_error", "-CAfile",
                pki.file("ca.pem").toString())) {
            run("tls.client-cert-rejected", trusted(s.port, otherPki.clientIdentity()));
        }
    }

    @Test
    void netTimeoutWhenNothingAnswersTheHandshake() throws Exception {
        try (ServerSocket silent = new ServerSocket(0)) { // accepts (the backlog does) and never speaks
            run("net.timeout", new DoctorTarget("localhost", silent.getLocalPort(), true, "", List.of(),
                    List.of(pki.ca().cert()), null, "c", EndpointProfile.GENERIC, "", null, "t", Duration.ofSeconds(2)));
        }
    }

    @Test
    void tlsVersionMismatchWithATls11OnlyServer() throws Exception {
        try (ExternalProcess s = sServer("-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0")) {
            run("tls.version-mismatch", trusted(s.port, null));
        }
    }

    @Test
    void tlsNotTlsForAnHttpPort() throws Exception {
        try (HostilePeer http = HostilePeer.start(HostilePeer.http())) {
            Finding f = run("tls.not-tls", trusted(http.port, null));
            assertThat(f.summary()).contains("does not speak TLS").contains("HTTP/1.1 400");
            assertThat(f.fix()).contains("8883");
        }
    }

    @Test
    void tlsNotTlsForAPlainMqttPortSaysItAnswersMqttInPlain() throws Exception {
        try (ExternalProcess m = mosquitto("allow_anonymous true")) {
            Finding f = run("tls.not-tls", trusted(m.port, null));
            assertThat(f.summary()).contains("plain MQTT port").contains("CONNACK 0");
            assertThat(f.fix()).contains("8883").contains("tls.mode=none");
        }
    }

    @Test
    void tlsChainTooLongFor41Certificates() throws Exception {
        TestPki.ServedChain files = TestPki.servedChain(dir, "chain41", pki.ca(), 40, 0);
        try (ExternalProcess s = sServer(files.cert(), files.key(), "-cert_chain", files.chain().toString())) {
            assertThat(run("tls.chain-too-long", trusted(s.port, null)).summary()).contains("41 certificates");
        }
    }

    @Test
    void tlsCertificateTooLargeFor40And86KilobyteCertificates() throws Exception {
        for (int kb : new int[] { 40, 86 }) {
            TestPki.ServedChain files = TestPki.servedChain(dir, "big" + kb, pki.ca(), 0, kb * 1024);
            try (ExternalProcess s = sServer(files.cert(), files.key())) {
                run("tls.certificate-too-large", trusted(s.port, null));
            }
        }
    }

    @Test
    void tlsProtocolErrorForGarbageAfterAValidServerHello() throws Exception {
        byte[] garbage = "\u0001\u0002 garbage".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        try (HostilePeer peer = HostilePeer.start(HostilePeer.serverHello(0x0303, 0xC02B, garbage))) {
            Finding f = run("tls.protocol-error", trusted(peer.port, null));
            assertThat(f.summary()).contains("broke the TLS protocol after agreeing on TLSv1.2");
        }
    }

    @Test
    void netConnectionResetForAReset() throws Exception {
        try (HostilePeer reset = HostilePeer.start(HostilePeer.reset())) {
            run("net.connection-reset", trusted(reset.port, null));
        }
    }

    @Test
    void tlsSniWrongWhenTheServerRefusesTheNameSent() throws Exception {
        try (ExternalProcess s = sServer("-servername", "broker.example", "-servername_fatal", "-cert2",
                pki.file("server.pem").toString(), "-key2", pki.file("server.key").toString())) {
            run("tls.sni-wrong", trusted(s.port, null));
        }
    }

    /** Multi-tenant brokers hang up on a ClientHello that names no server; connecting by IP address sends none. */
    @Test
    void tlsSniMissingWhenConnectingByAddressToAServerThatHangsUp() throws Exception {
        try (ServerSocket server = new ServerSocket(0)) {
            Thread peer = new Thread(() -> {
                try (Socket s = server.accept()) {
                    s.getInputStream().read(new byte[512]); // the ClientHello, without server_name: hang up
                } catch (Exception e) {
                    // the test asserts what the doctor saw
                }
            });
            peer.start();
            Finding f = run("tls.sni-missing", target("127.0.0.1", server.getLocalPort(), true, List.of(pki.ca().cert()),
                    null, EndpointProfile.GENERIC));
            assertThat(f.fix()).isNotBlank();
            peer.join(10_000);
        }
    }

    @Test
    void tlsClockWrongWhenTheServerCertificateIsNotYetValid() throws Exception {
        TestPki.Issued future = TestPki.issue("CN=localhost", false, pki.ca(), false, KeyPurposeId.id_kp_serverAuth,
                new String[] { "localhost" }, Instant.now().plus(Duration.ofDays(30)),
                Instant.now().plus(Duration.ofDays(400)));
        try (ExternalProcess s = sServer(write("future.pem", TestPki.pem(future.cert())), write("future.key",
                TestPki.pem(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(future.key(), null))))) {
            run("tls.clock-wrong", trusted(s.port, null));
        }
    }

    @Test
    void mqttConnackRefused() throws Exception {
        try (ExternalProcess m = mosquitto("allow_anonymous false")) {
            Finding f = run("mqtt.connack-refused", target("127.0.0.1", m.port, false, List.of(), null,
                    EndpointProfile.GENERIC));
            assertThat(f.summary()).contains("not authorized");
        }
    }

    @Test
    void mqttClosedAfterConnectLikeAwsIot() throws Exception {
        try (ServerSocket server = new ServerSocket(0)) {
            Thread peer = new Thread(() -> {
                try (Socket s = server.accept()) {
                    InputStream in = s.getInputStream();
                    in.read(new byte[256]); // reads CONNECT, answers nothing, hangs up: AWS IoT's policy refusal
                } catch (Exception e) {
                    // the test asserts what the doctor saw
                }
            });
            peer.start();
            Finding f = run("mqtt.closed-after-connect", target("127.0.0.1", server.getLocalPort(), false, List.of(),
                    null, EndpointProfile.GENERIC));
            assertThat(f.evidence()).anyMatch(l -> l.contains("closed the connection"));
            peer.join(10_000);
        }
    }

    /** AWS IoT's way: mutual TLS succeeds, the certificate is fine, the policy is not: a close after CONNECT. */
    @Test
    void mqttClosedAfterConnectOverMutualTlsIsNotTakenForACertificateRefusal() throws Exception {
        char[] pw = "test".toCharArray();
        java.security.KeyStore keys = java.security.KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("server", pki.server().key(), pw, new java.security.cert.Certificate[] { pki.server().cert(),
            pki.ca().cert() });
        java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", pki.ca().cert());
        javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance("PKIX");
        kmf.init(keys, pw);
        javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance("PKIX");
        tmf.init(trust);
        javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLSv1.3");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        try (javax.net.ssl.SSLServerSocket server = (javax.net.ssl.SSLServerSocket) ctx.getServerSocketFactory()
                .createServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            server.setNeedClientAuth(true);
            Thread peer = new Thread(() -> {
                try (Socket s = server.accept()) {
                    ((javax.net.ssl.SSLSocket) s).startHandshake();
                    s.getInputStream().read(new byte[256]); // CONNECT arrives; the "policy" says no: hang up
                } catch (Exception e) {
                    // the test asserts what the doctor saw
                }
            });
            peer.start();
            run("mqtt.closed-after-connect", trusted(server.getLocalPort(), pki.clientIdentity()));
            peer.join(10_000);
        }
    }

    @Test
    void mqttProfileViolation() throws Exception {
        try (ExternalProcess m = mosquitto("allow_anonymous true")) {
            Finding f = run("mqtt.profile-violation", target("127.0.0.1", m.port, false, List.of(), null,
                    EndpointProfile.AWS_IOT));
            assertThat(f.summary()).contains("AWS IoT accepts only TLS");
        }
    }

    @Test
    void modemSimWantsItsPin() {
        try (Emulated m = new Emulated(Faults.NONE, "4711")) {
            List<Finding> rungs = ModemRungs.walk(m.at, "emulator:bg95");
            run("modem.sim", trusted(1, null), os, true, rungs);
        }
    }

    @Test
    void modemNotRegisteredWithoutCoverage() {
        try (Emulated m = new Emulated(Faults.NONE.withRegistration(2), "")) {
            Finding f = run("modem.not-registered", trusted(1, null), os, true, ModemRungs.walk(m.at, "emulator:bg95"));
            assertThat(f.summary()).contains("searching");
        }
    }

    @Test
    void modemPdpWhenTheNetworkRejectsTheApn() throws Exception {
        try (Emulated m = new Emulated(Faults.NONE.withRequiredApn("iot.operator.example"), "")) {
            List<Finding> rungs = new ArrayList<>(ModemRungs.walk(m.at, "emulator:bg95"));
            try {
                m.attach();
                throw new AssertionError("the attach should fail with the wrong APN");
            } catch (io.uplink.modem.ModemException e) {
                rungs.add(ModemRungs.attachFailed(e, "iot.emulated"));
            }
            Finding f = run("modem.pdp", trusted(1, null), os, true, rungs);
            assertThat(f.fix()).contains("APN");
        }
    }

    @Test
    void modemBufferOverrunWhenTheModuleHasNoMemoryForASocket() throws Exception {
        try (ExternalProcess m = mosquitto("allow_anonymous true");
                Emulated modem = new Emulated(Faults.NONE.withMaxOpenSockets(0), "")) {
            List<Finding> rungs = new ArrayList<>(ModemRungs.walk(modem.at, "emulator:bg95"));
            Modem attached = modem.attach();
            Finding f = run("modem.buffer-overrun", target("127.0.0.1", m.port, false, List.of(), null,
                    EndpointProfile.GENERIC), attached.transport(), true, rungs);
            assertThat(f.summary()).contains("553");
        }
    }

    @Test
    void serialNoResponse() {
        VirtualSerialLine line = new VirtualSerialLine("silent", 115200); // nothing on the modem's end
        try (SerialAtChannel at = new SerialAtChannel(line.gatewayEnd())) {
            run("serial.no-response", trusted(1, null), os, true, ModemRungs.walk(at, "/dev/ttyUSB1"));
        } finally {
            line.close();
        }
    }

    @Test
    void modemSocketClosedMidHandshakeWhileTheServerIsFine() throws Exception {
        try (ExternalProcess m = mosquitto(mutualTls());
                Emulated modem = new Emulated(Faults.NONE.withCloseAfterBytes(300), "")) {
            List<Finding> rungs = new ArrayList<>(ModemRungs.walk(modem.at, "emulator:bg95"));
            Modem attached = modem.attach();
            Finding f = run("modem.socket-closed", trusted(m.port, pki.clientIdentity()), attached.transport(), true,
                    rungs);
            assertThat(f.layer()).isIn(io.uplink.diagnostics.Layer.TLS, io.uplink.diagnostics.Layer.MQTT,
                    io.uplink.diagnostics.Layer.TCP);
        }
    }

    /**
     * Issue 11: a broker that accepts only TLS 1.2 with ChaCha20. The emulated BG95's own TLS (AES suites only) fails
     * with a bare 566; the doctor repeats the handshake as the modem would and names the cipher mismatch with the
     * modem's suites and the fix "use host TLS"; host TLS through the same modem then delivers.
     */
    @Test
    void modemTlsAgainstAChaChaOnlyBrokerIsACipherMismatchAndHostTlsWorks() throws Exception {
        try (ExternalProcess m = mosquitto("cafile " + pki.file("ca.pem"), "certfile " + pki.file("server.pem"),
                "keyfile " + pki.file("server.key"), "tls_version tlsv1.2",
                "ciphers ECDHE-ECDSA-CHACHA20-POLY1305", "allow_anonymous true");
                Emulated modem = new Emulated(Faults.NONE, "")) {
            Modem attached = modem.attach();
            io.uplink.modem.ModemTls tls = attached.tls().orElseThrow();
            String ca = Files.readString(pki.file("ca.pem")).replace("\r\n", "\n");
            io.uplink.modem.ModemCredentials trust = io.uplink.modem.ModemCredentials.trust("doctor-ca",
                    (tls.pemStyle().crlf() ? ca.replace("\n", "\r\n") : ca).getBytes(StandardCharsets.US_ASCII));
            long started = System.nanoTime();
            Diagnosis d = doctor.diagnoseModemTls(trusted(m.port, null), attached, trust, null, List.of(), f -> { });
            SUMMARY.add(String.format(java.util.Locale.ROOT, "  %-28s %5.1f s (modem TLS)", d.verdict().cause(),
                    (System.nanoTime() - started) / 1e9));
            assertThat(d.verdict().cause()).as("verdict of %s", d.findings()).isEqualTo("tls.cipher-mismatch");
            assertThat(d.verdict().summary()).containsIgnoringCase("AES");
            assertThat(d.verdict().fix()).containsIgnoringCase("host TLS");

            run("ok", trusted(m.port, null), attached.transport(), true, List.of());
        }
    }

    /**
     * Issue 12: a modern broker (ECDHE only, TLS 1.2 and 1.3) against the emulated BC660K-GL, whose own TLS offers RSA
     * key exchange with AES-CBC or 3DES only: the doctor repeats the module's handshake as the module would, names
     * the cipher mismatch with the module's suites and recommends host TLS; the probe, given the live module's
     * capabilities, finds no suite in common; host TLS through the same module's plain sockets then passes.
     */
    @Test
    void bc660kOwnTlsAgainstAnEcdheOnlyBrokerIsACipherMismatchAndHostTlsWorks() throws Exception {
        try (ExternalProcess m = mosquitto("cafile " + pki.file("ca.pem"), "certfile " + pki.file("server.pem"),
                "keyfile " + pki.file("server.key"),
                "ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-CHACHA20-POLY1305",
                "allow_anonymous true");
                EmulatedBc660k modem = new EmulatedBc660k()) {
            Modem attached = modem.attach();
            io.uplink.modem.ModemTls tls = attached.tls().orElseThrow();
            String ca = Files.readString(pki.file("ca.pem")).replace("\r\n", "\n");
            io.uplink.modem.ModemCredentials trust = io.uplink.modem.ModemCredentials.trust("doctor-ca",
                    ca.getBytes(StandardCharsets.US_ASCII));
            long started = System.nanoTime();
            Diagnosis d = doctor.diagnoseModemTls(trusted(m.port, null), attached, trust, null, List.of(), f -> { });
            SUMMARY.add(String.format(java.util.Locale.ROOT, "  %-28s %5.1f s (BC660K module TLS)",
                    d.verdict().cause(), (System.nanoTime() - started) / 1e9));
            assertThat(d.verdict().cause()).as("verdict of %s", d.findings()).isEqualTo("tls.cipher-mismatch");
            assertThat(d.verdict().summary()).contains("BC660K").contains("RSA key exchange").contains("AES-CBC");
            assertThat(d.verdict().fix()).containsIgnoringCase("host TLS");

            BrokerProbe.Report r = new BrokerProbe(engine, os, Duration.ofSeconds(10)).probe("localhost", m.port,
                    "quectel-bc66", attached.tlsCapabilities());
            assertThat(r.modems().get("quectel-bc66")).as("suites the broker shares with the live module").isEmpty();

            run("ok", trusted(m.port, null), attached.transport(), true, List.of());
        }
    }

    /** An emulated BC660K-GL on an in-process line, driven by the BC66 dialect. */
    private static final class EmulatedBc660k implements AutoCloseable {
        final VirtualSerialLine line = new VirtualSerialLine("emulated-bc660k", 921_600);
        final io.uplink.modem.emulator.Bc660kEmulator emulator = new io.uplink.modem.emulator.Bc660kEmulator(
                line.modemEnd(), LinkModel.INSTANT.withBaud(921_600), Faults.NONE, "");
        final SerialAtChannel at = new SerialAtChannel(line.gatewayEnd());
        Modem modem;

        Modem attach() throws Exception {
            modem = new io.uplink.modem.quectel.QuectelBc66Dialect().attach(at, ModemIdentification.identify(at),
                    new ModemSettings("", "", "", "", 0, Map.of("registration.timeout.s", "10")));
            return modem;
        }

        @Override
        public void close() {
            if (modem != null) {
                modem.detach();
            }
            at.close();
            emulator.close();
            line.close();
        }
    }

    private static Path write(String name, String text) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        p.toFile().setReadable(true, false);
        return p;
    }

    /** An emulated BG95 on an in-process line. */
    private static final class Emulated implements AutoCloseable {
        final VirtualSerialLine line;
        final Bg95Emulator emulator;
        final SerialAtChannel at;
        Modem modem;

        Emulated(Faults faults, String simPin) {
            line = new VirtualSerialLine("emulated-bg95", 921_600);
            emulator = new Bg95Emulator(line.modemEnd(), LinkModel.INSTANT.withBaud(921_600), faults, simPin);
            at = new SerialAtChannel(line.gatewayEnd());
        }

        Modem attach() throws Exception {
            modem = new QuectelBg9xDialect().attach(at, ModemIdentification.identify(at), new ModemSettings(
                    "iot.emulated", "", "", "", 1, Map.of("registration.timeout.s", "10")));
            return modem;
        }

        @Override
        public void close() {
            if (modem != null) {
                modem.detach();
            }
            at.close();
            emulator.close();
            line.close();
        }
    }
}
