package io.uplink.modem.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Locale;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The emulated nRF9160 SLM as its documentation describes it, in scripted conversations over a raw terminal: framing,
 * power-on state, the radio and registration, %CMNG, and plain sockets with both #XSEND forms, data mode and #XRECV.
 */
class Nrf9160EmulatorTest {

    private VirtualSerialLine line;
    private Nrf9160Emulator modem;
    private RawTerminal term;
    private ServerSocket echoServer;

    private void start(Faults faults) throws Exception {
        line = new VirtualSerialLine("nrf-test", 0);
        modem = new Nrf9160Emulator(line.modemEnd(), LinkModel.INSTANT, faults, "");
        term = new RawTerminal(line.gatewayEnd());
        assertThat(term.expect("Ready\r\n")).isEqualTo("Ready\r\n");
    }

    /** A command as the SLM wants it: CR LF. */
    private void at(String command) throws IOException {
        term.write((command + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Sends a command and returns everything up to and including its final result (OK or an error). */
    private String exchange(String command) throws Exception {
        at(command);
        return finalResult();
    }

    private String finalResult() throws Exception {
        StringBuilder all = new StringBuilder();
        while (true) {
            String part = term.expect("\r\n");
            all.append(part);
            String s = all.toString();
            if (s.endsWith("\r\nOK\r\n") || s.endsWith("\r\nERROR\r\n") || s.matches("(?s).*\\+CME ERROR: \\d+\r\n")) {
                return s;
            }
        }
    }

    private void online() throws Exception {
        assertThat(exchange("AT+CEREG=1")).endsWith("OK\r\n");
        at("AT+CFUN=1");
        term.expect("+CEREG: 1\r\n");
    }

    @BeforeEach
    void echo() throws IOException {
        echoServer = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (!echoServer.isClosed()) {
                try {
                    Socket s = echoServer.accept();
                    Thread e = new Thread(() -> {
                        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                            in.transferTo(out);
                        } catch (IOException ignored) {
                            // peer gone
                        }
                    });
                    e.setDaemon(true);
                    e.start();
                } catch (IOException stop) {
                    return;
                }
            }
        });
        t.setDaemon(true);
        t.start();
    }

    @AfterEach
    void stop() throws IOException {
        if (modem != null) {
            modem.close();
            line.close();
        }
        echoServer.close();
    }

    @Test
    void startsReadyWithoutEchoRadioOffAndPlainErrors() throws Exception {
        start(Faults.NONE);
        assertThat(exchange("AT")).isEqualTo("\r\nOK\r\n"); // no echo
        assertThat(exchange("AT+CFUN?")).isEqualTo("\r\n+CFUN: 0\r\n\r\nOK\r\n");
        assertThat(exchange("AT+CMEE?")).isEqualTo("\r\n+CMEE: 0\r\n\r\nOK\r\n");
        assertThat(exchange("AT+CEREG?")).contains("+CEREG: 0,0\r\n");
        assertThat(exchange("ATI")).isEqualTo("\r\nERROR\r\n");
        assertThat(exchange("ATE0")).isEqualTo("\r\nERROR\r\n");
        assertThat(exchange("AT+CGMI")).contains("Nordic Semiconductor ASA\r\n");
        assertThat(exchange("AT+CGMM")).contains("nRF9160-SICA\r\n");
        assertThat(exchange("AT+CGMR")).contains("mfw_nrf9160_1.3.5\r\n");
        assertThat(exchange("AT+CGSN=1")).contains("+CGSN: \"352656100367872\"\r\n");
        assertThat(exchange("AT#XSLMVER")).contains("#XSLMVER: \"2.6.1\",\"2.8.0\"\r\n");
        assertThat(exchange("AT+FOO")).isEqualTo("\r\nERROR\r\n");
    }

    @Test
    void aCarriageReturnAloneEndsNoCommand() throws Exception {
        start(Faults.NONE);
        term.write("AT+CFUN?\r".getBytes(StandardCharsets.ISO_8859_1));
        // The CR stays in the line: the next CR LF ends "AT+CFUN?\rAT", which fails the grammar check.
        assertThat(exchange("AT")).isEqualTo("\r\nERROR\r\n");
        assertThat(exchange("AT")).isEqualTo("\r\nOK\r\n");
    }

    @Test
    void theGrammarCheckFollowsTheSlm() {
        assertThat(Nrf9160Emulator.grammarOk("AT")).isTrue();
        assertThat(Nrf9160Emulator.grammarOk("at+cfun?")).isTrue();
        assertThat(Nrf9160Emulator.grammarOk("AT%CMNG=1")).isTrue();
        assertThat(Nrf9160Emulator.grammarOk("AT#XSEND")).isTrue();
        assertThat(Nrf9160Emulator.grammarOk("AT+CFUN=?")).isTrue();
        assertThat(Nrf9160Emulator.grammarOk("AT+CFUN=")).isTrue();
        assertThat(Nrf9160Emulator.grammarOk("ATI")).isFalse();
        assertThat(Nrf9160Emulator.grammarOk("ATE0")).isFalse();
        assertThat(Nrf9160Emulator.grammarOk("AT+")).isFalse();
        assertThat(Nrf9160Emulator.grammarOk("AT+CFUN?1")).isFalse();
        assertThat(Nrf9160Emulator.grammarOk("AT+CFUN=?1")).isFalse();
        assertThat(Nrf9160Emulator.grammarOk("AT+C-FUN")).isFalse();
    }

    @Test
    void theRadioRegistersThroughSearchingAndFlightModeDeregisters() throws Exception {
        start(Faults.NONE);
        exchange("AT+CEREG=2");
        at("AT+CFUN=1");
        String out = term.expect("+CEREG: 1,\"4A2B\",\"0012BEEF\",7\r\n");
        assertThat(out).contains("\r\nOK\r\n").contains("+CEREG: 2,\"4A2B\",\"0012BEEF\",7\r\n");
        assertThat(exchange("AT+COPS?")).contains("+COPS: 0,0,\"Uplink Emulated\",7");
        assertThat(exchange("AT+CGACT?")).contains("+CGACT: 0,1");
        at("AT+CFUN=4");
        term.expect("+CEREG: 0\r\n");
        assertThat(exchange("AT+CFUN?")).contains("+CFUN: 4");
        assertThat(exchange("AT+CGACT?")).contains("+CGACT: 0,0");
    }

    @Test
    void cmngWritesOnlyWithTheRadioOffAnd518IsPlainErrorUntilCmee() throws Exception {
        start(Faults.NONE);
        online();
        String ca = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
        assertThat(exchange("AT%CMNG=0,42,0,\"" + ca + "\"")).isEqualTo("\r\nERROR\r\n");
        exchange("AT+CMEE=1");
        assertThat(exchange("AT%CMNG=0,42,0,\"" + ca + "\"")).isEqualTo("\r\n+CME ERROR: 518\r\n");
        assertThat(exchange("AT%CMNG=3,42,0")).isEqualTo("\r\n+CME ERROR: 518\r\n");
        at("AT+CFUN=4");
        term.expect("+CEREG: 0\r\n");
        assertThat(exchange("AT%CMNG=0,42,0,\"" + ca + "\"")).isEqualTo("\r\nOK\r\n");
        assertThat(modem.storedCredentials().get("42/0")).isEqualTo(ca.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void cmngListsUpperCaseSha256ReadsTheCaButNotTheKeyAndWriteReplaces() throws Exception {
        start(Faults.NONE);
        exchange("AT+CMEE=1");
        String ca1 = "-----BEGIN CERTIFICATE-----\r\nAAAA\r\n-----END CERTIFICATE-----\r\n";
        String ca2 = "-----BEGIN CERTIFICATE-----\nBBBB\n-----END CERTIFICATE-----\n";
        String key = "-----BEGIN PRIVATE KEY-----\nCCCC\n-----END PRIVATE KEY-----\n";
        // CR LF inside the quotes does not end the command.
        assertThat(exchange("AT%CMNG=0,7,0,\"" + ca1 + "\"")).isEqualTo("\r\nOK\r\n");
        assertThat(exchange("AT%CMNG=0,7,2,\"" + key + "\"")).isEqualTo("\r\nOK\r\n");
        assertThat(exchange("AT%CMNG=0,9,0,\"" + ca1 + "\"")).isEqualTo("\r\nOK\r\n");
        // the modem prints the list as one block: no blank lines between entries
        assertThat(exchange("AT%CMNG=1")).isEqualTo("\r\n%CMNG: 7,0,\"" + sha(ca1) + "\"\r\n%CMNG: 7,2,\"" + sha(key)
                + "\"\r\n%CMNG: 9,0,\"" + sha(ca1) + "\"\r\n\r\nOK\r\n");
        assertThat(sha(ca1)).matches("[0-9A-F]{64}");
        assertThat(exchange("AT%CMNG=0,7,0,\"" + ca2 + "\"")).isEqualTo("\r\nOK\r\n");
        assertThat(exchange("AT%CMNG=1,7,0")).isEqualTo("\r\n%CMNG: 7,0,\"" + sha(ca2) + "\"\r\n\r\nOK\r\n");
        assertThat(exchange("AT%CMNG=2,7,0")).isEqualTo("\r\n%CMNG: 7,0,\"" + sha(ca2) + "\",\"" + ca2
                + "\"\r\n\r\nOK\r\n");
        assertThat(exchange("AT%CMNG=2,7,2")).isEqualTo("\r\n+CME ERROR: 514\r\n");
        assertThat(exchange("AT%CMNG=2,7,1")).isEqualTo("\r\n+CME ERROR: 513\r\n");
        assertThat(exchange("AT%CMNG=3,7,2")).isEqualTo("\r\nOK\r\n");
        assertThat(exchange("AT%CMNG=3,7,2")).isEqualTo("\r\n+CME ERROR: 513\r\n");
        assertThat(exchange("AT%CMNG=1,7")).isEqualTo("\r\n%CMNG: 7,0,\"" + sha(ca2) + "\"\r\n\r\nOK\r\n");
        assertThat(exchange("AT%CMNG=1,8")).isEqualTo("\r\nOK\r\n");
        assertThat(exchange("AT%CMNG=0,2147483648,0,\"x\"")).isEqualTo("\r\nERROR\r\n");
        assertThat(exchange("AT%CMNG=0,5,3,\"not hex\"")).isEqualTo("\r\nERROR\r\n");
        assertThat(exchange("AT%CMNG=0,5,3,\"00a1\"")).isEqualTo("\r\nOK\r\n");
    }

    @Test
    void aCommandLineOver4096BytesIsRefusedUnread() throws Exception {
        start(Faults.NONE);
        String big = "A".repeat(4100);
        assertThat(exchange("AT%CMNG=0,1,0,\"" + big + "\"")).isEqualTo("\r\nERROR\r\n");
        assertThat(modem.storedCredentials()).isEmpty();
        String fits = "B".repeat(4000);
        assertThat(exchange("AT%CMNG=0,1,0,\"" + fits + "\"")).isEqualTo("\r\nOK\r\n");
    }

    @Test
    void credentialsSurviveARestartWhichPrintsReadyAndTurnsTheRadioOff() throws Exception {
        start(Faults.NONE);
        exchange("AT%CMNG=0,3,4,\"identity\"");
        online();
        modem.reboot();
        term.expect("Ready\r\n");
        assertThat(exchange("AT+CFUN?")).contains("+CFUN: 0");
        assertThat(modem.storedCredentials()).containsKey("3/4");
    }

    @Test
    void plainSocketRoundTripWithBothSendFormsAndRecv() throws Exception {
        start(Faults.NONE);
        online();
        assertThat(exchange("AT#XSOCKET=1,1,0")).isEqualTo("\r\n#XSOCKET: 0,1,6\r\n\r\nOK\r\n");
        assertThat(exchange("AT#XSOCKET?")).contains("#XSOCKET: 0,1,0,1,0");
        assertThat(exchange("AT#XCONNECT=\"127.0.0.1\"," + echoServer.getLocalPort()))
                .isEqualTo("\r\n#XCONNECT: 1\r\n\r\nOK\r\n");
        assertThat(exchange("AT#XSEND=\"hello, nrf\"")).isEqualTo("\r\n#XSEND: 10\r\n\r\nOK\r\n");
        assertThat(receive(10)).isEqualTo("hello, nrf");
        assertThat(exchange("AT#XSEND")).isEqualTo("\r\nOK\r\n");
        term.write("{\"a\":1,\"b\":\"+\"}+++".getBytes(StandardCharsets.ISO_8859_1));
        term.expect("\r\n#XDATAMODE: 0\r\n");
        assertThat(receive(15)).isEqualTo("{\"a\":1,\"b\":\"+\"}");
        assertThat(exchange("AT#XRECV=1,64")).isEqualTo("\r\nERROR\r\n"); // nothing there, non-blocking
        assertThat(exchange("AT#XSOCKET=0")).isEqualTo("\r\n#XSOCKET: 0,\"closed\"\r\n\r\nOK\r\n");
        assertThat(exchange("AT#XSEND=\"x\"")).isEqualTo("\r\nERROR\r\n");
    }

    @Test
    void dataModePlusesFollowedByDataAreData() throws Exception {
        start(Faults.NONE);
        online();
        exchange("AT#XSOCKET=1,1,0");
        exchange("AT#XCONNECT=\"127.0.0.1\"," + echoServer.getLocalPort());
        assertThat(exchange("AT#XSEND=\"\"")).isEqualTo("\r\nOK\r\n"); // an empty string enters data mode too
        term.write("a++b+++".getBytes(StandardCharsets.ISO_8859_1));
        term.expect("#XDATAMODE: 0\r\n");
        assertThat(receive(4)).isEqualTo("a++b");
        assertThat(exchange("AT")).isEqualTo("\r\nOK\r\n"); // back in command mode
    }

    @Test
    void recvWaitsForDataAndAnEmptyOkMeansThePeerClosed() throws Exception {
        start(Faults.NONE);
        online();
        try (ServerSocket once = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            exchange("AT#XSOCKET=1,1,0");
            exchange("AT#XCONNECT=\"127.0.0.1\"," + once.getLocalPort());
            try (Socket peer = once.accept()) {
                at("AT#XRECV=0"); // blocks until data comes
                peer.getOutputStream().write("late".getBytes(StandardCharsets.ISO_8859_1));
                assertThat(term.expect("\r\nOK\r\n")).isEqualTo("\r\n#XRECV: 4\r\nlate\r\nOK\r\n");
            }
            // the peer closed: recv() returns 0, which the SLM answers with OK alone
            assertThat(exchange("AT#XRECV=10")).isEqualTo("\r\nOK\r\n");
            assertThat(exchange("AT#XSEND=\"gone\"")).isEqualTo("\r\nERROR\r\n");
        }
    }

    @Test
    void sendLimitsAndRecvFlagsFollowTheSlm() throws Exception {
        start(Faults.NONE);
        online();
        exchange("AT#XSOCKET=1,1,0");
        exchange("AT#XCONNECT=\"127.0.0.1\"," + echoServer.getLocalPort());
        assertThat(exchange("AT#XSEND=\"" + "x".repeat(1025) + "\"")).isEqualTo("\r\nERROR\r\n");
        assertThat(exchange("AT#XSEND=\"" + "y".repeat(1024) + "\"")).contains("#XSEND: 1024");
        assertThat(exchange("AT#XSEND=unquoted")).isEqualTo("\r\nERROR\r\n");
        assertThat(exchange("AT#XRECV=1,2")).isEqualTo("\r\nERROR\r\n"); // MSG_PEEK is not emulated
        assertThat(receive(1024)).isEqualTo("y".repeat(1024));
        assertThat(exchange("AT#XRECV=1")).isEqualTo("\r\nERROR\r\n"); // nothing within 1 s: EAGAIN
    }

    @Test
    void dataModeCarriesMoreThanItsBufferAndCommasAndQuotes() throws Exception {
        start(Faults.NONE);
        online();
        exchange("AT#XSOCKET=1,1,0");
        exchange("AT#XCONNECT=\"127.0.0.1\"," + echoServer.getLocalPort());
        exchange("AT#XSEND");
        StringBuilder big = new StringBuilder();
        for (int i = 0; big.length() < 3 * Nrf9160DataMode.BUFFER; i++) {
            big.append("{\"n\":").append(i).append(",\"s\":\"a,b\"}\r\n");
        }
        term.write(big.toString().getBytes(StandardCharsets.ISO_8859_1));
        term.write("+++".getBytes(StandardCharsets.ISO_8859_1));
        term.expect("#XDATAMODE: 0\r\n");
        assertThat(receive(big.length())).isEqualTo(big.toString());
    }

    @Test
    void socketFailuresAnswerError() throws Exception {
        start(Faults.NONE);
        exchange("AT#XSOCKET=1,1,0");
        // radio off: nothing resolves, nothing connects
        assertThat(exchange("AT#XCONNECT=\"127.0.0.1\"," + echoServer.getLocalPort())).isEqualTo("\r\nERROR\r\n");
        online();
        int closed;
        try (ServerSocket probe = new ServerSocket(0)) {
            closed = probe.getLocalPort();
        }
        assertThat(exchange("AT#XCONNECT=\"127.0.0.1\"," + closed)).isEqualTo("\r\nERROR\r\n");
        assertThat(exchange("AT#XCONNECT=\"no-such-host.invalid\",80")).isEqualTo("\r\nERROR\r\n");
        assertThat(exchange("AT#XSEND=\"not connected\"")).isEqualTo("\r\nERROR\r\n");
        assertThat(exchange("AT#XSOCKET=1,2,0")).isEqualTo("\r\nERROR\r\n"); // UDP is not emulated
        assertThat(exchange("AT#XSSOCKETOPT=1,2,\"x\"")).isEqualTo("\r\nERROR\r\n"); // not a secure socket
        for (int i = 1; i < Nrf9160Sockets.MAX_SOCKETS; i++) {
            assertThat(exchange("AT#XSOCKET=1,1,0")).contains("#XSOCKET: " + i + ",1,6");
        }
        assertThat(exchange("AT#XSOCKET=1,1,0")).isEqualTo("\r\nERROR\r\n"); // all 8 in use
        assertThat(exchange("AT#XSOCKETSELECT=3")).contains("#XSOCKETSELECT: 3");
        assertThat(exchange("AT#XSOCKET=0")).contains("#XSOCKET: 0,\"closed\"");
        assertThat(exchange("AT#XSOCKETSELECT?")).doesNotContain("#XSOCKETSELECT: 3,").endsWith(
                "#XSOCKETSELECT: 7\r\n\r\nOK\r\n");
    }

    @Test
    void flightModeBreaksAnOpenConnection() throws Exception {
        start(Faults.NONE);
        online();
        exchange("AT#XSOCKET=1,1,0");
        exchange("AT#XCONNECT=\"127.0.0.1\"," + echoServer.getLocalPort());
        at("AT+CFUN=4");
        term.expect("+CEREG: 0\r\n");
        assertThat(exchange("AT#XSEND=\"lost\"")).isEqualTo("\r\nERROR\r\n");
        assertThat(exchange("AT#XRECV=1")).isEqualTo("\r\nERROR\r\n");
    }

    @Test
    void aRequiredApnKeepsTheDataPathDownUntilSet() throws Exception {
        start(Faults.NONE.withRequiredApn("iot.example"));
        online();
        exchange("AT#XSOCKET=1,1,0");
        assertThat(exchange("AT#XCONNECT=\"127.0.0.1\"," + echoServer.getLocalPort())).isEqualTo("\r\nERROR\r\n");
        assertThat(exchange("AT+CGDCONT=0,\"IP\",\"iot.example\"")).isEqualTo("\r\nOK\r\n");
        assertThat(exchange("AT+CGDCONT?")).contains("+CGDCONT: 0,\"IP\",\"iot.example\",\"10.64.0.42\",0,0");
        assertThat(exchange("AT#XCONNECT=\"127.0.0.1\"," + echoServer.getLocalPort())).contains("#XCONNECT: 1");
    }

    @Test
    void thePortProviderServesTheNrf9160ByName() throws Exception {
        assertThat(Personalities.names()).contains("bg95", "nrf9160");
        VirtualSerialLine l = new VirtualSerialLine("by-name", 0);
        EmulatedModule m = Personalities.start("emulator:nrf9160", l.modemEnd(), ModuleSettings.INSTANT);
        try {
            RawTerminal t = new RawTerminal(l.gatewayEnd());
            t.expect("Ready\r\n");
            t.write("AT+CGMM\r\n".getBytes(StandardCharsets.ISO_8859_1));
            assertThat(t.expect("OK\r\n")).contains("nRF9160-SICA");
        } finally {
            m.close();
            l.close();
        }
    }

    /** #XRECV until n bytes have come. */
    private String receive(int n) throws Exception {
        StringBuilder got = new StringBuilder();
        while (got.length() < n) {
            at("AT#XRECV=5");
            String head = term.expect("\r\n#XRECV: ");
            assertThat(head).isEqualTo("\r\n#XRECV: ");
            int len = Integer.parseInt(term.expect("\r\n").trim());
            String rest = term.expect("\r\nOK\r\n");
            assertThat(rest).hasSize(len + 6);
            got.append(rest, 0, len);
        }
        return got.toString();
    }

    private static String sha(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(s.getBytes(StandardCharsets.ISO_8859_1))).toUpperCase(Locale.ROOT);
    }
}
