package io.uplink.modem.quectel;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.uplink.modem.serial.PtyPair;
import io.uplink.modem.Modem;
import io.uplink.modem.ModemSettings;
import io.uplink.modem.emulator.Bg95Emulator;
import io.uplink.modem.emulator.Faults;
import io.uplink.modem.emulator.LinkModel;
import io.uplink.modem.serial.JSerialCommLink;
import io.uplink.modem.serial.ModemIdentification;
import io.uplink.modem.serial.SerialAtChannel;
import io.uplink.transport.Connection;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real serial path: jSerialComm on a pseudo-terminal made by socat, the emulated BG95 on the other end, 1 MiB each
 * way to a TCP echo server, byte-exact, with URCs injected inside responses and slow answers.
 */
class QuectelOverPtyTest {

    @TempDir
    Path dir;

    @Test
    void oneMebibyteEachWayOverAPseudoTerminal() throws Exception {
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
            Faults faults = Faults.NONE.withUrcInsideResponses(20).withSlowResponses(1);
            Bg95Emulator emulator = new Bg95Emulator(pty.modemLink(), LinkModel.INSTANT, faults, "");
            SerialAtChannel at = new SerialAtChannel(JSerialCommLink.open(pty.gatewayEnd.toString(), 115200, false));
            try {
                Modem modem = new QuectelBg9xDialect().attach(at, ModemIdentification.identify(at),
                        new ModemSettings("pty", "", "", "", 1, Map.of()));
                try (Connection c = modem.transport().connect("127.0.0.1", echo.getLocalPort(),
                        Duration.ofSeconds(30))) {
                    byte[] data = new byte[Integer.getInteger("uplink.pty.bytes", 1 << 20)];
                    new Random(2026).nextBytes(data);
                    CompletableFuture<byte[]> back = CompletableFuture.supplyAsync(() -> {
                        try {
                            return c.input().readNBytes(data.length);
                        } catch (IOException e) {
                            throw new RuntimeException(e);
                        }
                    });
                    c.output().write(data);
                    byte[] received = back.get(10, TimeUnit.MINUTES);
                    assertThat(MessageDigest.getInstance("SHA-256").digest(received))
                            .isEqualTo(MessageDigest.getInstance("SHA-256").digest(data));
                }
                modem.detach();
            } finally {
                at.close();
                emulator.close();
            }
        }
    }
}
