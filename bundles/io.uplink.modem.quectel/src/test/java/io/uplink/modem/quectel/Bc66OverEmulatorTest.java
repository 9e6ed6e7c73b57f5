package io.uplink.modem.quectel;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.uplink.modem.AtChannel;
import io.uplink.modem.AtCommand;
import io.uplink.modem.AtResponse;
import io.uplink.modem.Modem;
import io.uplink.modem.ModemException;
import io.uplink.modem.ModemIdentity;
import io.uplink.modem.ModemSettings;
import io.uplink.modem.UrcListener;
import io.uplink.modem.UrcSubscription;
import io.uplink.modem.emulator.Bc660kEmulator;
import io.uplink.modem.emulator.Faults;
import io.uplink.modem.emulator.VirtualSerialLine;
import io.uplink.modem.serial.ModemIdentification;
import io.uplink.modem.serial.SerialAtChannel;
import io.uplink.transport.Connection;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The BC66 dialect against the emulated BC660K-GL (written by another hand from the same manual) on its NB-IoT link:
 * 9,600 baud, 300 ms one way. Every byte value survives the hex path both ways, in push and in buffer mode, and the
 * AT traffic grows with kilobytes, not bytes: one {@code AT+QISEND} per 1,024 bytes, reads of up to 512 bytes.
 */
class Bc66OverEmulatorTest {

    /** Counts the commands sent, by their start. */
    private static final class CountingChannel implements AtChannel {
        final AtChannel inner;
        final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();

        CountingChannel(AtChannel inner) {
            this.inner = inner;
        }

        @Override
        public AtResponse execute(AtCommand command) throws ModemException {
            String line = command.line();
            int end = line.indexOf('=');
            counts.computeIfAbsent(end < 0 ? line : line.substring(0, end), k -> new AtomicInteger()).incrementAndGet();
            return inner.execute(command);
        }

        int count(String command) {
            AtomicInteger n = counts.get(command);
            return n == null ? 0 : n.get();
        }

        @Override
        public UrcSubscription onUrc(String prefix, UrcListener listener) {
            return inner.onUrc(prefix, listener);
        }

        @Override
        public String portName() {
            return inner.portName();
        }

        @Override
        public boolean isOpen() {
            return inner.isOpen();
        }
    }

    @ParameterizedTest(name = "receive {0}")
    @ValueSource(strings = { "push", "buffer" })
    void everyByteValueRoundTripsAtNbIotPaceInKilobyteCommands(String receive) throws Exception {
        byte[] data = new byte[2048];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) i;
        }
        VirtualSerialLine line = new VirtualSerialLine("emulated-bc660k", 9600);
        try (ServerSocket echo = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                Bc660kEmulator emulator = new Bc660kEmulator(line.modemEnd(), Bc660kEmulator.NB_IOT_LINK,
                        Faults.NONE, "");
                SerialAtChannel serial = new SerialAtChannel(line.gatewayEnd())) {
            Thread server = new Thread(() -> {
                try (Socket s = echo.accept(); InputStream in = s.getInputStream();
                        OutputStream out = s.getOutputStream()) {
                    in.transferTo(out);
                } catch (java.io.IOException ignored) {
                    // the test ended
                }
            }, "bc66-echo");
            server.setDaemon(true);
            server.start();
            ModemIdentity identity = ModemIdentification.identify(serial);
            QuectelBc66Dialect dialect = new QuectelBc66Dialect();
            assertThat(dialect.matches(identity)).as("%s", identity).isTrue();
            assertThat(new QuectelBg9xDialect().matches(identity)).isFalse();
            CountingChannel at = new CountingChannel(serial);
            Modem modem = dialect.attach(at, identity, new ModemSettings("", "", "", "", 0,
                    Map.of("registration.timeout.s", "30", "bc66.receive", receive)));
            try (Connection c = modem.transport().connect("127.0.0.1", echo.getLocalPort(), Duration.ofSeconds(60))) {
                c.setReadTimeout(Duration.ofSeconds(60));
                c.output().write(data);
                byte[] back = c.input().readNBytes(data.length);
                assertThat(back).isEqualTo(data);
            } finally {
                modem.detach();
            }
            assertThat(at.count("AT+QISEND")).as("sends of 1,024 bytes").isEqualTo(2);
            if (receive.equals("push")) {
                assertThat(at.count("AT+QIRD")).as("push mode reads nothing back").isZero();
            } else {
                assertThat(at.count("AT+QIRD")).as("reads of up to 512 bytes, and one empty read per notice")
                        .isBetween(4, 4 + 2 * (data.length / 512));
            }
        } finally {
            line.close();
        }
    }
}
