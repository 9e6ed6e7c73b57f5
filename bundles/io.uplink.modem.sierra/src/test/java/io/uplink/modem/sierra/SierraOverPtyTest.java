package io.uplink.modem.sierra;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.uplink.modem.Modem;
import io.uplink.modem.ModemIdentity;
import io.uplink.modem.ModemSettings;
import io.uplink.modem.emulator.EmulatedModule;
import io.uplink.modem.emulator.ModuleSettings;
import io.uplink.modem.emulator.Personalities;
import io.uplink.modem.serial.JSerialCommLink;
import io.uplink.modem.serial.ModemIdentification;
import io.uplink.modem.serial.PtyPair;
import io.uplink.modem.serial.SerialAtChannel;
import io.uplink.transport.Connection;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real serial path: jSerialComm on a pseudo-terminal made by socat, {@code emulator:hl7800} on the other end,
 * identified by its own answers, 512 KiB each way to a TCP echo server, byte-exact, with the EOF pattern inside the
 * data every few hundred bytes (so that the cut around it is exercised on the wire, not only in a scripted channel).
 */
class SierraOverPtyTest {

    @TempDir
    Path dir;

    @Test
    void halfAMebibyteEachWayHoldingTheEofPatternArrivesByteExact() throws Exception {
        try (ServerSocket echo = new ServerSocket(0, 2, InetAddress.getLoopbackAddress());
                PtyPair pty = new PtyPair(dir)) {
            Thread echoThread = new Thread(() -> {
                try (Socket s = echo.accept(); InputStream in = s.getInputStream();
                        OutputStream out = s.getOutputStream()) {
                    in.transferTo(out);
                } catch (IOException ignored) {
                    // the test ends the connection
                }
            });
            echoThread.setDaemon(true);
            echoThread.start();
            EmulatedModule module = Personalities.start("emulator:hl7800", pty.modemLink(), ModuleSettings.INSTANT);
            SerialAtChannel at = new SerialAtChannel(JSerialCommLink.open(pty.gatewayEnd.toString(), 115200, false));
            try {
                ModemIdentity identity = ModemIdentification.identify(at);
                SierraHl78Dialect dialect = new SierraHl78Dialect();
                assertThat(dialect.matches(identity)).as(identity.toString()).isTrue();
                Modem modem = dialect.attach(at, identity, new ModemSettings("pty", "", "", "", 1,
                        Map.of("registration.timeout.s", "10")));
                byte[] data = new byte[512 * 1024];
                new Random(7800).nextBytes(data);
                byte[] pattern = SierraCommands.EOF_PATTERN.getBytes(StandardCharsets.US_ASCII);
                for (int off = 100; off + pattern.length < data.length; off += 700) {
                    System.arraycopy(pattern, 0, data, off, pattern.length);
                }
                try (Connection c = modem.transport().connect("127.0.0.1", echo.getLocalPort(),
                        Duration.ofSeconds(30))) {
                    CompletableFuture<byte[]> back = CompletableFuture.supplyAsync(() -> {
                        try {
                            return c.input().readNBytes(data.length);
                        } catch (IOException e) {
                            throw new RuntimeException(e);
                        }
                    });
                    c.output().write(data);
                    byte[] received = back.get(5, TimeUnit.MINUTES);
                    assertThat(MessageDigest.getInstance("SHA-256").digest(received))
                            .isEqualTo(MessageDigest.getInstance("SHA-256").digest(data));
                }
                modem.detach();
            } finally {
                at.close();
                module.close();
            }
        }
    }
}
