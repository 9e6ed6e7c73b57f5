package io.uplink.modem.serial;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.uplink.modem.AtCommand;
import io.uplink.modem.AtResponse;
import io.uplink.modem.FinalResult.Kind;
import io.uplink.modem.ModemIdentity;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The channel against a modem that frames commands as Nordic's Serial LTE Modem does (sdk-nrf slm_at_host.c): a
 * command ends at CR+LF outside quotes (a CR alone is kept in the buffer), text before "AT" is skipped, only AT,
 * AT+, AT% and AT# pass its grammar check (ATE0 and ATI answer ERROR), no echo; data mode after AT#XSEND answers OK
 * and ends at "+++" with #XDATAMODE: 0.
 */
class SerialLteModemChannelTest {

    @org.junit.jupiter.api.io.TempDir
    java.nio.file.Path dir;
    private PipeLink link;
    private SerialAtChannel channel;
    private Thread modem;
    private final List<String> received = new CopyOnWriteArrayList<>();
    private final ByteArrayOutputStream data = new ByteArrayOutputStream();

    @BeforeEach
    void start() throws IOException {
        link = new PipeLink();
        modem = new Thread(this::serve, "slm-like");
        modem.setDaemon(true);
        modem.start();
        channel = new SerialAtChannel(link);
    }

    @AfterEach
    void stop() throws IOException {
        channel.close();
        link.close();
    }

    @Test
    void aModemSilentToCrAloneIsIdentifiedWithCrLfLineEnds() throws Exception {
        ModemIdentity id = ModemIdentification.identify(channel);
        assertThat(id).isEqualTo(new ModemIdentity("Nordic Semiconductor ASA", "nRF9160-SICA", "mfw_nrf9160_1.3.5",
                "352656100367872"));
        assertThat(channel.lineEnd()).isEqualTo("\r\n");
        assertThat(channel.execute(AtCommand.of("AT+CGMM")).lines()).containsExactly("nRF9160-SICA");
    }

    @Test
    void theDoctorsLineEndChoiceFindsCrLfForTheSerialLteModem() throws Exception {
        ModemIdentification.chooseLineEnd(channel);
        assertThat(channel.lineEnd()).isEqualTo("\r\n");
        assertThat(channel.execute(AtCommand.of("AT")).isOk()).isTrue();
    }

    @Test
    void aModemAnsweringCrAloneKeepsCr() throws Exception {
        try (PtyPair pty = new PtyPair(dir);
                ScriptedModem v250 = new ScriptedModem(pty.modemLink(), ScriptedModem::wellBehaved);
                SerialAtChannel ch = new SerialAtChannel(pty.gatewayLink())) {
            ModemIdentification.chooseLineEnd(ch);
            assertThat(ch.lineEnd()).isEqualTo("\r");
            assertThat(ModemIdentification.identify(ch).manufacturer()).isEqualTo("Quectel");
            assertThat(ch.lineEnd()).isEqualTo("\r");
        }
    }

    @Test
    void dataModeTakesOkAsItsPromptAndEndsAtTheDataModeLine() throws Exception {
        channel.lineEnd("\r\n");
        byte[] payload = "a\r\nOK\r\nb+++".getBytes(StandardCharsets.ISO_8859_1);
        AtResponse r = channel.execute(AtCommand.of("AT#XSEND").withPayload("OK", payload)
                .withFinalResult("#XDATAMODE: 0", Kind.OK));
        assertThat(r.isOk()).isTrue();
        assertThat(r.result().text()).isEqualTo("#XDATAMODE: 0");
        assertThat(data.toString(StandardCharsets.ISO_8859_1)).isEqualTo("a\r\nOK\r\nb");
    }

    @Test
    void lineFeedsInsideQuotesDoNotEndTheCommand() throws Exception {
        channel.lineEnd("\r\n");
        AtResponse r = channel.execute(AtCommand.ofQuotedText("AT%CMNG=0,42,0,\"-----BEGIN X-----\nAAAA\n-----END "
                + "X-----\n\""));
        assertThat(r.isOk()).isTrue();
        assertThat(received).contains("AT%CMNG=0,42,0,\"-----BEGIN X-----\nAAAA\n-----END X-----\n\"");
    }

    private void serve() {
        try {
            InputStream in = link.modemIn;
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            boolean quoted = false;
            int prev = -1;
            int c;
            while ((c = in.read()) >= 0) {
                if (c == '\n' && !quoted && prev == '\r') {
                    byte[] b = line.toByteArray();
                    line.reset();
                    answer(new String(b, 0, b.length - 1, StandardCharsets.ISO_8859_1), in);
                    prev = -1;
                    continue;
                }
                if (c == '"') {
                    quoted = !quoted;
                }
                line.write(c);
                prev = c;
            }
        } catch (IOException e) {
            // the test is over
        }
    }

    private void answer(String buffer, InputStream in) throws IOException {
        int at = buffer.toUpperCase().indexOf("AT");
        String cmd = at < 0 ? buffer : buffer.substring(at);
        received.add(cmd);
        OutputStream out = link.modemOut;
        if (!cmd.matches("(?s)(?i)AT([+%#][A-Za-z0-9]+.*)?")) {
            out.write("\r\nERROR\r\n".getBytes(StandardCharsets.ISO_8859_1));
            return;
        }
        String reply = switch (cmd.toUpperCase().replaceAll("(?s)[=?].*", "")) {
        case "AT" -> "";
        case "AT+CGMI" -> "Nordic Semiconductor ASA";
        case "AT+CGMM" -> "nRF9160-SICA";
        case "AT+CGMR" -> "mfw_nrf9160_1.3.5";
        case "AT+CGSN" -> "352656100367872";
        case "AT#XSEND" -> null;
        default -> "";
        };
        if (reply == null) {
            out.write("\r\nOK\r\n".getBytes(StandardCharsets.ISO_8859_1));
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            int c;
            while ((c = in.read()) >= 0) {
                got.write(c);
                String s = got.toString(StandardCharsets.ISO_8859_1);
                if (s.endsWith("+++")) {
                    data.writeBytes(s.substring(0, s.length() - 3).getBytes(StandardCharsets.ISO_8859_1));
                    out.write("\r\n#XDATAMODE: 0\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    return;
                }
            }
            return;
        }
        out.write(((reply.isEmpty() ? "" : "\r\n" + reply + "\r\n") + "\r\nOK\r\n").getBytes(
                StandardCharsets.ISO_8859_1));
    }
}
