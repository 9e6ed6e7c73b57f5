package io.uplink.modem.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The emulated HL7800's credentials (KCERTSTORE, KPRIVKSTORE), TLS settings (KSSLCRYPTO, KSSLCFG) and TLS sessions
 * (KTCPCFG mode 3): real handshakes against a JSSE server and against {@code openssl s_server}.
 */
class Hl7800TlsTest {

    static final String EOF = Hl7800EmulatorTest.EOF;

    private static TestPki.Issued ca;
    private static TestPki.Issued otherCa;
    private static TestPki.Issued serverRsa;
    private static TestPki.Issued serverEc;
    private static TestPki.Issued client;

    private VirtualSerialLine line;
    private EmulatedModule modem;
    private Hl7800Personality hl7800;
    private RawTerminal raw;
    private TlsTestServer server;
    private Process openssl;

    @BeforeAll
    static void pki() throws Exception {
        ca = TestPki.ca("Test Root");
        otherCa = TestPki.ca("Other Root");
        serverRsa = TestPki.leaf(ca, "localhost", TestPki.rsa(2048));
        serverEc = TestPki.leaf(ca, "localhost", TestPki.ec("secp256r1"));
        client = TestPki.leaf(ca, "device-1", TestPki.ec("secp256r1"));
    }

    private void start() throws Exception {
        line = new VirtualSerialLine("emulated", 0);
        hl7800 = new Hl7800Personality(3000, 1);
        modem = new EmulatedModule(line.modemEnd(), LinkModel.INSTANT, Faults.NONE, "", hl7800);
        raw = new RawTerminal(line.gatewayEnd());
        raw.expect("+KSUP: 0\r\n");
        ok("ATE0");
        ok("AT+CMEE=1");
        ok("AT+KPATTERN=\"" + EOF + "\"");
    }

    @AfterEach
    void stop() throws IOException {
        if (modem != null) {
            modem.close();
            line.close();
        }
        if (server != null) {
            server.close();
        }
        if (openssl != null) {
            openssl.destroyForcibly();
        }
    }

    private String ok(String cmd) throws Exception {
        raw.send(cmd);
        return raw.expect("OK\r\n");
    }

    private String send(String cmd, String until) throws Exception {
        raw.send(cmd);
        return raw.expect(until);
    }

    /** AT+KCERTSTORE / AT+KPRIVKSTORE with exactly the bytes announced, then the EOF pattern. */
    private String store(String cmd, String pem, String until) throws Exception {
        byte[] data = pem.getBytes(StandardCharsets.ISO_8859_1);
        send(cmd.replace("<n>", String.valueOf(data.length)), "CONNECT\r\n");
        raw.write(concat(data, EOF.getBytes(StandardCharsets.ISO_8859_1)));
        return raw.expect(until);
    }

    private void tlsSession(int port) throws Exception {
        assertThat(ok("AT+KTCPCFG=1,3,\"localhost\"," + port + ",,,,0,0,0")).contains("+KTCPCFG: 1\r\n");
        ok("AT+KTCPCNX=1");
    }

    @Test
    void certificatesAndKeysAreStoredReadBackAndDeleted() throws Exception {
        start();
        assertThat(ok("AT+KCERTSTORE=?")).contains("+KCERTSTORE: (0-1),(1-4096),(0-3)");
        assertThat(ok("AT+KPRIVKSTORE=?")).contains("+KPRIVKSTORE: (0-2),(1-4096)");
        String root = ca.certPem();
        store("AT+KCERTSTORE=0,<n>", root, "OK\r\n");
        store("AT+KCERTSTORE=1,<n>,2", client.certPem(), "OK\r\n");
        String key = client.traditionalPem();
        store("AT+KPRIVKSTORE=0,<n>", key, "OK\r\n");

        String certs = ok("AT+KCERTSTORE?");
        assertThat(certs).startsWith("\r\nCONNECT\r\n")
                .contains("root_cert,0," + root.length() + "\r\n" + root + "\r\n")
                .contains("root_cert,1,0\r\n").contains("local_cert,0,0\r\n")
                .contains("local_cert,2," + client.certPem().length() + "\r\n").endsWith(EOF + "\r\nOK\r\n");
        String keys = ok("AT+KPRIVKSTORE?");
        assertThat(keys).contains("private_key,0," + key.length() + "\r\n", "private_key,1,0\r\n")
                .as("a key is never printed back").doesNotContain("PRIVATE KEY");

        ok("AT+KCERTDELETE=0");
        ok("AT+KPRIVKDELETE=0");
        assertThat(ok("AT+KCERTSTORE?")).contains("root_cert,0,0\r\n");
        assertThat(ok("AT+KPRIVKSTORE?")).contains("private_key,0,0\r\n");
        modem.call(() -> {
            modem.reboot();
            return null;
        });
        raw.expect("+KSUP: 0\r\n");
        ok("ATE0");
        assertThat(ok("AT+KCERTSTORE?")).as("certificates live in flash")
                .contains("local_cert,2," + client.certPem().length());
    }

    /** The cases of Sierra's own test script: 930 for fewer bytes, 931 for what the module cannot use. */
    @Test
    void fewerBytesAre930AndUnusableContent931() throws Exception {
        start();
        send("AT+KCERTSTORE=0,10", "CONNECT\r\n");
        raw.write("123456789".getBytes(StandardCharsets.ISO_8859_1));
        raw.expect("\r\n+CME ERROR: 930\r\n"); // no pattern: the module gives up after a silence
        send("AT+KCERTSTORE=0,9", "CONNECT\r\n");
        raw.write("123456789".getBytes(StandardCharsets.ISO_8859_1));
        raw.expect("\r\n+CME ERROR: 931\r\n");

        String pem = ca.certPem();
        send("AT+KCERTSTORE=0," + pem.length(), "CONNECT\r\n");
        raw.write((pem.substring(1) + EOF).getBytes(StandardCharsets.ISO_8859_1));
        raw.expect("\r\n+CME ERROR: 930\r\n");
        assertThat(store("AT+KCERTSTORE=0,<n>", pem.replace("\n", "").replace("\r", ""), "\r\n+CME ERROR: 931\r\n"))
                .as("a PEM without line breaks").doesNotContain("OK");
        assertThat(store("AT+KPRIVKSTORE=1,<n>", "-----BEGIN PRIVATE KEY-----\nnonsense\n-----END PRIVATE KEY-----\n",
                "\r\n+CME ERROR: 931\r\n")).doesNotContain("OK");
        assertThat(store("AT+KPRIVKSTORE=1,<n>", pem, "\r\n+CME ERROR: 931\r\n")).as("a certificate is not a key")
                .doesNotContain("OK");
        send("AT+KCERTSTORE=0,4097", "\r\n+CME ERROR: 3\r\n");
        send("AT+KCERTSTORE=2,100", "\r\n+CME ERROR: 3\r\n");
        assertThat(ok("AT+KCERTSTORE?")).contains("root_cert,0,0\r\n");
        assertThat(store("AT+KCERTSTORE=0,<n>", pem.replace("\n", "\r\n"), "OK\r\n"))
                .as("CRLF line ends are line breaks").doesNotContain("ERROR");
    }

    @Test
    void profilesAndOptionsReadAsFirmware46AndRefuseWhatSierrasTestSawRefused() throws Exception {
        start();
        String profiles = ok("AT+KSSLCRYPTO?");
        assertThat(profiles).contains("+KSSLCRYPTO: 0,8,3,25392,12,4,1,0\r\n", "+KSSLCRYPTO: 1,8,1,8192,4,4,1,0\r\n",
                "+KSSLCRYPTO: 7,8,2,16384,8,4,1,0\r\n").doesNotContain("+KSSLCRYPTO: 8,");
        assertThat(ok("AT+KSSLCFG?")).contains("+KSSLCFG: 0,3\r\n", "+KSSLCFG: 2,0\r\n");
        ok("AT+KSSLCFG=0,0");
        assertThat(ok("AT+KSSLCFG?")).as("0 means the highest version").contains("+KSSLCFG: 0,3\r\n");
        ok("AT+KSSLCFG=1,\"string\"");
        ok("AT+KSSLCFG=2,0");
        send("AT+KSSLCFG=2,1", "\r\n+CME ERROR: 918\r\n");
        ok("AT+KSSLCRYPTO=1,8,2,8192,4,4,1,2");
        assertThat(ok("AT+KSSLCRYPTO?")).contains("+KSSLCRYPTO: 1,8,2,8192,4,4,1,2\r\n");
        send("AT+KSSLCRYPTO=1,8,1,64,4,4,1,0", "\r\n+CME ERROR: 3\r\n"); // CBC: not in firmware 4.6
        send("AT+KSSLCRYPTO=8,8,1,8192,4,4,1,0", "\r\n+CME ERROR: 3\r\n");
    }

    @Test
    void anRsaServerGetsTls12WithEcdheRsaAes128GcmAndDataFlowsBothWays() throws Exception {
        start();
        server = new TlsTestServer(serverRsa, null, null, null);
        store("AT+KCERTSTORE=0,<n>", ca.certPem(), "OK\r\n");
        tlsSession(server.port());
        raw.expect("+KTCP_IND: 1,1\r\n");
        TlsTestServer.Seen seen = server.next();
        assertThat(seen.protocol()).isEqualTo("TLSv1.2");
        assertThat(seen.suite()).isEqualTo("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
        assertThat(seen.sni()).isEqualTo("localhost");
        assertThat(modem.call(() -> hl7800.tlsSession(1))).hasValueSatisfying(
                t -> assertThat(t.cipherSuite()).isEqualTo("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"));

        byte[] ping = ("ping" + EOF.substring(0, 6) + "\r\nOK\r\n").getBytes(StandardCharsets.ISO_8859_1);
        send("AT+KTCPSND=1," + ping.length, "CONNECT\r\n");
        raw.write(concat(ping, EOF.getBytes(StandardCharsets.ISO_8859_1)));
        raw.expect("OK\r\n");
        raw.expect("+KTCP_DATA: 1," + ping.length + "\r\n");
        assertThat(send("AT+KTCPRCV=1," + ping.length, EOF + "\r\nOK\r\n"))
                .endsWith("CONNECT\r\n" + new String(ping, StandardCharsets.ISO_8859_1) + EOF + "\r\nOK\r\n");
        ok("AT+KTCPCLOSE=1");
        ok("AT+KTCPDEL=1");
    }

    @Test
    void anRsaServerWithoutAes128GcmFindsNoCommonSuite() throws Exception {
        start();
        server = new TlsTestServer(serverRsa, null, new String[] { "TLSv1.2" },
                new String[] { "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256" });
        store("AT+KCERTSTORE=0,<n>", ca.certPem(), "OK\r\n");
        tlsSession(server.port());
        raw.expect("+KTCP_NOTIF: 1,13\r\n");
        assertThat(server.next().failure()).isNotNull();
    }

    @Test
    void anEcServerGetsAnEcdheEcdsaGcmSuite() throws Exception {
        start();
        server = new TlsTestServer(serverEc, null, null, null);
        store("AT+KCERTSTORE=0,<n>", ca.certPem(), "OK\r\n");
        tlsSession(server.port());
        raw.expect("+KTCP_IND: 1,1\r\n");
        assertThat(server.next().suite()).startsWith("TLS_ECDHE_ECDSA_WITH_AES_").contains("_GCM_");
    }

    @Test
    void withoutARootCertificateTheSessionFailsBeforeConnectingAndAnUntrustedServerFailsItsHandshake()
            throws Exception {
        start();
        server = new TlsTestServer(serverRsa, null, null, null);
        tlsSession(server.port());
        raw.expect("+KTCP_NOTIF: 1,14\r\n");
        store("AT+KCERTSTORE=0,<n>", otherCa.certPem(), "OK\r\n");
        ok("AT+KTCPCNX=1");
        raw.expect("+KTCP_NOTIF: 1,15\r\n");
        assertThat(ok("AT+KTCPSTAT=1")).contains("+KTCPSTAT: 5,15,");
        ok("AT+KSSLCRYPTO=0,8,3,25392,12,4,0,0");
        ok("AT+KTCPCNX=1");
        raw.expect("+KTCP_IND: 1,1\r\n");
    }

    @Test
    void aRefusedTlsConnectionIsNotif5() throws Exception {
        start();
        store("AT+KCERTSTORE=0,<n>", ca.certPem(), "OK\r\n");
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        tlsSession(closed);
        raw.expect("+KTCP_NOTIF: 1,5\r\n");
    }

    /** A server that accepts and never answers the ClientHello: the handshake runs out of time (1 s here). */
    @Test
    void aSilentServerIsNotif12() throws Exception {
        start();
        store("AT+KCERTSTORE=0,<n>", ca.certPem(), "OK\r\n");
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            tlsSession(silent.getLocalPort());
            raw.expect("+KTCP_NOTIF: 1,12\r\n");
        }
    }

    @Test
    void authThreePresentsTheLocalCertificateAndKey() throws Exception {
        start();
        server = new TlsTestServer(serverRsa, ca, null, null);
        store("AT+KCERTSTORE=0,<n>", ca.certPem(), "OK\r\n");
        ok("AT+KSSLCRYPTO=0,8,3,25392,12,4,3,0");
        tlsSession(server.port());
        raw.expect("+KTCP_NOTIF: 1,14\r\n"); // no local certificate or key yet
        store("AT+KCERTSTORE=1,<n>,0", client.certPem(), "OK\r\n");
        store("AT+KPRIVKSTORE=0,<n>", client.pkcs8Pem(), "OK\r\n");
        ok("AT+KTCPCNX=1");
        raw.expect("+KTCP_IND: 1,1\r\n");
        assertThat(server.next().clientSubject()).isEqualTo("CN=device-1");
    }

    /** Against a real OpenSSL server: the suite OpenSSL settles on and data in both directions. */
    @Test
    void openSslServerNegotiatesEcdheRsaAes128GcmAndEchoesThroughTheModule(@TempDir Path dir) throws Exception {
        start();
        Path cert = dir.resolve("server.pem");
        Path key = dir.resolve("server.key");
        Files.writeString(cert, serverRsa.certPem());
        Files.writeString(key, serverRsa.pkcs8Pem());
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        openssl = new ProcessBuilder("openssl", "s_server", "-accept", "127.0.0.1:" + port, "-cert", cert.toString(),
                "-key", key.toString(), "-naccept", "1", "-ign_eof").redirectErrorStream(true).start();
        BlockingQueue<String> out = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(
                    new InputStreamReader(openssl.getInputStream(), StandardCharsets.ISO_8859_1))) {
                String l;
                while ((l = r.readLine()) != null) {
                    out.add(l);
                }
            } catch (IOException ended) {
                // the server stopped
            }
        }, "openssl-output");
        reader.setDaemon(true);
        reader.start();
        awaitLine(out, "ACCEPT");
        store("AT+KCERTSTORE=0,<n>", ca.certPem(), "OK\r\n");
        assertThat(ok("AT+KTCPCFG=1,3,\"127.0.0.1\"," + port + ",,,,0,0,0")).contains("+KTCPCFG: 1");
        ok("AT+KTCPCNX=1");
        raw.expect("+KTCP_IND: 1,1\r\n");
        assertThat(awaitLine(out, "CIPHER is")).contains("ECDHE-RSA-AES128-GCM-SHA256");
        byte[] hello = "hello from the module\n".getBytes(StandardCharsets.ISO_8859_1);
        send("AT+KTCPSND=1," + hello.length, "CONNECT\r\n");
        raw.write(concat(hello, EOF.getBytes(StandardCharsets.ISO_8859_1)));
        raw.expect("OK\r\n");
        awaitLine(out, "hello from the module");
        OutputStream in = openssl.getOutputStream();
        in.write("hello from openssl\n".getBytes(StandardCharsets.ISO_8859_1));
        in.flush();
        raw.expect("+KTCP_DATA: 1,19\r\n");
        assertThat(send("AT+KTCPRCV=1,100", "OK\r\n")).endsWith("CONNECT\r\nhello from openssl\n" + EOF + "\r\nOK\r\n");
    }

    private static String awaitLine(BlockingQueue<String> lines, String part) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        StringBuilder seen = new StringBuilder();
        while (System.nanoTime() < deadline) {
            String l = lines.poll(100, TimeUnit.MILLISECONDS);
            if (l != null) {
                seen.append(l).append('\n');
                if (l.contains(part)) {
                    return l;
                }
            }
        }
        throw new AssertionError("openssl s_server printed no '" + part + "'; it printed:\n" + seen);
    }

    /** One write, so the data and its pattern reach the module together. */
    static byte[] concat(byte[] a, byte[] b) {
        byte[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
