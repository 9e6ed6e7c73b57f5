package io.uplink.modem.serial;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

import io.uplink.modem.AtCommand;
import io.uplink.modem.AtResponse;
import io.uplink.modem.ModemException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The channel on a real port (jSerialComm on a socat pty) against a modem that misbehaves in ways the field shows. */
class SerialAtChannelOverPtyTest {

    @TempDir
    Path dir;
    private PtyPair pty;
    private ScriptedModem modem;
    private SerialAtChannel channel;

    @BeforeEach
    void open() throws Exception {
        pty = new PtyPair(dir);
        modem = new ScriptedModem(pty.modemLink(), ScriptedModem::wellBehaved);
        channel = new SerialAtChannel(pty.gatewayLink());
    }

    @AfterEach
    void close() throws IOException {
        modem.stopped = true;
        channel.close();
        modem.close();
        pty.close();
    }

    /** Answers AT and ATE0, then streams 4000-character lines without a final result until stopped. */
    private static ScriptedModem.Script floodsAfter(String trigger, byte[] unit) {
        return (command, m) -> {
            if (!command.equalsIgnoreCase(trigger)) {
                ScriptedModem.wellBehaved(command, m);
                return;
            }
            while (!m.stopped && !m.floodOver) {
                m.write(unit);
            }
        };
    }

    private static byte[] line(int length) {
        byte[] b = new byte[length + 2];
        Arrays.fill(b, (byte) 'X');
        b[length] = '\r';
        b[length + 1] = '\n';
        return b;
    }

    @Test
    void endlessLinesFailTheCommandWithinTheLimitAndTheChannelRecovers() throws Exception {
        modem.script(floodsAfter("ATI", line(4000)));
        assertThat(channel.execute(AtCommand.of("ATE0")).isOk()).isTrue();

        assertThatThrownBy(() -> channel.execute(AtCommand.of("ATI").withTimeout(java.time.Duration.ofSeconds(20))))
                .isInstanceOfSatisfying(ModemException.class, e -> {
                    assertThat(e.dialectCode()).isEqualTo(SerialAtChannel.ENDLESS_DATA);
                    assertThat(e.getMessage()).contains("sends endless data (").contains(" bytes without a final "
                            + "result): wrong baud rate, a module stuck in data mode, or noise on the line");
                    assertThat(e.rawText()).startsWith("[").contains(" bytes] XXXX").endsWith("...")
                            .hasSizeLessThanOrEqualTo(SerialAtChannel.SAMPLE_BYTES * 4 + 30);
                    assertThat(e.fix()).contains("baud rate");
                });

        // once the module behaves again, the channel resynchronises and goes on
        modem.script(ScriptedModem::wellBehaved);
        modem.floodOver = true;
        assertThat(eventuallyOk()).isTrue();
    }

    @Test
    void aLineLessBinaryFloodFailsTheCommandToo() throws Exception {
        byte[] binary = new byte[1024];
        for (int i = 0; i < binary.length; i++) {
            binary[i] = (byte) (i * 37 + 0x80); // no CR, no LF: never a line
            if (binary[i] == '\r' || binary[i] == '\n') {
                binary[i] = 0;
            }
        }
        modem.script(floodsAfter("AT+CSQ", binary));
        assertThatThrownBy(() -> channel.execute(AtCommand.of("AT+CSQ").withTimeout(java.time.Duration.ofSeconds(20))))
                .isInstanceOfSatisfying(ModemException.class, e -> {
                    assertThat(e.dialectCode()).isEqualTo(SerialAtChannel.ENDLESS_DATA);
                    assertThat(e.rawText()).contains("\\x");
                });
    }

    @Test
    void anErrorOnTheReaderThreadClosesTheChannelInsteadOfLeavingItDeaf() throws Exception {
        channel.onUrc("+QIURC:", (line, data) -> {
            throw new OutOfMemoryError("Java heap space (simulated)");
        });
        modem.say("\r\n+QIURC: \"recv\",0\r\n");
        assertThatThrownBy(() -> channel.execute(AtCommand.of("AT"))).isInstanceOf(ModemException.class)
                .hasMessageContaining("is closed (reader error: java.lang.OutOfMemoryError");
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void echoedSecretsAreMaskedInTheDebugLogAsTheSentLinesAre() throws Exception {
        modem.echo(true); // a module after power-on, before ATE0
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream stderr = System.err;
        System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
        try {
            assertThat(channel.execute(AtCommand.of("AT+CPIN=\"9876\"").sensitive()).isOk()).isTrue();
            assertThat(channel.execute(AtCommand.of("AT+QICSGP=1,1,\"iot.example\",\"user\",\"ApnLeak77\",3")
                    .sensitive()).isOk()).isTrue();
        } finally {
            System.setErr(stderr);
        }
        String shown = log.toString(StandardCharsets.UTF_8);
        assertThat(shown).contains("AT> AT+CPIN=***").contains("AT< AT+CPIN=***").contains("AT< AT+QICSGP=***")
                .doesNotContain("9876").doesNotContain("ApnLeak77");
    }

    @Test
    void unsolicitedLinesNobodyListensToAreNotTakenForTheIdentity() throws Exception {
        String urcs = "\r\nRING\r\n\r\n+CREG: 1\r\n\r\n+CEREG: 5\r\n\r\n+QIND: SMS DONE\r\n";
        modem.script((command, m) -> {
            switch (command.toUpperCase()) {
            case "ATI" -> m.say(urcs + "\r\nQuectel\r\n" + urcs + "BG95-M3\r\nRevision: BG95M3LAR02A03\r\n\r\nOK\r\n");
            case "AT+CGSN" -> m.say(urcs + "\r\n860000000000001\r\n" + urcs + "\r\nOK\r\n");
            case "AT+CREG?" -> m.say(urcs + "\r\n+CREG: 0,1\r\n\r\nOK\r\n");
            default -> ScriptedModem.wellBehaved(command, m);
            }
        });
        assertThat(ModemIdentification.identify(channel))
                .isEqualTo(new io.uplink.modem.ModemIdentity("Quectel", "BG95-M3", "BG95M3LAR02A03", "860000000000001"));
        // a command's own prefix still belongs to it
        assertThat(channel.execute(AtCommand.of("AT+CREG?")).lines()).containsExactly("+CREG: 1", "+CREG: 0,1");
    }

    /** A few tries: bytes of the flood still in the pty's buffers may spoil the first. */
    private boolean eventuallyOk() {
        for (int i = 0; i < 5; i++) {
            try {
                AtResponse r = channel.execute(AtCommand.of("AT"));
                if (r.isOk()) {
                    return true;
                }
            } catch (ModemException e) {
                // try again
            }
        }
        return false;
    }
}
