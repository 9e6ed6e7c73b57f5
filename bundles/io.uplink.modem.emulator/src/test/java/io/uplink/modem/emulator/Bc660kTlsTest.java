package io.uplink.modem.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The emulated BC660K's own TLS as the SSL application note describes it: real handshakes against a JSSE server and a
 * real {@code openssl s_server}. RSA key exchange with AES-CBC works; a server that offers only ECDHE gets -5; a CA
 * that does not sign the server gets -3; certificates go in inline and are counted; a reboot keeps them and loses the
 * other settings.
 */
class Bc660kTlsTest {

    private static TestPki.Issued ca;
    private static TestPki.Issued otherCa;
    private static TestPki.Issued serverRsa;
    private static TestPki.Issued client;

    private Bc660kConsole m;
    private TlsTestServer server;
    private Process openssl;

    @TempDir
    Path dir;

    @BeforeAll
    static void pki() throws Exception {
        ca = TestPki.ca("Test Root");
        otherCa = TestPki.ca("Other Root");
        serverRsa = TestPki.leaf(ca, "localhost", TestPki.rsa(2048));
        client = TestPki.leaf(ca, "device-1", TestPki.rsa(2048));
    }

    @AfterEach
    void stop() throws IOException {
        if (m != null) {
            m.close();
        }
        if (server != null) {
            server.close();
        }
        if (openssl != null) {
            openssl.destroy();
        }
    }

    /** Uploads a PEM inline; the module answers with the bytes it stored. */
    private void upload(String item, String pem) throws Exception {
        m.at("AT+QSSLCFG=0,0,\"" + item + "\"");
        m.expect("\r\n> ");
        m.write(pem + "\u001a");
        int bytes = pem.getBytes(StandardCharsets.ISO_8859_1).length;
        assertThat(m.finalResult()).isEqualTo("\r\n+QSSLCFG: 0,0,\"" + item + "\"," + bytes + "\r\n\r\nOK\r\n");
    }

    private String open(String host, int port) throws Exception {
        assertThat(m.exchange("AT+QSSLOPEN=0,0,\"" + host + "\"," + port + ",0")).isEqualTo("\r\nOK\r\n");
        m.expect("\r\n");
        return m.expect("\r\n");
    }

    @Test
    void anRsaKeyExchangeServerIsVerifiedAndCarriesData() throws Exception {
        m = new Bc660kConsole(Faults.NONE);
        server = new TlsTestServer(serverRsa, null, null, null);
        upload("cacert", ca.certPem());
        assertThat(m.exchange("AT+QSSLCFG=0,0,\"seclevel\",1")).isEqualTo("\r\nOK\r\n");
        assertThat(open("localhost", server.port())).isEqualTo("+QSSLOPEN: 0,0,0\r\n");
        TlsTestServer.Seen seen = server.next();
        assertThat(seen.failure()).isNull();
        assertThat(seen.protocol()).isEqualTo("TLSv1.2");
        assertThat(seen.suite()).isIn("TLS_RSA_WITH_AES_128_CBC_SHA", "TLS_RSA_WITH_AES_256_CBC_SHA");
        assertThat(seen.sni()).isEqualTo("localhost");
        assertThat(m.modem.tlsSession()).get().extracting(ModuleTlsSession::cipherSuite).isEqualTo(seen.suite());

        m.at("AT+QSSLSEND=0,0,5");
        m.expect("\r\n> ");
        m.write("hello");
        assertThat(m.finalResult()).isEqualTo("\r\nOK\r\n");
        m.expect("\r\n+QSSLSEND: 0,0,0\r\n");
        m.expect("\r\n+QSSLURC: \"recv\",0,0,5,\"hello\"\r\n");

        m.at("AT+QSSLSEND=0,0");
        m.expect("\r\n> ");
        m.write("up to Ctrl+Z\u001a");
        assertThat(m.finalResult()).isEqualTo("\r\nOK\r\n");
        m.expect("\r\n+QSSLURC: \"recv\",0,0,12,\"up to Ctrl+Z\"\r\n");

        assertThat(m.exchange("AT+QSSLCFG=0,0,\"dataformat\",1,1")).isEqualTo("\r\nOK\r\n");
        m.at("AT+QSSLSEND=0,0,3");
        m.expect("\r\n> ");
        m.write("00ff41");
        assertThat(m.finalResult()).isEqualTo("\r\nOK\r\n");
        m.expect("\r\n+QSSLURC: \"recv\",0,0,3,\"00FF41\"\r\n");

        // a second open while one is up is a state error; sends beyond 1024 bytes are refused
        assertThat(open("localhost", server.port())).isEqualTo("+QSSLOPEN: 0,0,-6\r\n");
        assertThat(m.exchange("AT+QSSLSEND=0,0,1025")).isEqualTo("\r\nERROR\r\n");
        assertThat(m.exchange("AT+QSSLCLOSE=0,0")).isEqualTo("\r\nOK\r\n");
        m.expect("\r\n+QSSLCLOSE: 0,0,0\r\n");
        assertThat(m.exchange("AT+QSSLCLOSE=0,0")).isEqualTo("\r\nERROR\r\n");
        assertThat(m.exchange("AT+QSSLSEND=0,0,5")).isEqualTo("\r\nERROR\r\n");
    }

    @Test
    void anEcdheOnlyServerGetsACipherError() throws Exception {
        m = new Bc660kConsole(Faults.NONE);
        server = new TlsTestServer(serverRsa, null, null, new String[] { "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384" });
        assertThat(open("localhost", server.port())).isEqualTo("+QSSLOPEN: 0,0,-5\r\n");
        assertThat(server.next().failure()).isNotNull();
        assertThat(m.modem.tlsSession()).isEmpty();
        // a TLS 1.3-only server has nothing in common with the module either
        server.close();
        server = new TlsTestServer(serverRsa, null, new String[] { "TLSv1.3" }, null);
        assertThat(open("localhost", server.port())).isEqualTo("+QSSLOPEN: 0,0,-5\r\n");
    }

    @Test
    void theServerChainMustVerifyFromSeclevel1() throws Exception {
        m = new Bc660kConsole(Faults.NONE);
        server = new TlsTestServer(serverRsa, null, null, null);
        m.exchange("AT+QSSLCFG=0,0,\"seclevel\",1");
        assertThat(open("localhost", server.port())).isEqualTo("+QSSLOPEN: 0,0,-3\r\n"); // no CA at all
        upload("cacert", "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n");
        assertThat(open("localhost", server.port())).isEqualTo("+QSSLOPEN: 0,0,-3\r\n"); // garbage CA
        upload("cacert", otherCa.certPem());
        assertThat(open("127.0.0.1", server.port())).isEqualTo("+QSSLOPEN: 0,0,-3\r\n"); // the wrong CA
        assertThat(server.next().failure()).isNotNull();
        m.exchange("AT+QSSLCFG=0,0,\"seclevel\",0"); // no verification at all
        assertThat(open("127.0.0.1", server.port())).isEqualTo("+QSSLOPEN: 0,0,0\r\n");
        assertThat(server.next().sni()).isEmpty(); // no SNI for an address
    }

    @Test
    void mutualTlsPresentsTheUploadedClientCertificateAndNeedsItsKey() throws Exception {
        m = new Bc660kConsole(Faults.NONE);
        server = new TlsTestServer(serverRsa, ca, null, null);
        upload("cacert", ca.certPem());
        upload("clientcert", client.certPem());
        m.exchange("AT+QSSLCFG=0,0,\"seclevel\",2");
        assertThat(open("localhost", server.port())).isEqualTo("+QSSLOPEN: 0,0,-4\r\n"); // no key yet
        upload("clientkey", client.traditionalPem());
        assertThat(open("localhost", server.port())).isEqualTo("+QSSLOPEN: 0,0,0\r\n");
        assertThat(server.next().clientSubject()).contains("device-1");
        assertThat(m.modem.tlsSession()).get().extracting(ModuleTlsSession::clientCertificateSent).isEqualTo(true);
        m.exchange("AT+QSSLCLOSE=0,0");
        // seclevel 1 does not present it: the server that requires one refuses
        m.exchange("AT+QSSLCFG=0,0,\"seclevel\",1");
        assertThat(open("localhost", server.port())).isEqualTo("+QSSLOPEN: 0,0,-3\r\n");
    }

    @Test
    void certificatesSurviveARebootTheOtherSettingsDoNot() throws Exception {
        m = new Bc660kConsole(Faults.NONE);
        String pem = ca.certPem();
        int bytes = pem.getBytes(StandardCharsets.ISO_8859_1).length;
        upload("cacert", pem);
        m.exchange("AT+QSSLCFG=0,0,\"seclevel\",1");
        m.exchange("AT+QSSLCFG=0,0,\"sslversion\",3");
        m.exchange("AT+QSSLCFG=0,0,\"dataformat\",1,1");
        m.exchange("AT+QSSLCFG=0,0,\"timeout\",30");
        assertThat(m.exchange("AT+QSSLCFG=0,0,\"timeout\"")).isEqualTo("\r\n+QSSLCFG: 0,0,\"timeout\",30\r\n\r\nOK\r\n");
        assertThat(m.exchange("AT+QSSLCFG=0,0")).isEqualTo("\r\n"
                + "+QSSLCFG: 0,0,\"seclevel\",1\r\n"
                + "+QSSLCFG: 0,0,\"sslversion\",3\r\n"
                + "+QSSLCFG: 0,0,\"dataformat\",1,1\r\n"
                + "+QSSLCFG: 0,0,\"timeout\",30\r\n"
                + "+QSSLCFG: 0,0,\"debug\",0\r\n"
                + "+QSSLCFG: 0,0,\"cacert\"," + bytes + "\r\n"
                + "+QSSLCFG: 0,0,\"clientcert\",0\r\n"
                + "+QSSLCFG: 0,0,\"clientkey\",0\r\n"
                + "+QSSLCFG: 0,0,\"dtls\",0\r\n"
                + "+QSSLCFG: 0,0,\"dtlsversion\",2\r\n\r\nOK\r\n");

        assertThat(m.exchange("AT+QRST=1")).isEqualTo("\r\nOK\r\n");
        m.expect("\r\n+IP: 10.64.0.43\r\n");
        m.exchange("ATE0");
        String after = m.exchange("AT+QSSLCFG=0,0");
        assertThat(after).contains("+QSSLCFG: 0,0,\"seclevel\",0\r\n", "+QSSLCFG: 0,0,\"sslversion\",4\r\n",
                "+QSSLCFG: 0,0,\"dataformat\",0,0\r\n", "+QSSLCFG: 0,0,\"timeout\",90\r\n",
                "+QSSLCFG: 0,0,\"cacert\"," + bytes + "\r\n");
        assertThat(m.modem.storedCertificates().get("cacert")).isEqualTo(pem.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void settingsOutsideTheNoteAnswerError() throws Exception {
        m = new Bc660kConsole(Faults.NONE);
        assertThat(m.exchange("AT+QSSLCFG=1,0,\"seclevel\",1")).isEqualTo("\r\nERROR\r\n"); // only context 0
        assertThat(m.exchange("AT+QSSLCFG=0,1,\"seclevel\",1")).isEqualTo("\r\nERROR\r\n"); // only connection 0
        assertThat(m.exchange("AT+QSSLCFG=0,0,\"seclevel\",3")).isEqualTo("\r\nERROR\r\n");
        assertThat(m.exchange("AT+QSSLCFG=0,0,\"sslversion\",0")).isEqualTo("\r\nERROR\r\n");
        assertThat(m.exchange("AT+QSSLCFG=0,0,\"timeout\",9")).isEqualTo("\r\nERROR\r\n");
        assertThat(m.exchange("AT+QSSLCFG=0,0,\"timeout\",301")).isEqualTo("\r\nERROR\r\n");
        assertThat(m.exchange("AT+QSSLCFG=0,0,\"dataformat\",1")).isEqualTo("\r\nERROR\r\n");
        assertThat(m.exchange("AT+QSSLCFG=0,0,\"sni\",1")).isEqualTo("\r\nERROR\r\n"); // not in the note
        assertThat(m.exchange("AT+QSSLCFG=?")).contains("+QSSLCFG: (0-10),(0-4),\"dtlsversion\",(0-2)\r\n");
        // ESC cancels an upload and keeps what was stored
        upload("cacert", ca.certPem());
        m.at("AT+QSSLCFG=0,0,\"cacert\"");
        m.expect("\r\n> ");
        m.write("-----BEGIN\u001b");
        assertThat(m.finalResult()).isEqualTo("\r\nERROR\r\n");
        assertThat(m.exchange("AT+QSSLCFG=0,0")).contains("\"cacert\"," + ca.certPem().length() + "\r\n");
        // more than the module keeps
        m.at("AT+QSSLCFG=0,0,\"clientcert\"");
        m.expect("\r\n> ");
        m.write("x".repeat(Bc660kSslConfig.MAX_CERT + 1) + "\u001a");
        assertThat(m.finalResult()).isEqualTo("\r\nERROR\r\n");
        assertThat(m.exchange("AT+QSSLOPEN=0,0,\"localhost\",443,1")).isEqualTo("\r\nERROR\r\n"); // transparent
        assertThat(m.exchange("AT+QSSLOPEN=0,0,\"localhost\",0,0")).isEqualTo("\r\nERROR\r\n");
        assertThat(m.exchange("AT+QSSLOPEN=0,0,\"" + "h".repeat(151) + "\",443,0")).isEqualTo("\r\nERROR\r\n");
        m.exchange("AT+QSSLCFG=0,0,\"dtls\",1");
        assertThat(m.exchange("AT+QSSLOPEN=0,0,\"localhost\",443,0")).isEqualTo("\r\nERROR\r\n"); // no DTLS here
    }

    @Test
    void aRefusedConnectionOrNoBearerIsAConnectionError() throws Exception {
        m = new Bc660kConsole(Faults.NONE);
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        assertThat(open("127.0.0.1", closed)).isEqualTo("+QSSLOPEN: 0,0,-2\r\n");
        m.exchange("AT+CFUN=0");
        assertThat(open("127.0.0.1", closed)).isEqualTo("+QSSLOPEN: 0,0,-2\r\n");
    }

    @Test
    void receivedDataComesInUrcsOfAt1400Bytes() throws Exception {
        byte[] burst = new byte[3000];
        java.util.Arrays.fill(burst, (byte) 'x');
        try (javax.net.ssl.SSLServerSocket talker = talkingServer(burst)) {
            m = new Bc660kConsole(Faults.NONE);
            assertThat(open("localhost", talker.getLocalPort())).isEqualTo("+QSSLOPEN: 0,0,0\r\n");
            // one TLS record of 3000 bytes: the module hands it over as 1400 + 1400 + 200
            m.expect("\r\n+QSSLURC: \"recv\",0,0,1400,\"" + "x".repeat(1400) + "\"\r\n");
            m.expect("\r\n+QSSLURC: \"recv\",0,0,1400,\"" + "x".repeat(1400) + "\"\r\n");
            m.expect("\r\n+QSSLURC: \"recv\",0,0,200,\"" + "x".repeat(200) + "\"\r\n");
        }
    }

    @Test
    void overAnNbIotLinkAt9600BaudTheModuleTlsStillConnects() throws Exception {
        m = new Bc660kConsole(9600, Bc660kEmulator.NB_IOT_LINK, Faults.NONE);
        server = new TlsTestServer(serverRsa, null, null, null);
        upload("cacert", ca.certPem());
        m.exchange("AT+QSSLCFG=0,0,\"seclevel\",1");
        assertThat(open("localhost", server.port())).isEqualTo("+QSSLOPEN: 0,0,0\r\n");
        long handshake = m.modem.tlsSession().orElseThrow().handshakeMillis();
        // one TCP and two TLS 1.2 round trips at 300 ms one-way: at least 1.8 s; printed, not asserted beyond that
        System.out.println("BC660K module TLS 1.2 (RSA key exchange) handshake over NB-IoT, 300 ms one-way: "
                + handshake + " ms");
        assertThat(handshake).isGreaterThanOrEqualTo(1800);
        m.at("AT+QSSLSEND=0,0,2");
        m.expect("\r\n> ");
        m.write("hi");
        m.expect("\r\n+QSSLURC: \"recv\",0,0,2,\"hi\"\r\n");
    }

    /** A TLS server (RSA key, default suites) that sends {@code data} once the handshake is done. */
    private static javax.net.ssl.SSLServerSocket talkingServer(byte[] data) throws Exception {
        java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("server", serverRsa.keys().getPrivate(), new char[0],
                new java.security.cert.X509Certificate[] { serverRsa.cert() });
        javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance(
                javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, new char[0]);
        javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        javax.net.ssl.SSLServerSocket s = (javax.net.ssl.SSLServerSocket) ctx.getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            try (javax.net.ssl.SSLSocket c = (javax.net.ssl.SSLSocket) s.accept()) {
                c.startHandshake();
                c.getOutputStream().write(data); // one write, one record
                c.getOutputStream().flush();
                c.getInputStream().read();
            } catch (IOException gone) {
                // the test is over
            }
        }, "bc660k-talking-server");
        t.setDaemon(true);
        t.start();
        return s;
    }

    @Test
    void aServerThatSaysNothingTimesOutAndOneThatHangsUpIsOther() throws Exception {
        m = new Bc660kConsole(Faults.NONE);
        try (ServerSocket silent = Bc660kEmulatorTest.serve(s -> s.getInputStream().transferTo(
                java.io.OutputStream.nullOutputStream()));
                ServerSocket hangUp = Bc660kEmulatorTest.serve(s -> { })) {
            assertThat(open("127.0.0.1", hangUp.getLocalPort())).isEqualTo("+QSSLOPEN: 0,0,-9\r\n");
            m.exchange("AT+QSSLCFG=0,0,\"timeout\",10");
            assertThat(m.exchange("AT+QSSLOPEN=0,0,\"127.0.0.1\"," + silent.getLocalPort() + ",0"))
                    .isEqualTo("\r\nOK\r\n");
            assertThat(m.term.expect("\r\n+QSSLOPEN: 0,0,", 20)).isEqualTo("\r\n+QSSLOPEN: 0,0,");
            assertThat(m.expect("\r\n")).isEqualTo("-7\r\n");
        }
    }

    @Test
    void againstOpensslAes128ShaWorksAnEcdheOnlyServerGetsMinus5() throws Exception {
        m = new Bc660kConsole(Faults.NONE);
        Path cert = Files.writeString(dir.resolve("server.pem"), serverRsa.certPem());
        Path key = Files.writeString(dir.resolve("server.key"), serverRsa.pkcs8Pem());
        upload("cacert", ca.certPem());
        m.exchange("AT+QSSLCFG=0,0,\"seclevel\",1");
        int port = opensslServer(cert, key, "AES128-SHA");
        assertThat(open("localhost", port)).isEqualTo("+QSSLOPEN: 0,0,0\r\n");
        assertThat(m.modem.tlsSession()).get().extracting(ModuleTlsSession::cipherSuite)
                .isEqualTo("TLS_RSA_WITH_AES_128_CBC_SHA");
        m.at("AT+QSSLSEND=0,0,5");
        m.expect("\r\n> ");
        m.write("abcd\n"); // s_server -rev answers line by line
        assertThat(m.expect("dcba")).contains("+QSSLURC: \"recv\",0,0,"); // s_server -rev: reversed, a line
        // the server goes away: the module reports it and frees the connection itself
        openssl.destroy();
        openssl.waitFor(5, TimeUnit.SECONDS);
        m.expect("\r\n+QSSLURC: \"closed\",0,0\r\n");
        assertThat(m.exchange("AT+QSSLCLOSE=0,0")).isEqualTo("\r\nERROR\r\n");

        port = opensslServer(cert, key, "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-SHA");
        assertThat(open("localhost", port)).isEqualTo("+QSSLOPEN: 0,0,-5\r\n");
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
