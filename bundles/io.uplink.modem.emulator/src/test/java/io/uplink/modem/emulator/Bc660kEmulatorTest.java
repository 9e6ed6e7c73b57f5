package io.uplink.modem.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The emulated BC660K-GL in scripted conversations over a raw terminal: identification, NB-IoT registration and the
 * default bearer, and TCP sockets in direct push and buffer access mode, text and hex, inline and prompted sends.
 */
class Bc660kEmulatorTest {

    private Bc660kConsole m;
    private ServerSocket echoServer;

    @BeforeEach
    void echo() throws IOException {
        echoServer = serve(s -> {
            try (InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                in.transferTo(out);
            }
        });
    }

    @AfterEach
    void stop() throws IOException {
        if (m != null) {
            m.close();
        }
        echoServer.close();
    }

    interface Peer {
        void talk(Socket s) throws IOException;
    }

    /** A loopback server that runs {@code peer} on every connection. */
    static ServerSocket serve(Peer peer) throws IOException {
        ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    Thread e = new Thread(() -> {
                        try (s) {
                            peer.talk(s);
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
        return server;
    }

    @Test
    void identifiesItselfAsTheManualSays() throws Exception {
        m = new Bc660kConsole(Faults.NONE);
        assertThat(m.exchange("ATI"))
                .isEqualTo("\r\nQuectel_Ltd\r\nQuectel_BC660K-GL\r\nRevision: BC660KGLAAR01A05\r\n\r\nOK\r\n");
        assertThat(m.exchange("AT+CGMI")).isEqualTo("\r\nQuectel_Ltd\r\n\r\nOK\r\n");
        assertThat(m.exchange("AT+CGMM")).isEqualTo("\r\nQuectel_BC660K-GL\r\n\r\nOK\r\n");
        assertThat(m.exchange("AT+CGMR")).isEqualTo("\r\nRevision: BC660KGLAAR01A05\r\n\r\nOK\r\n");
        assertThat(m.exchange("AT+CGSN=1")).isEqualTo("\r\n+CGSN: 866818039921444\r\n\r\nOK\r\n");
        assertThat(m.exchange("AT+CFUN?")).isEqualTo("\r\n+CFUN: 1\r\n\r\nOK\r\n");
        assertThat(m.exchange("AT+QIFOO")).isEqualTo("\r\nERROR\r\n");
        assertThat(Personalities.names()).contains("bc660k");
    }

    @Test
    void theEmulatorPortNameStartsABc660k() throws Exception {
        VirtualSerialLine line = new VirtualSerialLine("bc660k-port", 0);
        EmulatedModule module = Personalities.start("emulator:BC660K", line.modemEnd(), ModuleSettings.INSTANT);
        try {
            RawTerminal t = new RawTerminal(line.gatewayEnd());
            t.expect("+CFUN: 1\r\n");
            t.send("AT+CGMM");
            assertThat(t.expect("OK\r\n")).contains("Quectel_BC660K-GL");
        } finally {
            module.close();
            line.close();
        }
    }

    @Test
    void registersOnNbIotAndFollowsTheRadioWithCeregUrcs() throws Exception {
        m = new Bc660kConsole(Faults.NONE);
        assertThat(m.exchange("AT+CEREG=2")).isEqualTo("\r\nOK\r\n");
        assertThat(m.exchange("AT+CEREG?")).isEqualTo("\r\n+CEREG: 2,1,\"4A2B\",\"0012BEEF\",9\r\n\r\nOK\r\n");
        assertThat(m.exchange("AT+CGPADDR=0")).isEqualTo("\r\n+CGPADDR: 0,\"10.64.0.43\"\r\n\r\nOK\r\n");
        assertThat(m.exchange("AT+CGATT?")).contains("+CGATT: 1\r\n");
        assertThat(m.exchange("AT+CSQ")).isEqualTo("\r\n+CSQ: 20,99\r\n\r\nOK\r\n");
        assertThat(m.exchange("AT+QENG=0")).startsWith("\r\n+QENG: 0,").contains(",\"0012BEEF\",");

        assertThat(m.exchange("AT+CFUN=0")).isEqualTo("\r\nOK\r\n");
        m.expect("\r\n+CEREG: 0\r\n");
        assertThat(m.exchange("AT+CGPADDR=0")).isEqualTo("\r\nOK\r\n");
        assertThat(m.exchange("AT+CGATT?")).contains("+CGATT: 0\r\n");
        assertThat(m.exchange("AT+CSQ")).contains("+CSQ: 99,99\r\n");

        assertThat(m.exchange("AT+CFUN=1")).isEqualTo("\r\nOK\r\n");
        m.expect("\r\n+CEREG: 2,\"4A2B\",\"0012BEEF\",9\r\n");
        m.expect("\r\n+CEREG: 1,\"4A2B\",\"0012BEEF\",9\r\n");
        m.expect("\r\n+IP: 10.64.0.43\r\n");
    }

    @Test
    void powerSavingAndReportingSettingsAreKeptAndReadBack() throws Exception {
        m = new Bc660kConsole(Faults.NONE);
        assertThat(m.exchange("AT+CPSMS=0")).isEqualTo("\r\nOK\r\n");
        assertThat(m.exchange("AT+CPSMS?")).isEqualTo("\r\n+CPSMS: 0\r\n\r\nOK\r\n");
        assertThat(m.exchange("AT+CEDRXS=2,5,\"0101\"")).isEqualTo("\r\nOK\r\n");
        assertThat(m.exchange("AT+CEDRXS?")).isEqualTo("\r\n+CEDRXS: 5,\"0101\"\r\n\r\nOK\r\n");
        assertThat(m.exchange("AT+CSCON=1")).isEqualTo("\r\nOK\r\n");
        assertThat(m.exchange("AT+CSCON?")).isEqualTo("\r\n+CSCON: 1,1\r\n\r\nOK\r\n");
        assertThat(m.exchange("AT+CTZR=3")).isEqualTo("\r\nOK\r\n");
        assertThat(m.exchange("AT+CTZR=4")).isEqualTo("\r\n+CME ERROR: 50\r\n");
        assertThat(m.exchange("AT+QIDNSCFG=0,\"8.8.8.8\"")).isEqualTo("\r\nOK\r\n");
        assertThat(m.exchange("AT+QIDNSCFG=0")).isEqualTo("\r\n+QIDNSCFG: 0,\"8.8.8.8\",\"0.0.0.0\"\r\n\r\nOK\r\n");
        m.exchange("AT+QRST=1");
        m.expect("\r\n+IP: 10.64.0.43\r\n");
        m.exchange("ATE0");
        assertThat(m.exchange("AT+CTZR?")).contains("+CTZR: 3\r\n"); // NVRAM
        assertThat(m.exchange("AT+CSCON?")).contains("+CSCON: 0,1\r\n"); // not kept
        assertThat(m.exchange("AT+QIDNSCFG=0")).contains("+QIDNSCFG: 0,\"10.64.0.1\",\"0.0.0.0\"\r\n");
    }

    @Test
    void theDefaultBearerNeedsTheApnTheNetworkWantsFromTheNextAttach() throws Exception {
        m = new Bc660kConsole(Faults.NONE.withRequiredApn("iot.example"));
        assertThat(m.exchange("AT+CGPADDR=0")).isEqualTo("\r\nOK\r\n"); // registered, but no bearer
        assertThat(m.exchange("AT+QIOPEN=0,0,\"TCP\",\"127.0.0.1\"," + echoServer.getLocalPort()))
                .isEqualTo("\r\nOK\r\n");
        m.expect("\r\n+QIOPEN: 0,561\r\n");
        assertThat(m.exchange("AT+QCGDEFCONT=\"IP\",\"iot.example\"")).isEqualTo("\r\nOK\r\n");
        assertThat(m.exchange("AT+QCGDEFCONT?")).contains("+QCGDEFCONT: \"IP\",\"iot.example\"\r\n");
        assertThat(m.exchange("AT+CGPADDR=0")).isEqualTo("\r\nOK\r\n"); // not before the next attach
        m.exchange("AT+CFUN=0");
        m.exchange("AT+CFUN=1");
        m.expect("\r\n+IP: 10.64.0.43\r\n");
        assertThat(m.exchange("AT+CGDCONT?")).contains("+CGDCONT: 0,\"IP\",\"iot.example\",\"10.64.0.43\",0,0\r\n");
        assertThat(m.exchange("AT+QCGDEFCONT=\"PPP\",\"x\"")).isEqualTo("\r\n+CME ERROR: 50\r\n");
    }

    @Test
    void directPushCarriesTextAndHexInline() throws Exception {
        m = new Bc660kConsole(Faults.NONE);
        open(0, "");
        assertThat(m.exchange("AT+QISEND=0,5,\"hello\"")).isEqualTo("\r\nOK\r\n");
        assertThat(m.expect("\r\nSEND OK\r\n")).isEqualTo("\r\nSEND OK\r\n");
        m.expect("\r\n+QIURC: \"recv\",0,5,\"hello\"\r\n");
        // commas and quotes inside the data are data
        assertThat(m.exchange("AT+QISEND=0,7,\"a,\"b\",c\"")).isEqualTo("\r\nOK\r\n");
        m.expect("\r\nSEND OK\r\n");
        m.expect("\r\n+QIURC: \"recv\",0,7,\"a,\"b\",c\"\r\n");

        assertThat(m.exchange("AT+QICFG=\"dataformat\",1,1")).isEqualTo("\r\nOK\r\n");
        assertThat(m.exchange("AT+QICFG=\"dataformat\"")).contains("+QICFG: \"dataformat\",1,1\r\n");
        assertThat(m.exchange("AT+QISEND=0,3,\"00ff0D\"")).isEqualTo("\r\nOK\r\n");
        m.expect("\r\nSEND OK\r\n");
        m.expect("\r\n+QIURC: \"recv\",0,3,\"00FF0D\"\r\n");
        // the length must match the data, the hex must be hex, and 1024 bytes is the most
        assertThat(m.exchange("AT+QISEND=0,4,\"00ff0D\"")).isEqualTo("\r\nERROR\r\n");
        assertThat(m.exchange("AT+QISEND=0,1,\"0G\"")).isEqualTo("\r\nERROR\r\n");
        assertThat(m.exchange("AT+QISEND=0,1025,\"" + "00".repeat(1025) + "\"")).isEqualTo("\r\nERROR\r\n");
        assertThat(m.exchange("AT+QISEND=0,1024,\"" + "41".repeat(1024) + "\"")).isEqualTo("\r\nOK\r\n");
        m.expect("\r\nSEND OK\r\n");
        StringBuilder echoed = new StringBuilder();
        Pattern urc = Pattern.compile("\\+QIURC: \"recv\",0,(\\d+),\"([0-9A-F]*)\"\r\n");
        while (echoed.length() < 2048) {
            Matcher u = urc.matcher(m.expect("\"\r\n"));
            assertThat(u.find()).isTrue();
            assertThat(u.group(2)).hasSize(2 * Integer.parseInt(u.group(1)));
            echoed.append(u.group(2));
        }
        assertThat(echoed.toString()).isEqualTo("41".repeat(1024));

        assertThat(m.exchange("AT+QICLOSE=0")).isEqualTo("\r\nOK\r\n");
        m.expect("\r\nCLOSE OK\r\n");
        assertThat(m.exchange("AT+QICLOSE=0")).isEqualTo("\r\nERROR\r\n");
        assertThat(m.exchange("AT+QISEND=0,5,\"hello\"")).isEqualTo("\r\nERROR\r\n");
    }

    @Test
    void everyByteValueSurvivesTheRoundTripInHexAndThePromptFormCarriesBinaryInText() throws Exception {
        m = new Bc660kConsole(Faults.NONE);
        byte[] all = new byte[256];
        for (int i = 0; i < 256; i++) {
            all[i] = (byte) i;
        }
        String hex = java.util.HexFormat.of().withUpperCase().formatHex(all);
        m.exchange("AT+QICFG=\"dataformat\",1,1");
        open(0, ",0,0"); // buffer access
        assertThat(m.exchange("AT+QISEND=0,256,\"" + hex.toLowerCase(java.util.Locale.ROOT) + "\""))
                .isEqualTo("\r\nOK\r\n");
        m.expect("\r\n+QIURC: \"recv\",0\r\n");
        assertThat(readHex(0, 512)).isEqualTo(hex);
        // text format: a fixed-length send after the prompt takes any byte, CR and Ctrl+Z included
        m.exchange("AT+QICFG=\"dataformat\",0,1");
        m.at("AT+QISEND=0,256");
        m.expect("\r\n> ");
        m.term.write(all);
        assertThat(m.finalResult()).isEqualTo("\r\nOK\r\n");
        m.expect("\r\nSEND OK\r\n");
        m.expect("\r\n+QIURC: \"recv\",0\r\n");
        assertThat(readHex(0, 512)).isEqualTo(hex);
    }

    @Test
    void thePromptFormsTakeExactlyTheLengthOrDataUpToCtrlZ() throws Exception {
        m = new Bc660kConsole(Faults.NONE);
        open(1, "");
        m.at("AT+QISEND=1,5");
        m.expect("\r\n> ");
        m.write("hello");
        assertThat(m.finalResult()).isEqualTo("\r\nOK\r\n");
        m.expect("\r\nSEND OK\r\n");
        m.expect("\r\n+QIURC: \"recv\",1,5,\"hello\"\r\n");
        m.at("AT+QISEND=1");
        m.expect("\r\n> ");
        m.write("abc\u001a");
        assertThat(m.finalResult()).isEqualTo("\r\nOK\r\n");
        m.expect("\r\n+QIURC: \"recv\",1,3,\"abc\"\r\n");
        m.at("AT+QISEND=1");
        m.expect("\r\n> ");
        m.write("never sent\u001b");
        assertThat(m.finalResult()).isEqualTo("\r\nERROR\r\n");
        assertThat(m.exchange("AT")).isEqualTo("\r\nOK\r\n");
    }

    @Test
    void bufferAccessAnnouncesOnceKeeps2168BytesAndDropsTheRest() throws Exception {
        byte[] burst = new byte[3000];
        for (int i = 0; i < burst.length; i++) {
            burst[i] = (byte) ('a' + i % 26);
        }
        try (ServerSocket sender = serve(s -> {
            s.getOutputStream().write(burst);
            s.getOutputStream().flush();
            s.shutdownOutput(); // the module reports the close after it has taken in the whole burst
            s.getInputStream().read(); // until the module closes
        })) {
            m = new Bc660kConsole(Faults.NONE);
            assertThat(m.exchange("AT+QIOPEN=0,2,\"TCP\",\"127.0.0.1\"," + sender.getLocalPort() + ",0,0"))
                    .isEqualTo("\r\nOK\r\n");
            m.expect("\r\n+QIOPEN: 2,0\r\n");
            // Read only when all 3000 bytes have arrived: what arrives after a read has made room is kept, on the
            // module as here, and the burst's last segment can reach a loaded machine's emulated socket late.
            String urcs = m.expect("\r\n+QIURC: \"closed\",2\r\n");
            assertThat(urcs).containsOnlyOnce("+QIURC: \"recv\",2\r\n")
                    .containsOnlyOnce("+QIURC: \"recv\",2,\"buff full\"\r\n");
            StringBuilder read = new StringBuilder();
            while (true) {
                String r = m.exchange("AT+QIRD=2,1000");
                if (r.equals("\r\n+QIRD: 0\r\n\r\nOK\r\n")) {
                    break;
                }
                Matcher d = Pattern.compile("\\+QIRD: (\\d+),\"([a-z]*)\"\r\n").matcher(r);
                assertThat(d.find()).as(r).isTrue();
                assertThat(d.group(2)).hasSize(Integer.parseInt(d.group(1)));
                read.append(d.group(2));
            }
            assertThat(read.toString()).isEqualTo(new String(Arrays.copyOf(burst, 2168), "ISO-8859-1"));
            assertThat(m.exchange("AT+QIRD=2,1025")).isEqualTo("\r\nERROR\r\n");
            assertThat(m.exchange("AT+QIRD=3")).isEqualTo("\r\nERROR\r\n"); // nothing open there
            assertThat(m.exchange("AT+QICFG=\"showlength\",1")).isEqualTo("\r\nOK\r\n");
            assertThat(m.exchange("AT+QIRD=2")).isEqualTo("\r\n+QIRD: 0,0\r\n\r\nOK\r\n");
        }
    }

    @Test
    void bufferAccessReadsHexWithTheLengthLeftAndTheDataOnItsOwnLine() throws Exception {
        try (ServerSocket sender = serve(s -> {
            s.getOutputStream().write(new byte[] { 1, 2, 3, (byte) 0xFE });
            s.getOutputStream().flush();
            s.getInputStream().read();
        })) {
            m = new Bc660kConsole(Faults.NONE);
            m.exchange("AT+QICFG=\"dataformat\",0,1");
            m.exchange("AT+QICFG=\"showlength\",1");
            m.exchange("AT+QICFG=\"viewmode\",1");
            m.exchange("AT+QIOPEN=0,0,\"TCP\",\"127.0.0.1\"," + sender.getLocalPort() + ",0,0");
            m.expect("\r\n+QIOPEN: 0,0\r\n");
            m.expect("\r\n+QIURC: \"recv\",0,4\r\n");
            assertThat(m.exchange("AT+QIRD=0,3")).isEqualTo("\r\n+QIRD: 3,1\r\n010203\r\n\r\nOK\r\n");
            assertThat(m.exchange("AT+QIRD=0,3")).isEqualTo("\r\n+QIRD: 1,0\r\nFE\r\n\r\nOK\r\n");
        }
    }

    @Test
    void openFailuresAndBadArgumentsAnswerAsTheFamilyDoes() throws Exception {
        m = new Bc660kConsole(Faults.NONE);
        int port = echoServer.getLocalPort();
        assertThat(m.exchange("AT+QIOPEN=0,5,\"TCP\",\"127.0.0.1\"," + port)).isEqualTo("\r\nERROR\r\n");
        assertThat(m.exchange("AT+QIOPEN=1,0,\"TCP\",\"127.0.0.1\"," + port)).isEqualTo("\r\nERROR\r\n");
        assertThat(m.exchange("AT+QIOPEN=0,0,\"UDP\",\"127.0.0.1\"," + port)).isEqualTo("\r\nERROR\r\n");
        assertThat(m.exchange("AT+QIOPEN=0,0,\"TCP\",\"127.0.0.1\"," + port + ",0,2")).isEqualTo("\r\nERROR\r\n");
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        m.exchange("AT+QIOPEN=0,4,\"TCP\",\"127.0.0.1\"," + closed);
        m.expect("\r\n+QIOPEN: 4,566\r\n");
        open(3, "");
        assertThat(m.exchange("AT+QIOPEN=0,3,\"TCP\",\"127.0.0.1\"," + port)).isEqualTo("\r\nOK\r\n");
        m.expect("\r\n+QIOPEN: 3,563\r\n");
        // the radio goes off: the connection is gone
        m.exchange("AT+CFUN=0");
        m.expect("\r\n+QIURC: \"closed\",3\r\n");
        assertThat(m.exchange("AT+QISEND=3,1,\"x\"")).isEqualTo("\r\nERROR\r\n");
        assertThat(m.exchange("AT+QICLOSE=3")).isEqualTo("\r\nOK\r\n");
        m.exchange("AT+QIOPEN=0,0,\"TCP\",\"127.0.0.1\"," + port);
        m.expect("\r\n+QIOPEN: 0,561\r\n");
    }

    @Test
    void thePeerClosingIsReportedAndQicfgSurvivesAReboot() throws Exception {
        try (ServerSocket hangUp = serve(s -> s.getOutputStream().write("bye".getBytes("ISO-8859-1")))) {
            m = new Bc660kConsole(Faults.NONE);
            m.exchange("AT+QICFG=\"dataformat\",1,1");
            m.exchange("AT+QIOPEN=0,0,\"TCP\",\"127.0.0.1\"," + hangUp.getLocalPort());
            m.expect("\r\n+QIOPEN: 0,0\r\n");
            m.expect("\r\n+QIURC: \"recv\",0,3,\"627965\"\r\n");
            m.expect("\r\n+QIURC: \"closed\",0\r\n");
            assertThat(m.exchange("AT+QICLOSE=0")).isEqualTo("\r\nOK\r\n");
            m.expect("CLOSE OK\r\n");
            assertThat(m.exchange("AT+QRST=1")).isEqualTo("\r\nOK\r\n");
            m.expect("\r\n+CFUN: 1\r\n");
            m.expect("\r\n+IP: 10.64.0.43\r\n");
            assertThat(m.exchange("ATE0")).endsWith("\r\nOK\r\n");
            assertThat(m.exchange("AT+QICFG=\"dataformat\"")).contains("+QICFG: \"dataformat\",1,1\r\n");
        }
    }

    /**
     * Reads hex data with AT+QIRD until {@code chars} hex digits came and a read finds the buffer empty, which the
     * module needs before it announces new data; polls at most 500 times.
     */
    private String readHex(int id, int chars) throws Exception {
        StringBuilder back = new StringBuilder();
        Pattern data = Pattern.compile("\\+QIRD: (\\d+),\"([0-9A-F]*)\"\r\n");
        for (int i = 0; i < 500; i++) {
            String r = m.exchange("AT+QIRD=" + id + ",1024");
            Matcher d = data.matcher(r);
            if (d.find()) {
                back.append(d.group(2));
            } else if (back.length() >= chars) {
                break;
            } else {
                Thread.sleep(10);
            }
        }
        return back.toString();
    }

    private void open(int id, String extra) throws Exception {
        assertThat(m.exchange("AT+QIOPEN=0," + id + ",\"TCP\",\"127.0.0.1\"," + echoServer.getLocalPort() + extra))
                .isEqualTo("\r\nOK\r\n");
        m.expect("\r\n+QIOPEN: " + id + ",0\r\n");
    }

    @Test
    void inlineDataIsTheQuotedRestOfTheLine() {
        assertThat(Bc660kSockets.inlineData("0,5,\"hello\"")).isEqualTo("hello");
        assertThat(Bc660kSockets.inlineData("0,5,\"a\"b\"")).isEqualTo("a\"b");
        assertThat(Bc660kSockets.inlineData("0,5,\"hello\",1")).isEqualTo("hello");
        assertThat(Bc660kSockets.inlineData("0,5,\"hello\"x")).isNull();
        assertThat(Bc660kSockets.inlineData("0,5,hello")).isNull();
        assertThat(Bc660kSockets.decode("0a", true)).containsExactly(10);
        assertThat(Bc660kSockets.decode("0a0", true)).isNull();
        assertThat(Bc660kSockets.decode("zz", true)).isNull();
    }
}
