package io.uplink.modem.quectel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.uplink.modem.Modem;
import io.uplink.modem.ModemException;
import io.uplink.modem.RegistrationState;
import io.uplink.modem.emulator.Faults;
import io.uplink.modem.emulator.LinkModel;
import io.uplink.transport.Connection;
import io.uplink.transport.TransportException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Quectel dialect drives the emulated BG95: attach, sockets, faults. */
class QuectelOverEmulatorTest {

    private ServerSocket echoServer;

    @BeforeEach
    void echoServer() throws IOException {
        echoServer = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
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
        echoServer.close();
    }

    @Test
    void attachesIdentifiedAndRegistered() throws Exception {
        try (EmulatedModem m = new EmulatedModem(LinkModel.INSTANT, Faults.NONE, "")) {
            Modem modem = m.attach(EmulatedModem.settings(""));
            assertThat(m.identity.manufacturer()).isEqualTo("Quectel");
            assertThat(m.identity.model()).isEqualTo("BG95-M3");
            assertThat(m.identity.revision()).isEqualTo("BG95M3LAR02A03");
            assertThat(m.identity.imei()).hasSize(15);
            assertThat(modem.registration()).isEqualTo(RegistrationState.HOME);
            assertThat(modem.transport().describe()).isEqualTo("Quectel BG95-M3 on emulated-bg95");
            // The emulator answers +CSQ: 20,99 and +QCSQ: "eMTC",-73,-95,130,-11 (SINR in fifths of a dB from -20).
            io.uplink.modem.SignalQuality signal = modem.signalQuality().orElseThrow();
            assertThat(signal.csq()).isEqualTo(20);
            assertThat(signal.rsrpDbm()).hasValue(-95);
            assertThat(signal.rsrqDb()).hasValue(-11);
            assertThat(signal.sinrDb()).hasValue(6);
            assertThat(signal.accessTechnology()).isEqualTo("eMTC");
            assertThat(modem.networkOperator()).as("AT+COPS? while registered").isPresent();
        }
    }

    @Test
    void aMissingSimPinIsExplainedAndAWrongOneIsNotRetried() throws Exception {
        try (EmulatedModem m = new EmulatedModem(LinkModel.INSTANT, Faults.NONE, "4711")) {
            assertThatThrownBy(() -> m.attach(EmulatedModem.settings(""))).isInstanceOf(ModemException.class)
                    .hasMessageContaining("PIN").satisfies(e -> assertThat(((ModemException) e).fix())
                            .contains("sim.pin"));
        }
        try (EmulatedModem m = new EmulatedModem(LinkModel.INSTANT, Faults.NONE, "4711")) {
            assertThatThrownBy(() -> m.attach(EmulatedModem.settings("1234"))).isInstanceOf(ModemException.class)
                    .hasMessageContaining("not retried");
        }
        try (EmulatedModem m = new EmulatedModem(LinkModel.INSTANT, Faults.NONE, "4711")) {
            assertThat(m.attach(EmulatedModem.settings("4711")).registration().isRegistered()).isTrue();
        }
    }

    @Test
    void oneMebibyteEachWayByteExactWithUrcsInsideResponsesAndSlowAnswers() throws Exception {
        Faults faults = Faults.NONE.withUrcInsideResponses(25).withSlowResponses(1);
        try (EmulatedModem m = new EmulatedModem(LinkModel.INSTANT, faults, "")) {
            Modem modem = m.attach(EmulatedModem.settings(""));
            try (Connection c = modem.transport().connect("127.0.0.1", echoServer.getLocalPort(),
                    Duration.ofSeconds(30))) {
                byte[] data = new byte[1 << 20];
                new Random(877).nextBytes(data);
                CompletableFuture<byte[]> received = CompletableFuture.supplyAsync(() -> {
                    try {
                        return c.input().readNBytes(data.length);
                    } catch (IOException e) {
                        throw new RuntimeException(e);
                    }
                });
                c.output().write(data);
                c.output().flush();
                byte[] back = received.get(5, TimeUnit.MINUTES);
                assertThat(MessageDigest.getInstance("SHA-256").digest(back))
                        .isEqualTo(MessageDigest.getInstance("SHA-256").digest(data));
            }
        }
    }

    @Test
    void aSocketClosedUnderwayIsAClearModemExceptionAndTheNextOpenWorks() throws Exception {
        try (EmulatedModem m = new EmulatedModem(LinkModel.INSTANT, Faults.NONE.withCloseAfterBytes(877), "")) {
            Modem modem = m.attach(EmulatedModem.settings(""));
            Connection c = modem.transport().connect("127.0.0.1", echoServer.getLocalPort(), Duration.ofSeconds(30));
            c.setReadTimeout(Duration.ofSeconds(30));
            byte[] chunk = new byte[200];
            assertThatThrownBy(() -> {
                for (int i = 0; i < 100; i++) {
                    c.output().write(chunk);
                    c.input().readNBytes(chunk.length);
                }
            }).isInstanceOf(ModemException.class).hasMessageContaining("closed").satisfies(e -> {
                ModemException me = (ModemException) e;
                // The module's own words: its closed URC, or (when ERROR came first) what AT+QISTATE says.
                assertThat(me.rawText()).matches("\\+QIURC: \"closed\",0|ERROR; (AT\\+QISTATE lists no socket 0"
                        + "|\\+QISTATE: 0,.*)");
                assertThat(me.getMessage()).contains("bytes sent").contains("received");
            });
            c.close();
            try (Connection again = modem.transport().connect("127.0.0.1", echoServer.getLocalPort(),
                    Duration.ofSeconds(30))) {
                again.output().write("ok".getBytes());
                assertThat(again.input().readNBytes(2)).isEqualTo("ok".getBytes());
            }
        }
    }

    @Test
    void openFailuresCarryTheCodeItsMeaningAndAFix() throws Exception {
        int closedPort;
        try (ServerSocket probe = new ServerSocket(0)) {
            closedPort = probe.getLocalPort();
        }
        try (EmulatedModem m = new EmulatedModem(LinkModel.INSTANT, Faults.NONE, "")) {
            Modem modem = m.attach(EmulatedModem.settings(""));
            assertThatThrownBy(() -> modem.transport().connect("127.0.0.1", closedPort, Duration.ofSeconds(30)))
                    .isInstanceOfSatisfying(TransportException.class, e -> {
                        assertThat(e.reason()).isEqualTo(TransportException.Reason.REFUSED);
                        assertThat(e.rawDetail()).isEqualTo("+QIOPEN: 0,566");
                        assertThat(e.getMessage()).contains("566").contains("connect failed");
                    });
            assertThatThrownBy(() -> modem.transport().connect("no-such-broker.invalid", 8883,
                    Duration.ofSeconds(30))).isInstanceOfSatisfying(TransportException.class,
                            e -> assertThat(e.reason()).isEqualTo(TransportException.Reason.DNS_FAILED));
        }
    }

    @Test
    void aDroppedDataSessionFailsTheSocketsAndIsReactivatedForTheNextConnection() throws Exception {
        try (EmulatedModem m = new EmulatedModem(LinkModel.INSTANT, Faults.NONE, "")) {
            Modem modem = m.attach(EmulatedModem.settings(""));
            Connection c = modem.transport().connect("127.0.0.1", echoServer.getLocalPort(), Duration.ofSeconds(30));
            c.setReadTimeout(Duration.ofSeconds(30));
            m.emulator.networkDropsDataSession();
            assertThatThrownBy(() -> c.input().read()).isInstanceOf(ModemException.class)
                    .hasMessageContaining("deactivated the data session");
            c.close();
            try (Connection again = modem.transport().connect("127.0.0.1", echoServer.getLocalPort(),
                    Duration.ofSeconds(30))) {
                again.output().write("back".getBytes());
                again.setReadTimeout(Duration.ofSeconds(30));
                assertThat(again.input().readNBytes(4)).isEqualTo("back".getBytes());
            }
        }
    }

    @Test
    void aReadTimeoutLeavesTheSocketUsable() throws Exception {
        try (EmulatedModem m = new EmulatedModem(LinkModel.INSTANT, Faults.NONE, "")) {
            Modem modem = m.attach(EmulatedModem.settings(""));
            try (Connection c = modem.transport().connect("127.0.0.1", echoServer.getLocalPort(),
                    Duration.ofSeconds(30))) {
                c.setReadTimeout(Duration.ofMillis(200));
                assertThatThrownBy(() -> c.input().read()).isInstanceOf(java.net.SocketTimeoutException.class);
                c.output().write(42);
                c.setReadTimeout(Duration.ofSeconds(10));
                assertThat(c.input().read()).isEqualTo(42);
            }
        }
    }
}
