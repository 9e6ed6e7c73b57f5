package io.uplink.modem.quectel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import io.uplink.modem.serial.PtyPair;
import io.uplink.modem.Modem;
import io.uplink.modem.emulator.Bg95Emulator;
import io.uplink.modem.emulator.Faults;
import io.uplink.modem.emulator.LinkModel;
import io.uplink.modem.serial.SupervisedModem;
import io.uplink.transport.Connection;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A BG95 that restarts while attached (RDY, APP RDY), on the real serial path (jSerialComm on a socat pty) under the
 * modem supervisor: its open sockets are reported closed to their users, and it is attached again on its own.
 */
class QuectelRestartTest {

    @TempDir
    Path dir;

    @Test
    void aRestartClosesTheSocketsForTheirUsersAndTheModemIsAttachedAgain() throws Exception {
        try (ServerSocket echo = new ServerSocket(0, 4, InetAddress.getLoopbackAddress());
                PtyPair pty = new PtyPair(dir)) {
            Thread echoThread = new Thread(() -> {
                while (!echo.isClosed()) {
                    try {
                        Socket s = echo.accept();
                        Thread t = new Thread(() -> {
                            try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                                in.transferTo(out);
                            } catch (IOException ignored) {
                                // the test ends the connection
                            }
                        });
                        t.setDaemon(true);
                        t.start();
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            echoThread.setDaemon(true);
            echoThread.start();
            Bg95Emulator emulator = new Bg95Emulator(pty.modemLink(), LinkModel.INSTANT, Faults.NONE, "");
            try (SupervisedModem supervised = new SupervisedModem(pty.gatewayEnd.toString(),
                    new QuectelBg9xDialect())) {
                Modem first = supervised.awaitAttached(Duration.ofSeconds(60));
                Connection c = first.transport().connect("127.0.0.1", echo.getLocalPort(), Duration.ofSeconds(30));
                c.output().write("before".getBytes(StandardCharsets.US_ASCII));
                c.output().flush();
                assertThat(c.input().readNBytes(6)).isEqualTo("before".getBytes(StandardCharsets.US_ASCII));

                emulator.boot(); // RDY, APP RDY: the module restarted

                CompletableFuture<Integer> read = CompletableFuture.supplyAsync(() -> {
                    try {
                        return c.input().read();
                    } catch (IOException e) {
                        throw new CompletionException(e);
                    }
                });
                assertThatThrownBy(() -> read.get(60, TimeUnit.SECONDS))
                        .as("the user of the open socket learns it is gone").hasCauseInstanceOf(IOException.class);
                Modem second = supervised.awaitAttached(Duration.ofSeconds(60));
                try (Connection again = second.transport().connect("127.0.0.1", echo.getLocalPort(),
                        Duration.ofSeconds(30))) {
                    again.output().write("after".getBytes(StandardCharsets.US_ASCII));
                    again.output().flush();
                    assertThat(again.input().readNBytes(5)).isEqualTo("after".getBytes(StandardCharsets.US_ASCII));
                }
                c.close();
            } finally {
                emulator.close();
            }
        }
    }
}
