package io.uplink.modem.nordic;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;

import io.uplink.modem.Modem;
import io.uplink.modem.emulator.Faults;
import io.uplink.modem.emulator.LinkModel;
import io.uplink.modem.emulator.Nrf9160Emulator;
import io.uplink.modem.serial.PtyPair;
import io.uplink.modem.serial.SupervisedModem;
import io.uplink.transport.Connection;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway's modem supervisor (io.uplink.modem.serial's ModemComponent, as DS runs it) on a pty to
 * emulator:nrf9160, with the Nordic dialect registered: it identifies the module with CR+LF line ends, picks the
 * dialect by its answers to AT+CGMI/AT+CGMM, attaches it and publishes a modem whose sockets work.
 */
class NordicSupervisedTest {

    @TempDir
    Path dir;

    @Test
    void theSupervisorIdentifiesAttachesAndPublishesTheNrf91() throws Exception {
        try (PtyPair pty = new PtyPair(dir);
                Nrf9160Emulator emulator = new Nrf9160Emulator(pty.modemLink(), LinkModel.INSTANT, Faults.NONE, "");
                SupervisedModem supervised = new SupervisedModem(pty.gatewayEnd.toString(), new NordicSlmDialect());
                ServerSocket server = new ServerSocket(0, 2, InetAddress.getLoopbackAddress())) {
            Modem modem = supervised.awaitAttached(Duration.ofSeconds(60));
            assertThat(modem).as("published within 60 s").isNotNull();
            assertThat(modem.dialectFamily()).isEqualTo("nordic-nrf91-slm");
            assertThat(modem.identity().model()).startsWith("nRF9160");
            assertThat(modem.registration().isRegistered()).isTrue();
            try (Connection c = modem.transport().connect("127.0.0.1", server.getLocalPort(),
                    Duration.ofSeconds(30))) {
                assertThat(c.isOpen()).isTrue();
            }
        }
    }
}
