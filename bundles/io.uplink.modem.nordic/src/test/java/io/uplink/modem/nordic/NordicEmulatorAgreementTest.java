package io.uplink.modem.nordic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;

import io.uplink.modem.AtCommand;
import io.uplink.modem.AtResponse;
import io.uplink.modem.FinalResult.Kind;
import io.uplink.modem.ModemException;
import io.uplink.modem.emulator.Faults;
import io.uplink.modem.emulator.LinkModel;
import io.uplink.modem.emulator.Nrf9160Emulator;
import io.uplink.modem.serial.JSerialCommLink;
import io.uplink.modem.serial.PtyPair;
import io.uplink.modem.serial.SerialAtChannel;
import io.uplink.transport.Connection;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The manual's words (sdk-nrf SLM docs and sources, Nordic's %CMNG reference, fact sheet §4 and §7) checked against
 * emulator:nrf9160, which another hand wrote from the same manual: each assertion quotes what the dialect relies on.
 * A failure here is a disagreement between the two readings, to be settled against the manual.
 */
class NordicEmulatorAgreementTest {

    @TempDir
    Path dir;

    private static AtResponse at(SerialAtChannel at, String line) throws ModemException {
        return at.execute(AtCommand.of(line));
    }

    @Test
    void framingStartStateAndCmngAsTheManualSays() throws Exception {
        try (PtyPair pty = new PtyPair(dir);
                Nrf9160Emulator emulator = new Nrf9160Emulator(pty.modemLink(), LinkModel.INSTANT, Faults.NONE, "")) {
            SerialAtChannel ch = new SerialAtChannel(JSerialCommLink.open(pty.gatewayEnd.toString(), 115200, false));
            try {
                // "a host sending only CR gets no answer"
                assertThatThrownBy(() -> ch.execute(AtCommand.of("AT").withTimeout(Duration.ofSeconds(2))))
                        .isInstanceOf(ModemException.class);
                ch.lineEnd("\r\n");
                ch.execute(AtCommand.of("AT")); // ends what the CR-only line left behind
                assertThat(at(ch, "AT").isOk()).isTrue();
                // "ATI and ATE0 answer ERROR"
                assertThat(at(ch, "ATE0").result().kind()).isEqualTo(Kind.ERROR);
                assertThat(at(ch, "ATI").result().kind()).isEqualTo(Kind.ERROR);
                assertThat(at(ch, "AT+CGMI").lines()).containsExactly("Nordic Semiconductor ASA");
                assertThat(at(ch, "AT+CGMM").lines().get(0)).startsWith("nRF9160");
                assertThat(at(ch, "AT#XSLMVER").line("#XSLMVER:")).isNotNull();
                // "starts in CFUN=0"
                assertThat(at(ch, "AT+CFUN?").line("+CFUN:")).isEqualTo("+CFUN: 0");
                at(ch, "AT+CFUN=1");
                // "CMEE 0, so a 518 shows as plain ERROR until AT+CMEE=1"
                AtCommand write = AtCommand.ofQuotedText("AT%CMNG=0,77,0,\"-----BEGIN CERTIFICATE-----\nAA\n"
                        + "-----END CERTIFICATE-----\n\"");
                assertThat(ch.execute(write).result().text()).isEqualTo("ERROR");
                at(ch, "AT+CMEE=1");
                // "writes need CFUN=4 (else +CME ERROR: 518)"
                assertThat(ch.execute(write).result().text()).isEqualTo("+CME ERROR: 518");
                at(ch, "AT+CFUN=4");
                assertThat(ch.execute(write).isOk()).isTrue();
                // "the list shows the SHA-256 in upper case"
                String listed = at(ch, "AT%CMNG=1,77").line("%CMNG:");
                assertThat(listed).isEqualTo("%CMNG: 77,0,\"" + NordicCmng.sha256(("-----BEGIN CERTIFICATE-----\nAA\n"
                        + "-----END CERTIFICATE-----\n").getBytes()) + "\"");
                // "write replaces an existing entry (519 is not the normal answer)"
                assertThat(ch.execute(AtCommand.ofQuotedText("AT%CMNG=0,77,0,\"-----BEGIN CERTIFICATE-----\nBB\n"
                        + "-----END CERTIFICATE-----\n\"")).isOk()).isTrue();
                // "the CA can be read back"; "the client certificate and key cannot (514)"
                assertThat(at(ch, "AT%CMNG=2,77,0").isOk()).isTrue();
                assertThat(ch.execute(AtCommand.ofQuotedText("AT%CMNG=0,77,1,\"-----BEGIN CERTIFICATE-----\nCC\n"
                        + "-----END CERTIFICATE-----\n\"")).isOk()).isTrue();
                assertThat(at(ch, "AT%CMNG=2,77,1").result().text()).isEqualTo("+CME ERROR: 514");
                // "513 not found"
                assertThat(at(ch, "AT%CMNG=2,78,0").result().text()).isEqualTo("+CME ERROR: 513");
            } finally {
                ch.close();
            }
        }
    }

    @Test
    void anOrderlyCloseByThePeerIsAnXrecvWithoutData() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 2, InetAddress.getLoopbackAddress());
                NordicOverPtyTest.Rig rig = new NordicOverPtyTest.Rig(dir)) {
            Connection c = rig.modem.transport().connect("127.0.0.1", server.getLocalPort(), Duration.ofSeconds(30));
            try (Socket accepted = server.accept()) {
                accepted.getOutputStream().write("bye".getBytes());
            }
            c.setReadTimeout(Duration.ofSeconds(20));
            assertThat(new String(c.input().readNBytes(3))).isEqualTo("bye");
            // recv() returning 0 answers OK without #XRECV (slm_at_socket.c do_recv): reported as the peer's close
            assertThatThrownBy(() -> c.input().read()).isInstanceOf(ModemException.class)
                    .hasMessageContaining("closed");
            c.close();
        }
    }
}
