package io.uplink.modem.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.uplink.modem.AtCommand;
import io.uplink.modem.AtResponse;
import io.uplink.modem.FinalResult.Kind;
import io.uplink.modem.serial.SerialAtChannel;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The emulated BG95 answers as the fact sheet says, seen through the real AT channel. */
class Bg95EmulatorTest {

    private VirtualSerialLine line;
    private Bg95Emulator modem;
    private SerialAtChannel at;
    private ServerSocket echoServer;
    private final BlockingQueue<String> urcs = new LinkedBlockingQueue<>();

    private void start(LinkModel link, Faults faults, String pin) throws Exception {
        line = new VirtualSerialLine("emulated", link.baud());
        modem = new Bg95Emulator(line.modemEnd(), link, faults, pin);
        at = new SerialAtChannel(line.gatewayEnd());
        at.onUrc("+QIURC:", (l, d) -> urcs.add(l));
        at.onUrc("+QIOPEN:", (l, d) -> urcs.add(l));
        at.onUrc("+CPIN:", (l, d) -> urcs.add(l));
        at.onUrc("+CEREG:", (l, d) -> urcs.add(l));
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
        if (at != null) {
            at.close();
            modem.close();
            line.close();
        }
        echoServer.close();
    }

    private AtResponse send(String cmd) throws Exception {
        return at.execute(AtCommand.of(cmd));
    }

    private String urc(String prefix) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            String u = urcs.poll(100, TimeUnit.MILLISECONDS);
            if (u != null && u.startsWith(prefix)) {
                return u;
            }
        }
        throw new AssertionError("no URC " + prefix);
    }

    @Test
    void identifiesItselfWithEchoOnAsDelivered() throws Exception {
        start(LinkModel.INSTANT, Faults.NONE, "");
        AtResponse ati = send("ATI");
        assertThat(ati.lines()).containsExactly("Quectel", "BG95-M3", "Revision: BG95M3LAR02A03");
        assertThat(send("ATE0").isOk()).isTrue();
        assertThat(send("AT+CGMR").lines()).containsExactly("BG95M3LAR02A03");
        assertThat(send("AT+FOO").result().kind()).isEqualTo(Kind.ERROR);
    }

    @Test
    void simPinThenRegistrationThenPdp() throws Exception {
        start(LinkModel.INSTANT, Faults.NONE, "4711");
        assertThat(send("AT+CPIN?").lines()).containsExactly("+CPIN: SIM PIN");
        assertThat(send("AT+QIACT=1").result().kind()).isEqualTo(Kind.CME_ERROR);
        assertThat(at.execute(AtCommand.of("AT+CPIN=\"0000\"").sensitive()).result().code()).isEqualTo(16);
        assertThat(at.execute(AtCommand.of("AT+CPIN=\"4711\"").sensitive()).isOk()).isTrue();
        assertThat(urc("+CPIN:")).isEqualTo("+CPIN: READY");
        assertThat(send("AT+CEREG?").lines()).containsExactly("+CEREG: 0,1");
        assertThat(send("AT+QICSGP=1,1,\"iot.example\",\"\",\"\",0").isOk()).isTrue();
        assertThat(send("AT+QIACT=1").isOk()).isTrue();
        assertThat(send("AT+QIACT?").lines()).hasSize(1);
    }

    @Test
    void socketRoundTripWithTheRecvUrcNotRepeatedUntilDrained() throws Exception {
        start(LinkModel.INSTANT, Faults.NONE, "");
        send("ATE0");
        send("AT+QIACT=1");
        assertThat(send("AT+QIOPEN=1,0,\"TCP\",\"127.0.0.1\"," + echoServer.getLocalPort() + ",0,0").isOk())
                .isTrue();
        assertThat(urc("+QIOPEN:")).isEqualTo("+QIOPEN: 0,0");
        byte[] hello = "hello\r\nOK\r\n".getBytes(StandardCharsets.ISO_8859_1);
        AtResponse sent = at.execute(AtCommand.of("AT+QISEND=0," + hello.length).withPayload(">", hello)
                .withFinalResult("SEND OK", Kind.OK).withFinalResult("SEND FAIL", Kind.ERROR));
        assertThat(sent.result().text()).isEqualTo("SEND OK");
        assertThat(urc("+QIURC: \"recv\"")).isEqualTo("+QIURC: \"recv\",0");
        AtResponse part = at.execute(AtCommand.of("AT+QIRD=0,4").withRawData("+QIRD:"));
        assertThat(part.data()).isEqualTo("hell".getBytes(StandardCharsets.ISO_8859_1));
        // More data while the buffer is not drained: no second URC.
        at.execute(AtCommand.of("AT+QISEND=0,2").withPayload(">", "!!".getBytes(StandardCharsets.ISO_8859_1))
                .withFinalResult("SEND OK", Kind.OK));
        Thread.sleep(300);
        assertThat(urcs).noneMatch(u -> u.startsWith("+QIURC: \"recv\""));
        AtResponse rest = at.execute(AtCommand.of("AT+QIRD=0,1500").withRawData("+QIRD:"));
        assertThat(new String(rest.data(), StandardCharsets.ISO_8859_1)).isEqualTo("o\r\nOK\r\n!!");
        assertThat(at.execute(AtCommand.of("AT+QIRD=0,1500").withRawData("+QIRD:")).data()).isEmpty();
        assertThat(send("AT+QISTATE=1,0").lines().get(0)).startsWith("+QISTATE: 0,\"TCP\",\"127.0.0.1\"");
        assertThat(send("AT+QICLOSE=0").isOk()).isTrue();
    }

    @Test
    void openErrorsComeAsUrcCodes() throws Exception {
        start(LinkModel.INSTANT, Faults.NONE, "");
        send("ATE0");
        send("AT+QIOPEN=1,1,\"TCP\",\"127.0.0.1\",1,0,0");
        assertThat(urc("+QIOPEN:")).isEqualTo("+QIOPEN: 1,561"); // no PDP context
        send("AT+QIACT=1");
        int closedPort;
        try (ServerSocket probe = new ServerSocket(0)) {
            closedPort = probe.getLocalPort();
        }
        send("AT+QIOPEN=1,1,\"TCP\",\"127.0.0.1\"," + closedPort + ",0,0");
        assertThat(urc("+QIOPEN:")).isEqualTo("+QIOPEN: 1,566");
        send("AT+QIOPEN=1,2,\"TCP\",\"no-such-host.invalid\",80,0,0");
        assertThat(urc("+QIOPEN:")).isEqualTo("+QIOPEN: 2,565");
    }

    @Test
    void theSignalAndOperatorAreReportedAsTheManualGivesThemOnceRegistered() throws Exception {
        start(LinkModel.INSTANT, Faults.NONE, "");
        send("ATE0");
        assertThat(send("AT+QCSQ").lines()).containsExactly("+QCSQ: \"eMTC\",-73,-95,130,-11");
        assertThat(send("AT+COPS?").lines()).singleElement().asString().startsWith("+COPS: 0,0,\"");
        send("AT+CFUN=0");
        assertThat(send("AT+QCSQ").lines()).containsExactly("+QCSQ: \"NOSERVICE\"");
        assertThat(send("AT+COPS?").lines()).containsExactly("+COPS: 0");
    }

    @Test
    void injectedFaultsKeepTheChannelUsable() throws Exception {
        start(LinkModel.INSTANT, new Faults(0, true, 100, 20, 30, 0, 7), "");
        send("ATE0");
        send("AT+CEREG=1");
        for (int i = 0; i < 20; i++) {
            assertThat(send("AT+CSQ").lines()).containsExactly("+CSQ: 20,99");
        }
        assertThat(urc("+CEREG:")).as("URCs injected inside responses reach their listener").isNotNull();
    }

    @Test
    void theSerialLineIsPacedToTheBaudRate() throws Exception {
        start(LinkModel.INSTANT.withBaud(9600), Faults.NONE, "");
        send("ATE0");
        long t0 = System.nanoTime();
        for (int i = 0; i < 10; i++) {
            send("ATI");
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        // 10 x ("ATI\r" + ~50 bytes of answer) at 960 bytes/s is over 0.5 s on any machine: pacing is in effect.
        assertThat(millis).isGreaterThan(500);
    }

    @Test
    void argumentsSplitOnCommasOutsideQuotes() {
        assertThat(Bg95Emulator.arguments("1,0,\"TCP\",\"a,b\",80")).isEqualTo(List.of("1", "0", "TCP", "a,b", "80"));
    }
}
