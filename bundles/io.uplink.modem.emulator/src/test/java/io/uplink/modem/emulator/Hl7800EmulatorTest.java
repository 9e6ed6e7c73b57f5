package io.uplink.modem.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The emulated HL7800 in scripted conversations, byte for byte: start-up, set-up commands and TCP sessions. */
class Hl7800EmulatorTest {

    static final String EOF = "--EOF--Pattern--";

    private VirtualSerialLine line;
    private EmulatedModule modem;
    private Hl7800Personality hl7800;
    private RawTerminal raw;
    private ServerSocket server;

    /** A module with a data-phase silence of 3 s (long enough for a busy machine, short enough for the tests without a pattern), so a phase without its pattern ends quickly. */
    private void start(Faults faults) throws Exception {
        line = new VirtualSerialLine("emulated", 0);
        hl7800 = new Hl7800Personality(3000, 1);
        modem = new EmulatedModule(line.modemEnd(), LinkModel.INSTANT, faults, "", hl7800);
        raw = new RawTerminal(line.gatewayEnd());
        raw.expect("+KSUP: 0\r\n");
        ok("ATE0");
        ok("AT+CMEE=1");
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
    }

    private String ok(String cmd) throws Exception {
        raw.send(cmd);
        return raw.expect("OK\r\n");
    }

    private String send(String cmd, String until) throws Exception {
        raw.send(cmd);
        return raw.expect(until);
    }

    /** A TCP server that hands each accepted connection's bytes to a queue and can write back. */
    private final BlockingQueue<Socket> accepted = new LinkedBlockingQueue<>();

    private int echoless() throws IOException {
        server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    accepted.add(server.accept());
                } catch (IOException stop) {
                    return;
                }
            }
        }, "hl7800-test-server");
        t.setDaemon(true);
        t.start();
        return server.getLocalPort();
    }

    private Socket peer() throws InterruptedException {
        Socket s = accepted.poll(10, TimeUnit.SECONDS);
        assertThat(s).as("the module connected").isNotNull();
        return s;
    }

    private static byte[] readExactly(InputStream in, int n) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        byte[] buf = new byte[n];
        while (b.size() < n) {
            int r = in.read(buf, 0, n - b.size());
            if (r < 0) {
                break;
            }
            b.write(buf, 0, r);
        }
        return b.toByteArray();
    }

    private void connected(int port) throws Exception {
        assertThat(ok("AT+KTCPCFG=1,0,\"127.0.0.1\"," + port)).contains("+KTCPCFG: 1\r\n");
        ok("AT+KTCPCNX=1");
        assertThat(raw.expect("+KTCP_IND: 1,1\r\n")).as("the first connect brings the data session up")
                .contains("+KCNX_IND: 1,1,0\r\n");
    }

    private void sendData(int session, byte[] data) throws Exception {
        assertThat(send("AT+KTCPSND=" + session + "," + data.length, "CONNECT\r\n")).doesNotContain("ERROR");
        raw.write(concat(data, EOF.getBytes(StandardCharsets.ISO_8859_1)));
        raw.expect("OK\r\n");
    }

    @Test
    void startsWithKsupAndIdentifiesAsAnHl7800() throws Exception {
        start(Faults.NONE);
        assertThat(ok("AT+CGMI")).contains("\r\nSierra Wireless\r\n");
        assertThat(ok("AT+CGMM")).contains("\r\nHL7800\r\n");
        assertThat(ok("AT+CGMR")).contains("\r\nHL7800.4.6.7.0\r\n");
        assertThat(ok("ATI")).contains("\r\nHL7800\r\n");
        assertThat(ok("ATI3")).contains("\r\nHL7800.4.6.7.0\r\n");
        ok("AT&K3");
        ok("AT+KPATTERN=\"" + EOF + "\"");
        assertThat(ok("AT+KPATTERN?")).contains("+KPATTERN: \"" + EOF + "\"");
        assertThat(send("AT+KPATTERN=\"\"", "\r\n+CME ERROR: 3\r\n")).doesNotContain("OK");
        modem.call(() -> {
            modem.reboot();
            return null;
        });
        assertThat(raw.expect("+KSUP: 0\r\n")).as("a reboot announces itself again").isNotNull();
    }

    @Test
    void thePortNameEmulatorHl7800StartsIt() throws Exception {
        line = new VirtualSerialLine("emulated", 0);
        modem = Personalities.start("emulator:HL7800", line.modemEnd(), ModuleSettings.INSTANT);
        raw = new RawTerminal(line.gatewayEnd());
        raw.expect("+KSUP: 0\r\n");
        assertThat(ok("AT+CGMM")).contains("HL7800");
        assertThat(Personalities.names()).contains("bg95", "hl7800");
    }

    @Test
    void aTcpSessionConfiguresConnectsSendsReceivesAndCloses() throws Exception {
        start(Faults.NONE);
        int port = echoless();
        connected(port);
        Socket peer = peer();
        byte[] hello = "hello\r\nOK\r\n".getBytes(StandardCharsets.ISO_8859_1);
        sendData(1, hello);
        assertThat(readExactly(peer.getInputStream(), hello.length)).isEqualTo(hello);

        peer.getOutputStream().write("0123456789".getBytes(StandardCharsets.ISO_8859_1));
        peer.getOutputStream().flush();
        raw.expect("+KTCP_DATA: 1,10\r\n");
        peer.getOutputStream().write("abc".getBytes(StandardCharsets.ISO_8859_1));
        peer.getOutputStream().flush();
        String stat = ok("AT+KTCPSTAT=1");
        for (int i = 0; i < 100 && !stat.contains(",13\r\n"); i++) { // until the module has the 3 bytes too
            Thread.sleep(20);
            stat = ok("AT+KTCPSTAT=1");
        }
        assertThat(stat).as("+KTCP_DATA is not repeated before a read").contains("+KTCPSTAT: 3,-1,")
                .endsWith(",13\r\n\r\nOK\r\n");
        assertThat(stat).doesNotContain("+KTCP_DATA");
        String got = send("AT+KTCPRCV=1,4", "OK\r\n");
        assertThat(got).endsWith("\r\nCONNECT\r\n0123" + EOF + "\r\nOK\r\n");
        assertThat(raw.expect("+KTCP_DATA: 1,9\r\n")).as("after a read, what is left is announced again")
                .isEqualTo("\r\n+KTCP_DATA: 1,9\r\n");
        assertThat(send("AT+KTCPRCV=1,100", "OK\r\n")).endsWith("CONNECT\r\n456789abc" + EOF + "\r\nOK\r\n");

        ok("AT+KTCPCLOSE=1");
        assertThat(peer.getInputStream().read()).as("the server sees the close").isEqualTo(-1);
        ok("AT+KTCPDEL=1");
        assertThat(send("AT+KTCPSTAT=1", "\r\n+CME ERROR: 910\r\n")).doesNotContain("OK");
        assertThat(send("AT+KTCPSND=1,5", "\r\n+CME ERROR: 910\r\n")).doesNotContain("CONNECT");
    }

    @Test
    void theEofPatternInsideTheDataEndsItEarlyUnlessKpatternPicksAnother() throws Exception {
        start(Faults.NONE);
        int port = echoless();
        connected(port);
        Socket peer = peer();
        byte[] data = ("first" + EOF + "second").getBytes(StandardCharsets.ISO_8859_1);
        send("AT+KTCPSND=1," + data.length, "CONNECT\r\n");
        raw.write(concat(data, EOF.getBytes(StandardCharsets.ISO_8859_1)));
        raw.expect("OK\r\n");
        raw.expect("+KTCP_NOTIF: 1,8\r\n");
        assertThat(readExactly(peer.getInputStream(), 5)).isEqualTo("first".getBytes(StandardCharsets.ISO_8859_1));
        // "second--EOF--Pattern--" then reaches the command parser: not a command
        raw.send("");
        raw.expect("ERROR\r\n");

        ok("AT+KPATTERN=\"#END-OF-DATA#\"");
        send("AT+KTCPSND=1," + data.length, "CONNECT\r\n");
        raw.write(concat(data, "#END-OF-DATA#".getBytes(StandardCharsets.ISO_8859_1)));
        assertThat(raw.expect("OK\r\n")).doesNotContain("NOTIF");
        assertThat(readExactly(peer.getInputStream(), data.length)).isEqualTo(data);
        peer.getOutputStream().write(EOF.getBytes(StandardCharsets.ISO_8859_1));
        raw.expect("+KTCP_DATA: 1,16\r\n");
        assertThat(send("AT+KTCPRCV=1,16", "OK\r\n")).endsWith("CONNECT\r\n" + EOF + "#END-OF-DATA#\r\nOK\r\n");
    }

    @Test
    void aCountThatDiffersFromNdataStillSendsAndReportsNotif8() throws Exception {
        start(Faults.NONE);
        int port = echoless();
        connected(port);
        Socket peer = peer();
        send("AT+KTCPSND=1,10", "CONNECT\r\n");
        raw.write(("12345" + EOF).getBytes(StandardCharsets.ISO_8859_1));
        raw.expect("OK\r\n");
        raw.expect("+KTCP_NOTIF: 1,8\r\n");
        assertThat(readExactly(peer.getInputStream(), 5)).isEqualTo("12345".getBytes(StandardCharsets.ISO_8859_1));
        assertThat(ok("AT+KTCPSTAT=1")).contains("+KTCPSTAT: 3,8,");
    }

    @Test
    void theServerClosingIsNotif4AndWhatItSentBeforeStaysReadable() throws Exception {
        start(Faults.NONE);
        int port = echoless();
        connected(port);
        Socket peer = peer();
        peer.getOutputStream().write("bye".getBytes(StandardCharsets.ISO_8859_1));
        peer.close();
        raw.expect("+KTCP_DATA: 1,3\r\n");
        raw.expect("+KTCP_NOTIF: 1,4\r\n");
        assertThat(send("AT+KTCPRCV=1,10", "OK\r\n")).endsWith("CONNECT\r\nbye" + EOF + "\r\nOK\r\n");
        assertThat(ok("AT+KTCPSTAT=1")).contains("+KTCPSTAT: 5,4,0,0");
        assertThat(send("AT+KTCPSND=1,3", "\r\n+CME ERROR: 3\r\n")).doesNotContain("CONNECT");
        ok("AT+KTCPCLOSE=1");
        ok("AT+KTCPDEL=1");
    }

    @Test
    void anUnknownHostIsNotif3AndARefusedPortNotif5() throws Exception {
        start(Faults.NONE);
        assertThat(ok("AT+KTCPCFG=1,0,\"no-such-host.invalid\",80")).contains("+KTCPCFG: 1");
        ok("AT+KTCPCNX=1");
        raw.expect("+KTCP_NOTIF: 1,3\r\n");
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        assertThat(ok("AT+KTCPCFG=1,0,\"127.0.0.1\"," + closed)).contains("+KTCPCFG: 2");
        ok("AT+KTCPCNX=2");
        raw.expect("+KTCP_NOTIF: 2,5\r\n");
        assertThat(ok("AT+KTCPSTAT=2")).contains("+KTCPSTAT: 5,5,0,0");
    }

    @Test
    void sixSessionsAtMostAndServerModesAreRefused() throws Exception {
        start(Faults.NONE);
        for (int i = 1; i <= 6; i++) {
            assertThat(ok("AT+KTCPCFG=1,0,\"127.0.0.1\",9")).contains("+KTCPCFG: " + i + "\r\n");
        }
        send("AT+KTCPCFG=1,0,\"127.0.0.1\",9", "\r\n+CME ERROR: 3\r\n");
        ok("AT+KTCPDEL=4");
        assertThat(ok("AT+KTCPCFG=1,0,\"127.0.0.1\",9")).as("the lowest free session").contains("+KTCPCFG: 4\r\n");
        send("AT+KTCPCFG=1,1,,2000", "\r\n+CME ERROR: 3\r\n");
    }

    @Test
    void withoutRegistrationKtcpcnxReportsANetworkError() throws Exception {
        start(Faults.NONE.withRegistration(2));
        assertThat(ok("AT+KTCPCFG=1,0,\"127.0.0.1\",9")).contains("+KTCPCFG: 1");
        ok("AT+KTCPCNX=1");
        raw.expect("+KTCP_NOTIF: 1,0\r\n");
        send("AT+CGACT=1,1", "\r\n+CME ERROR: 30\r\n");
    }

    @Test
    void thePdpContextComesFromCgdcontAndCgact() throws Exception {
        start(Faults.NONE.withRequiredApn("iot.example"));
        ok("AT+CGDCONT=1,\"IPV4V6\",\"wrong\"");
        send("AT+CGACT=1,1", "\r\n+CME ERROR: 30\r\n");
        ok("AT+CGDCONT=1,\"IPV4V6\",\"iot.example\"");
        ok("AT+CGACT=1,1");
        assertThat(ok("AT+CGACT?")).contains("+CGACT: 1,1");
        assertThat(ok("AT+CGCONTRDP=1")).contains("+CGCONTRDP: 1,5,\"iot.example\",\"10.64.0.42.255.255.255.0\"");
    }

    @Test
    void theNetworkDroppingTheDataSessionIsNotif0OnOpenSessions() throws Exception {
        start(Faults.NONE);
        int port = echoless();
        connected(port);
        peer();
        modem.call(() -> {
            hl7800.networkDropsDataSession();
            return null;
        });
        assertThat(raw.expect("+KTCP_NOTIF: 1,0\r\n")).contains("+KCNX_IND: 1,0,0\r\n");
        assertThat(ok("AT+KTCPSTAT=1")).contains("+KTCPSTAT: 5,0,");
    }

    /** Malformed and hostile arguments get a code, never a data phase or a crash; the module keeps answering. */
    @Test
    void malformedArgumentsAreRefusedWithoutADataPhase() throws Exception {
        start(Faults.NONE);
        assertThat(ok("AT+KTCPCFG=1,0,\"127.0.0.1\",9")).contains("+KTCPCFG: 1");
        for (String bad : new String[] { "AT+KTCPSND=1,99999999999", "AT+KTCPSND=1,0", "AT+KTCPSND=1,abc",
            "AT+KTCPRCV=1,-5", "AT+KTCPCFG=1,0,\"127.0.0.1\",70000", "AT+KTCPCFG=1,0,\"\",80", "AT+KTCPCFG=",
            "AT+KTCPCFG=9,0,\"h\",80", "AT+KCERTSTORE=0,abc", "AT+KCERTSTORE=0,0", "AT+KPRIVKSTORE=3,10",
            "AT+KSSLCRYPTO=0,8,3", "AT+KSSLCFG=7,1", "AT+KPATTERN=\"" + "x".repeat(129) + "\"",
            "AT+CGDCONT=9,\"IP\",\"apn\"" }) {
            assertThat(send(bad, "\r\n+CME ERROR: ")).as(bad).doesNotContain("CONNECT");
            raw.expect("\r\n");
        }
        for (String bad : new String[] { "AT+KTCPCNX=7", "AT+KTCPCLOSE=0", "AT+KTCPDEL=x", "AT+KTCPRCV=2,10" }) {
            send(bad, "\r\n+CME ERROR: 910\r\n");
        }
        assertThat(ok("AT+CGMM")).contains("HL7800");
    }

    /** One write, so the data and its pattern reach the module together. */
    static byte[] concat(byte[] a, byte[] b) {
        byte[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
