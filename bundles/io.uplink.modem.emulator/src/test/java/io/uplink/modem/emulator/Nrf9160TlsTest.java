package io.uplink.modem.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The emulated nRF9160's own TLS over #XSSOCKET: real handshakes against a JSSE server and a real
 * {@code openssl s_server}, with credentials provisioned by %CMNG. TLS 1.2 only, ECDHE with AES-CBC/GCM, SNI and the
 * name check only with TLS_HOSTNAME, peer verification per peer_verify.
 */
class Nrf9160TlsTest {

    private static TestPki.Issued ca;
    private static TestPki.Issued otherCa;
    private static TestPki.Issued serverRsa;
    private static TestPki.Issued serverEc;
    private static TestPki.Issued serverOtherName;
    private static TestPki.Issued client;

    private VirtualSerialLine line;
    private Nrf9160Emulator modem;
    private RawTerminal term;
    private TlsTestServer server;
    private Process openssl;

    @TempDir
    Path dir;

    @BeforeAll
    static void pki() throws Exception {
        ca = TestPki.ca("Test Root");
        otherCa = TestPki.ca("Other Root");
        serverRsa = TestPki.leaf(ca, "localhost", TestPki.rsa(2048));
        serverEc = TestPki.leaf(ca, "localhost", TestPki.ec("secp256r1"));
        serverOtherName = TestPki.leaf(ca, "broker", TestPki.ec("secp256r1"), Instant.now().minus(Duration.ofDays(1)),
                Instant.now().plus(Duration.ofDays(30)), "broker.example.net");
        client = TestPki.leaf(ca, "device-1", TestPki.ec("secp256r1"));
    }

    private void start(String firmware) throws Exception {
        line = new VirtualSerialLine("nrf-tls", 0);
        modem = new Nrf9160Emulator(line.modemEnd(), LinkModel.INSTANT, Faults.NONE, "", firmware);
        term = new RawTerminal(line.gatewayEnd());
        term.expect("Ready\r\n");
        assertThat(exchange("AT+CMEE=1")).endsWith("OK\r\n");
    }

    /** Credentials go in while the radio is off (CFUN 0 at power-on), then the radio comes on. */
    private void provisionAndGoOnline(long tag, TestPki.Issued trust, TestPki.Issued identity) throws Exception {
        if (trust != null) {
            assertThat(exchange("AT%CMNG=0," + tag + ",0,\"" + trust.certPem() + "\"")).endsWith("\r\nOK\r\n");
        }
        if (identity != null) {
            assertThat(exchange("AT%CMNG=0," + tag + ",1,\"" + identity.certPem() + "\"")).endsWith("\r\nOK\r\n");
            assertThat(exchange("AT%CMNG=0," + tag + ",2,\"" + identity.pkcs8Pem() + "\"")).endsWith("\r\nOK\r\n");
        }
        exchange("AT+CEREG=1");
        at("AT+CFUN=1");
        term.expect("+CEREG: 1\r\n");
    }

    private void at(String command) throws IOException {
        term.write((command + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
    }

    private String exchange(String command) throws Exception {
        at(command);
        StringBuilder all = new StringBuilder();
        while (true) {
            all.append(term.expect("\r\n"));
            String s = all.toString();
            if (s.endsWith("\r\nOK\r\n") || s.endsWith("\r\nERROR\r\n") || s.matches("(?s).*\\+CME ERROR: \\d+\r\n")) {
                return s;
            }
        }
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
            openssl.destroy();
        }
    }

    @Test
    void verifiedTls12WithTlsHostnameSendsSniChecksTheNameAndCarriesData() throws Exception {
        start(Nrf9160Emulator.FIRMWARE_1_3);
        server = new TlsTestServer(serverRsa, null, null, null);
        provisionAndGoOnline(42, ca, null);
        assertThat(exchange("AT#XSSOCKET=1,1,0,42")).isEqualTo("\r\n#XSSOCKET: 0,1,258\r\n\r\nOK\r\n");
        assertThat(exchange("AT#XSSOCKETOPT=1,2,\"localhost\"")).isEqualTo("\r\nOK\r\n");
        assertThat(exchange("AT#XSSOCKETOPT=0,2")).contains("#XSSOCKETOPT: localhost\r\n");
        assertThat(exchange("AT#XSSOCKETOPT=0,5")).contains("#XSSOCKETOPT: 2\r\n"); // required: the client default
        assertThat(exchange("AT#XCONNECT=\"127.0.0.1\"," + server.port())).contains("#XCONNECT: 1\r\n");
        TlsTestServer.Seen seen = server.next();
        assertThat(seen.failure()).isNull();
        assertThat(seen.sni()).isEqualTo("localhost");
        assertThat(seen.protocol()).isEqualTo("TLSv1.2");
        assertThat(seen.suite()).startsWith("TLS_ECDHE_RSA_WITH_AES_");
        assertThat(modem.tlsSession(0)).get().extracting(ModuleTlsSession::sniHost).isEqualTo("localhost");
        assertThat(exchange("AT#XSEND=\"over the module's TLS\"")).contains("#XSEND: 21\r\n");
        at("AT#XRECV=5");
        assertThat(term.expect("\r\nOK\r\n")).isEqualTo("\r\n#XRECV: 21\r\nover the module's TLS\r\nOK\r\n");
        // modem firmware 1.3.x does not report the suite in use
        assertThat(exchange("AT#XSSOCKETOPT=0,4")).isEqualTo("\r\nERROR\r\n");
    }

    @Test
    void aWrongTlsHostnameFailsTheNameCheck() throws Exception {
        start(Nrf9160Emulator.FIRMWARE_1_3);
        server = new TlsTestServer(serverEc, null, null, null);
        provisionAndGoOnline(42, ca, null);
        exchange("AT#XSSOCKET=1,1,0,42");
        exchange("AT#XSSOCKETOPT=1,2,\"wrong.example.com\"");
        assertThat(exchange("AT#XCONNECT=\"127.0.0.1\"," + server.port())).isEqualTo("\r\nERROR\r\n");
        assertThat(server.next().failure()).isNotNull();
        // TLS_HOSTNAME back to NULL: no name check, the same server is accepted
        assertThat(exchange("AT#XSSOCKETOPT=1,2,\"NULL\"")).isEqualTo("\r\nOK\r\n");
        assertThat(exchange("AT#XSSOCKETOPT=0,2")).isEqualTo("\r\nERROR\r\n");
        assertThat(exchange("AT#XCONNECT=\"127.0.0.1\"," + server.port())).contains("#XCONNECT: 1");
        assertThat(server.next().sni()).isEmpty();
    }

    @Test
    void withoutTlsHostnameNoSniIsSentAndNoNameChecked() throws Exception {
        start(Nrf9160Emulator.FIRMWARE_1_3);
        server = new TlsTestServer(serverOtherName, null, null, null);
        provisionAndGoOnline(7, ca, null);
        exchange("AT#XSSOCKET=1,1,0,7");
        assertThat(exchange("AT#XCONNECT=\"localhost\"," + server.port())).contains("#XCONNECT: 1");
        TlsTestServer.Seen seen = server.next();
        assertThat(seen.failure()).isNull();
        assertThat(seen.sni()).isEmpty(); // #XCONNECT's host name is not sent
        assertThat(modem.tlsSession(0)).get().extracting(ModuleTlsSession::sniHost).isEqualTo("");
    }

    @Test
    void peerVerifyRequiredNeedsTheRightCaNoneAndOptionalDoNot() throws Exception {
        start(Nrf9160Emulator.FIRMWARE_1_3);
        server = new TlsTestServer(serverEc, null, null, null);
        provisionAndGoOnline(5, otherCa, null);
        exchange("AT#XSSOCKET=1,1,0,5");
        assertThat(exchange("AT#XCONNECT=\"127.0.0.1\"," + server.port())).isEqualTo("\r\nERROR\r\n");
        server.next();
        assertThat(exchange("AT#XSSOCKETOPT=1,5,1")).isEqualTo("\r\nOK\r\n"); // optional
        assertThat(exchange("AT#XCONNECT=\"127.0.0.1\"," + server.port())).contains("#XCONNECT: 1");
        server.next();
        exchange("AT#XSOCKET=0");
        // a sec_tag without any CA: required fails before a byte is sent, none connects
        assertThat(exchange("AT#XSSOCKET=1,1,0,99")).contains("#XSSOCKET: 0,1,258");
        assertThat(exchange("AT#XCONNECT=\"127.0.0.1\"," + server.port())).isEqualTo("\r\nERROR\r\n");
        exchange("AT#XSOCKET=0");
        assertThat(exchange("AT#XSSOCKET=1,1,0,99,0")).contains("#XSSOCKET: 0,1,258");
        assertThat(exchange("AT#XCONNECT=\"127.0.0.1\"," + server.port())).contains("#XCONNECT: 1");
        assertThat(exchange("AT#XSSOCKETOPT=1,5,3")).isEqualTo("\r\nERROR\r\n");
        assertThat(exchange("AT#XSSOCKETOPT=1,4,1")).isEqualTo("\r\nERROR\r\n"); // get-only
        assertThat(exchange("AT#XSSOCKETOPT=1,12,1")).isEqualTo("\r\nOK\r\n");
        assertThat(exchange("AT#XSSOCKETOPT=0,12")).contains("#XSSOCKETOPT: 1\r\n");
        assertThat(exchange("AT#XSSOCKETOPT=1,13,0")).isEqualTo("\r\nOK\r\n");
        assertThat(exchange("AT#XSSOCKETOPT=0,13")).isEqualTo("\r\nERROR\r\n"); // set-only
    }

    @Test
    void mutualTlsPresentsTheSecTagsClientCertificate() throws Exception {
        start(Nrf9160Emulator.FIRMWARE_1_3);
        server = new TlsTestServer(serverEc, ca, null, null);
        provisionAndGoOnline(16842753L, ca, client);
        assertThat(exchange("AT#XSSOCKET=1,1,0,16842753")).contains("#XSSOCKET: 0,1,258");
        exchange("AT#XSSOCKETOPT=1,2,\"localhost\"");
        assertThat(exchange("AT#XCONNECT=\"127.0.0.1\"," + server.port())).contains("#XCONNECT: 1");
        TlsTestServer.Seen seen = server.next();
        assertThat(seen.clientSubject()).contains("device-1");
        assertThat(seen.suite()).startsWith("TLS_ECDHE_ECDSA_WITH_AES_");
        assertThat(modem.tlsSession(0)).get().extracting(ModuleTlsSession::clientCertificateSent).isEqualTo(true);
    }

    @Test
    void aTls13OnlyServerIsOutOfReach() throws Exception {
        start(Nrf9160Emulator.FIRMWARE_1_3);
        server = new TlsTestServer(serverEc, null, new String[] { "TLSv1.3" }, null);
        provisionAndGoOnline(1, ca, null);
        exchange("AT#XSSOCKET=1,1,0,1");
        assertThat(exchange("AT#XCONNECT=\"127.0.0.1\"," + server.port())).isEqualTo("\r\nERROR\r\n");
        assertThat(server.next().failure()).isNotNull();
    }

    @Test
    void firmware2ReportsTheCipherSuiteInUse() throws Exception {
        start("mfw_nrf91x1_2.0.1");
        server = new TlsTestServer(serverRsa, null, null, new String[] { "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256" });
        provisionAndGoOnline(3, ca, null);
        exchange("AT#XSSOCKET=1,1,0,3");
        assertThat(exchange("AT#XSSOCKETOPT=0,4")).isEqualTo("\r\nERROR\r\n"); // not connected yet
        assertThat(exchange("AT#XCONNECT=\"127.0.0.1\"," + server.port())).contains("#XCONNECT: 1");
        assertThat(exchange("AT#XSSOCKETOPT=0,4")).isEqualTo("\r\n#XSSOCKETOPT: 0xc027\r\n\r\nOK\r\n");
    }

    @Test
    void againstOpensslTheModuleNegotiatesEcdheButNeitherChaChaNorRsaKeyExchange() throws Exception {
        start(Nrf9160Emulator.FIRMWARE_1_3);
        Path cert = Files.writeString(dir.resolve("server.pem"), serverRsa.certPem());
        Path key = Files.writeString(dir.resolve("server.key"), serverRsa.pkcs8Pem());
        provisionAndGoOnline(8, ca, null);
        int port = opensslServer(cert, key, "ECDHE-RSA-AES256-GCM-SHA384");
        exchange("AT#XSSOCKET=1,1,0,8");
        exchange("AT#XSSOCKETOPT=1,2,\"localhost\"");
        assertThat(exchange("AT#XCONNECT=\"127.0.0.1\"," + port)).contains("#XCONNECT: 1");
        assertThat(modem.tlsSession(0)).get().extracting(ModuleTlsSession::cipherSuite)
                .isEqualTo("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384");
        exchange("AT#XSOCKET=0");
        openssl.destroy();
        openssl.waitFor(5, TimeUnit.SECONDS);
        for (String only : List.of("ECDHE-RSA-CHACHA20-POLY1305", "AES128-GCM-SHA256", "AES256-SHA")) {
            port = opensslServer(cert, key, only);
            exchange("AT#XSSOCKET=1,1,0,8");
            assertThat(exchange("AT#XCONNECT=\"127.0.0.1\"," + port)).as(only).isEqualTo("\r\nERROR\r\n");
            exchange("AT#XSOCKET=0");
            openssl.destroy();
            openssl.waitFor(5, TimeUnit.SECONDS);
        }
    }

    /** Starts {@code openssl s_server} with TLS 1.2 and one cipher list; returns its port once it listens. */
    private int opensslServer(Path cert, Path key, String ciphers) throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        openssl = new ProcessBuilder("openssl", "s_server", "-accept", "127.0.0.1:" + port, "-cert", cert.toString(),
                "-key", key.toString(), "-tls1_2", "-cipher", ciphers, "-quiet", "-rev")
                .redirectErrorStream(true).redirectOutput(dir.resolve("openssl-" + port + ".log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return port;
            } catch (IOException notYet) {
                if (System.nanoTime() - deadline > 0 || !openssl.isAlive()) {
                    throw new AssertionError("openssl s_server did not start: "
                            + Files.readString(dir.resolve("openssl-" + port + ".log")));
                }
                Thread.sleep(50);
            }
        }
    }
}
