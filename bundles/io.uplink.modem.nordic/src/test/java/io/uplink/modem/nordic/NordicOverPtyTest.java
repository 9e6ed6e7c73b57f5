package io.uplink.modem.nordic;

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
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.uplink.modem.Modem;
import io.uplink.modem.ModemCredentials;
import io.uplink.modem.ModemIdentity;
import io.uplink.modem.ModemSettings;
import io.uplink.modem.ProvisioningListener;
import io.uplink.modem.ProvisioningReport;
import io.uplink.modem.RegistrationState;
import io.uplink.modem.emulator.Faults;
import io.uplink.modem.emulator.LinkModel;
import io.uplink.modem.emulator.Nrf9160Emulator;
import io.uplink.modem.serial.JSerialCommLink;
import io.uplink.modem.serial.ModemIdentification;
import io.uplink.modem.serial.PtyPair;
import io.uplink.modem.serial.SerialAtChannel;
import io.uplink.transport.Connection;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real serial path to the emulated nRF9160 (emulator:nrf9160, written from the same manual by another hand): jSerialComm
 * on a socat pseudo-terminal, identification with CR+LF, attach from CFUN=0, bytes through #XSOCKET to a TCP echo
 * server byte-exact (plus signs included), and provisioning while online through CFUN=4 and back.
 */
class NordicOverPtyTest {

    @TempDir
    Path dir;

    /** The gateway's side: the nRF9160 on a pty with its emulator on the other end. */
    static final class Rig implements AutoCloseable {
        final PtyPair pty;
        final Nrf9160Emulator emulator;
        final SerialAtChannel at;
        final ModemIdentity identity;
        final Modem modem;

        Rig(Path dir) throws Exception {
            pty = new PtyPair(dir);
            emulator = new Nrf9160Emulator(pty.modemLink(), LinkModel.INSTANT, Faults.NONE, "");
            at = new SerialAtChannel(JSerialCommLink.open(pty.gatewayEnd.toString(), 115200, false));
            identity = ModemIdentification.identify(at);
            NordicSlmDialect dialect = new NordicSlmDialect();
            assertThat(dialect.matches(identity)).as(identity.toString()).isTrue();
            modem = dialect.attach(at, identity, new ModemSettings("iot.emulated", "", "", "", 1,
                    Map.of("registration.timeout.s", "20")));
        }

        @Override
        public void close() throws Exception {
            modem.detach();
            at.close();
            emulator.close();
            pty.close();
        }
    }

    @Test
    void identifiedAttachedAndBytesGoBothWaysExactly() throws Exception {
        try (ServerSocket echo = new ServerSocket(0, 2, InetAddress.getLoopbackAddress()); Rig rig = new Rig(dir)) {
            assertThat(rig.at.lineEnd()).isEqualTo("\r\n");
            assertThat(rig.identity.manufacturer()).startsWith("Nordic");
            assertThat(rig.modem.registration().isRegistered()).isTrue();
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
            try (Connection c = rig.modem.transport().connect("127.0.0.1", echo.getLocalPort(),
                    Duration.ofSeconds(30))) {
                byte[] data = new byte[Integer.getInteger("uplink.pty.bytes", 64 * 1024)];
                new Random(9160).nextBytes(data);
                byte[] plus = "+++ a+ ++ +++++ end+".getBytes(StandardCharsets.US_ASCII);
                System.arraycopy(plus, 0, data, 100, plus.length);
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
        }
    }

    @Test
    void provisioningWhileOnlineGoesOfflineAndComesBackAndIdenticalContentIsLeftAlone() throws Exception {
        String ca = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUX0ZQ\n-----END CERTIFICATE-----\n";
        try (ServerSocket server = new ServerSocket(0, 2, InetAddress.getLoopbackAddress()); Rig rig = new Rig(dir)) {
            Connection before = rig.modem.transport().connect("127.0.0.1", server.getLocalPort(),
                    Duration.ofSeconds(30));
            ProvisioningReport r = rig.modem.tls().orElseThrow().provision(ModemCredentials.trust("e2e-ca",
                    ca.getBytes(StandardCharsets.US_ASCII)), ProvisioningListener.NONE);
            assertThat(r.unchanged()).isFalse();
            assertThat(r.items().get(0).verification()).contains("AT+CFUN=4").contains("SHA-256");
            assertThat(rig.modem.registration()).isIn(RegistrationState.HOME, RegistrationState.ROAMING);
            assertThat(before.isOpen()).as("connections close when the modem goes offline").isFalse();
            assertThatThrownBy(() -> before.output().write(1)).hasMessageContaining("offline");
            try (Connection after = rig.modem.transport().connect("127.0.0.1", server.getLocalPort(),
                    Duration.ofSeconds(30))) {
                assertThat(after.isOpen()).isTrue();
            }
            ProvisioningReport again = rig.modem.tls().orElseThrow().provision(ModemCredentials.trust("e2e-ca",
                    ca.getBytes(StandardCharsets.US_ASCII)), ProvisioningListener.NONE);
            assertThat(again.unchanged()).as(again.toString()).isTrue();
            assertThat(again.bytesSent()).isZero();
            assertThat(rig.modem.tls().orElseThrow().stored()).extracting(s -> s.name()).contains("e2e-ca");
        }
    }
}
