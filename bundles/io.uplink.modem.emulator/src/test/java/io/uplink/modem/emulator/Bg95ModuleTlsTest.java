package io.uplink.modem.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.uplink.modem.AtCommand;
import io.uplink.modem.AtResponse;
import io.uplink.modem.FinalResult.Kind;
import io.uplink.modem.serial.SerialAtChannel;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The emulated module's own TLS: real handshakes against a JSSE server, configured as the SSL notes say. */
class Bg95ModuleTlsTest {

    private static TestPki.Issued ca;
    private static TestPki.Issued otherCa;
    private static TestPki.Issued serverRsa;
    private static TestPki.Issued serverExpired;
    private static TestPki.Issued clientEc;
    private static TestPki.Issued clientRsa;
    private static TestPki.Issued clientP521;

    private VirtualSerialLine line;
    private Bg95Emulator modem;
    private SerialAtChannel at;
    private TlsTestServer server;
    private final BlockingQueue<String> urcs = new LinkedBlockingQueue<>();

    @BeforeAll
    static void pki() throws Exception {
        ca = TestPki.ca("Test Root");
        otherCa = TestPki.ca("Other Root");
        serverRsa = TestPki.leaf(ca, "localhost", TestPki.rsa(2048));
        serverExpired = TestPki.leaf(ca, "localhost", TestPki.ec("secp256r1"),
                Instant.now().minus(Duration.ofDays(400)), Instant.now().minus(Duration.ofDays(30)), "localhost");
        clientEc = TestPki.leaf(ca, "device-1", TestPki.ec("secp256r1"));
        clientRsa = TestPki.leaf(ca, "device-2", TestPki.rsa(2048));
        clientP521 = TestPki.leaf(ca, "device-3", TestPki.ec("secp521r1"));
    }

    private void start(LinkModel link) throws Exception {
        line = new VirtualSerialLine("emulated", link.baud());
        modem = new Bg95Emulator(line.modemEnd(), link, Faults.NONE, "");
        at = new SerialAtChannel(line.gatewayEnd());
        at.onUrc("+QSSLOPEN:", (l, d) -> urcs.add(l));
        at.onUrc("+QSSLURC:", (l, d) -> urcs.add(l));
        at.onUrc("+QIOPEN:", (l, d) -> urcs.add(l));
        ok("ATE0");
        ok("AT+QIACT=1");
    }

    @AfterEach
    void stop() throws Exception {
        if (at != null) {
            at.close();
            modem.close();
            line.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private AtResponse send(String cmd) throws Exception {
        return at.execute(AtCommand.of(cmd));
    }

    private void ok(String cmd) throws Exception {
        assertThat(send(cmd).isOk()).as(cmd).isTrue();
    }

    private void upload(String name, String content) throws Exception {
        byte[] data = content.getBytes(StandardCharsets.ISO_8859_1);
        assertThat(at.execute(AtCommand.of("AT+QFUPL=\"" + name + "\"," + data.length).withPayload("CONNECT", data))
                .isOk()).isTrue();
    }

    private String urc(String prefix) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            String u = urcs.poll(100, TimeUnit.MILLISECONDS);
            if (u != null && u.startsWith(prefix)) {
                return u;
            }
        }
        throw new AssertionError("no URC " + prefix);
    }

    private String open(int ctx, int id, String host) throws Exception {
        ok("AT+QSSLOPEN=1," + ctx + "," + id + ",\"" + host + "\"," + server.port() + ",0");
        return urc("+QSSLOPEN:");
    }

    private void trustCa(int ctx, TestPki.Issued root) throws Exception {
        upload("ca" + ctx + ".pem", root.certPem());
        ok("AT+QSSLCFG=\"seclevel\"," + ctx + ",1");
        ok("AT+QSSLCFG=\"cacert\"," + ctx + ",\"UFS:ca" + ctx + ".pem\"");
    }

    @Test
    void tls12HandshakeVerifiedWithTheUfsCaThenDataBothWays() throws Exception {
        start(LinkModel.INSTANT);
        server = new TlsTestServer(serverRsa, null, null, null);
        trustCa(1, ca);
        assertThat(open(1, 0, "localhost")).isEqualTo("+QSSLOPEN: 0,0");
        TlsTestServer.Seen seen = server.next();
        assertThat(seen.protocol()).isEqualTo("TLSv1.2");
        assertThat(seen.suite()).startsWith("TLS_ECDHE_RSA_WITH_AES_").doesNotContain("CHACHA");
        assertThat(modem.tlsSession(0)).hasValueSatisfying(s -> assertThat(s.protocol()).isEqualTo("TLSv1.2"));

        byte[] ping = "ping\r\nOK\r\n".getBytes(StandardCharsets.ISO_8859_1);
        AtResponse sent = at.execute(AtCommand.of("AT+QSSLSEND=0," + ping.length).withPayload(">", ping)
                .withFinalResult("SEND OK", Kind.OK).withFinalResult("SEND FAIL", Kind.ERROR));
        assertThat(sent.result().text()).isEqualTo("SEND OK");
        assertThat(urc("+QSSLURC:")).isEqualTo("+QSSLURC: \"recv\",0");
        AtResponse back = at.execute(AtCommand.of("AT+QSSLRECV=0,1500").withRawData("+QSSLRECV:"));
        assertThat(back.data()).isEqualTo(ping);
        assertThat(at.execute(AtCommand.of("AT+QSSLRECV=0,1500").withRawData("+QSSLRECV:")).data()).isEmpty();

        assertThat(send("AT+QSSLSTATE=0").lines()).singleElement().asString()
                .startsWith("+QSSLSTATE: 0,\"SSLClient\",\"localhost\"," + server.port() + ",")
                .endsWith(",2,1,0,0,\"uart1\",1");
        ok("AT+QIOPEN=1,0,\"TCP\",\"127.0.0.1\"," + server.port() + ",0,0");
        assertThat(urc("+QIOPEN:")).as("client IDs are shared with TCP sockets").isEqualTo("+QIOPEN: 0,563");
        ok("AT+QSSLCLOSE=0");
        assertThat(send("AT+QSSLSTATE").lines()).isEmpty();
    }

    @Test
    void aChaChaOnlyServerFailsWith566() throws Exception {
        start(LinkModel.INSTANT);
        server = new TlsTestServer(serverRsa, null, new String[] { "TLSv1.2" },
                new String[] { "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256" });
        assertThat(open(0, 1, "localhost")).isEqualTo("+QSSLOPEN: 1,566");
        assertThat(server.next().failure()).isNotNull();
        assertThat(send("AT+QSSLSTATE").lines()).as("a failed client frees its ID").isEmpty();
    }

    @Test
    void anUntrustedServerOrAMissingCaFileFailsWith566() throws Exception {
        start(LinkModel.INSTANT);
        server = new TlsTestServer(serverRsa, null, null, null);
        trustCa(2, otherCa);
        assertThat(open(2, 0, "localhost")).isEqualTo("+QSSLOPEN: 0,566");
        ok("AT+QSSLCFG=\"cacert\",2,\"UFS:nothere.pem\"");
        assertThat(open(2, 0, "localhost")).isEqualTo("+QSSLOPEN: 0,566");
        ok("AT+QSSLCFG=\"seclevel\",2,0");
        assertThat(open(2, 0, "localhost")).as("seclevel 0 verifies nothing").isEqualTo("+QSSLOPEN: 0,0");
    }

    @Test
    void sniIsSentOnlyWithSni1() throws Exception {
        start(LinkModel.INSTANT);
        server = new TlsTestServer(serverRsa, null, null, null);
        assertThat(send("AT+QSSLCFG=\"sni\",0").lines()).containsExactly("+QSSLCFG: \"sni\",0,0");
        assertThat(open(0, 0, "localhost")).isEqualTo("+QSSLOPEN: 0,0");
        assertThat(server.next().sni()).isEmpty();
        ok("AT+QSSLCLOSE=0");
        ok("AT+QSSLCFG=\"sni\",0,1");
        assertThat(open(0, 0, "localhost")).isEqualTo("+QSSLOPEN: 0,0");
        assertThat(server.next().sni()).isEqualTo("localhost");
        assertThat(modem.tlsSession(0)).hasValueSatisfying(s -> assertThat(s.sniHost()).isEqualTo("localhost"));
    }

    @Test
    void mutualTlsWithEcAndRsaKeysInTheirTraditionalAndPkcs8Forms() throws Exception {
        start(LinkModel.INSTANT);
        server = new TlsTestServer(serverRsa, ca, null, null);
        trustCa(3, ca);
        assertThat(open(3, 0, "localhost")).as("no client certificate at seclevel 1").isEqualTo("+QSSLOPEN: 0,566");
        server.next();

        ok("AT+QSSLCFG=\"seclevel\",3,2");
        ok("AT+QSSLCFG=\"clientcert\",3,\"UFS:c1.pem\"");
        ok("AT+QSSLCFG=\"clientkey\",3,\"UFS:k1.pem\"");
        upload("c1.pem", clientEc.certPem());
        upload("k1.pem", clientEc.traditionalPem());
        assertThat(clientEc.traditionalPem()).contains("BEGIN EC PRIVATE KEY");
        assertThat(open(3, 0, "localhost")).isEqualTo("+QSSLOPEN: 0,0");
        assertThat(server.next().clientSubject()).isEqualTo("CN=device-1");
        ok("AT+QSSLCLOSE=0");

        for (String key : new String[] { clientRsa.traditionalPem(), clientRsa.pkcs8Pem() }) {
            ok("AT+QFDEL=\"*\"");
            upload("ca3.pem", ca.certPem());
            upload("c1.pem", clientRsa.certPem());
            upload("k1.pem", key);
            assertThat(open(3, 0, "localhost")).as(key.substring(0, 32)).isEqualTo("+QSSLOPEN: 0,0");
            assertThat(server.next().clientSubject()).isEqualTo("CN=device-2");
            ok("AT+QSSLCLOSE=0");
        }

        ok("AT+QFDEL=\"c1.pem\"");
        ok("AT+QFDEL=\"k1.pem\"");
        upload("c1.pem", clientP521.certPem());
        upload("k1.pem", clientP521.pkcs8Pem());
        assertThat(open(3, 0, "localhost")).as("P-521 is beyond the module").isEqualTo("+QSSLOPEN: 0,566");
    }

    @Test
    void anExpiredServerPassesUnlessIgnoreLocalTimeIs0() throws Exception {
        start(LinkModel.INSTANT);
        server = new TlsTestServer(serverExpired, null, null, null);
        trustCa(0, ca);
        assertThat(open(0, 0, "localhost")).isEqualTo("+QSSLOPEN: 0,0");
        ok("AT+QSSLCLOSE=0");
        ok("AT+QSSLCFG=\"ignorelocaltime\",0,0");
        assertThat(open(0, 0, "localhost")).isEqualTo("+QSSLOPEN: 0,566");
    }

    @Test
    void checkhostRefusesACertificateForAnotherName() throws Exception {
        start(LinkModel.INSTANT);
        server = new TlsTestServer(serverRsa, null, null, null);
        trustCa(0, ca);
        ok("AT+QSSLCFG=\"checkhost\",0,1");
        assertThat(open(0, 0, "127.0.0.1")).isEqualTo("+QSSLOPEN: 0,566");
        assertThat(open(0, 0, "localhost")).isEqualTo("+QSSLOPEN: 0,0");
    }

    @Test
    void configurationReadsAndWritesWithTheModulesDefaultsAndRanges() throws Exception {
        start(LinkModel.INSTANT);
        assertThat(send("AT+QSSLCFG=\"sslversion\",1").lines()).containsExactly("+QSSLCFG: \"sslversion\",1,4");
        assertThat(send("AT+QSSLCFG=\"ciphersuite\",1").lines()).containsExactly("+QSSLCFG: \"ciphersuite\",1,0XFFFF");
        assertThat(send("AT+QSSLCFG=\"seclevel\",1").lines()).containsExactly("+QSSLCFG: \"seclevel\",1,0");
        assertThat(send("AT+QSSLCFG=\"ignorelocaltime\",1").lines())
                .containsExactly("+QSSLCFG: \"ignorelocaltime\",1,1");
        assertThat(send("AT+QSSLCFG=\"negotiatetime\",1").lines())
                .containsExactly("+QSSLCFG: \"negotiatetime\",1,300");
        assertThat(send("AT+QSSLCFG=\"cacert\",1").lines()).containsExactly("+QSSLCFG: \"cacert\",1,\"\"");
        ok("AT+QSSLCFG=\"ciphersuite\",1,0xc02f");
        assertThat(send("AT+QSSLCFG=\"ciphersuite\",1").lines()).containsExactly("+QSSLCFG: \"ciphersuite\",1,0XC02F");
        ok("AT+QSSLCFG=\"cacert\",1,\"UFS:ca.pem\"");
        assertThat(send("AT+QSSLCFG=\"cacert\",1").lines()).containsExactly("+QSSLCFG: \"cacert\",1,\"UFS:ca.pem\"");
        for (String bad : new String[] { "AT+QSSLCFG=\"sslversion\",1,5", "AT+QSSLCFG=\"SNI\",1,1",
            "AT+QSSLCFG=\"seclevel\",6,1", "AT+QSSLCFG=\"ciphersuite\",1,0XCCA8", "AT+QSSLCFG=\"negotiatetime\",1,5",
            "AT+QSSLCFG=\"nosuchitem\",1,1", "AT+QSSLOPEN=1,0,0,\"localhost\",443,2" }) {
            assertThat(send(bad).result().kind()).as(bad).isEqualTo(Kind.ERROR);
        }
    }

    @Test
    void aRebootLosesTheSslSettingsButNotTheFiles() throws Exception {
        start(LinkModel.INSTANT);
        upload("ca.pem", ca.certPem());
        ok("AT+QSSLCFG=\"seclevel\",1,2");
        ok("AT+QSSLCFG=\"sni\",1,1");
        modem.reboot();
        assertThat(modem.storedFiles()).containsKey("ca.pem");
        ok("ATE0"); // echo is back on after the reboot
        assertThat(send("AT+QSSLCFG=\"seclevel\",1").lines()).containsExactly("+QSSLCFG: \"seclevel\",1,0");
        assertThat(send("AT+QSSLCFG=\"sni\",1").lines()).containsExactly("+QSSLCFG: \"sni\",1,0");
    }

    @Test
    void rebootAfterCommandsPrintsRdyAndForgets() throws Exception {
        line = new VirtualSerialLine("emulated", 0);
        modem = new Bg95Emulator(line.modemEnd(), LinkModel.INSTANT, Faults.NONE.withResetAfterCommands(3), "");
        RawTerminal raw = new RawTerminal(line.gatewayEnd());
        raw.send("ATE0");
        raw.expect("OK\r\n");
        raw.send("AT+QSSLCFG=\"sni\",0,1");
        raw.expect("OK\r\n");
        raw.send("AT");
        assertThat(raw.expect("APP RDY\r\n")).contains("\r\nRDY\r\n").doesNotContain("OK");
        raw.send("AT+QSSLCFG=\"sni\",0");
        assertThat(raw.expect("OK\r\n")).contains("+QSSLCFG: \"sni\",0,0");
    }

    @Test
    void theLinkLatencyAppliesToTheHandshakeFlights() throws Exception {
        start(new LinkModel(0, 100, 0, 0, 10 * 1024, 64 * 1024));
        server = new TlsTestServer(serverRsa, null, null, null);
        trustCa(0, ca);
        assertThat(open(0, 0, "localhost")).isEqualTo("+QSSLOPEN: 0,0");
        long millis = modem.tlsSession(0).orElseThrow().handshakeMillis();
        System.out.println("module TLS 1.2 handshake at 100 ms one-way latency: " + millis + " ms");
        // TCP (1 round trip) + TLS 1.2 full handshake (2 round trips), 200 ms each: it cannot be faster than that.
        assertThat(millis).isGreaterThanOrEqualTo(600);
    }
}
