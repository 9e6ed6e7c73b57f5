package io.uplink.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import io.uplink.diagnostics.Finding;
import io.uplink.diagnostics.Finding.Status;
import io.uplink.diagnostics.Layer;
import io.uplink.modem.serial.PtyPair;
import io.uplink.modem.serial.ScriptedModem;
import io.uplink.modem.serial.SerialAtChannel;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The doctor's serial rungs on a real port (jSerialComm on a socat pty) against a modem that misbehaves. */
class ModemRungsOverPtyTest {

    @TempDir
    Path dir;
    private PtyPair pty;
    private ScriptedModem modem;
    private SerialAtChannel at;

    @BeforeEach
    void open() throws Exception {
        pty = new PtyPair(dir);
        modem = new ScriptedModem(pty.modemLink(), ScriptedModem::wellBehaved);
        at = new SerialAtChannel(pty.gatewayLink());
    }

    @AfterEach
    void close() throws Exception {
        modem.floodOver = true;
        at.close();
        modem.close();
        pty.close();
    }

    private static ScriptedModem.Script floodsOn(String trigger, byte[] unit) {
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

    private static Finding last(List<Finding> findings) {
        return findings.get(findings.size() - 1);
    }

    @Test
    void endlessLinesInsteadOfAnIdentityAreNoiseNotAModule() {
        byte[] line = new byte[4002];
        Arrays.fill(line, (byte) 'X');
        line[4000] = '\r';
        line[4001] = '\n';
        modem.script(floodsOn("ATI", line));
        List<Finding> findings = ModemRungs.walk(at, "/dev/ttyUSB2");
        Finding f = last(findings);
        assertThat(f.cause()).isEqualTo("serial.noise");
        assertThat(f.layer()).isEqualTo(Layer.SERIAL);
        assertThat(f.status()).isEqualTo(Status.FAIL);
        assertThat(f.summary()).contains("sends endless data (").contains("wrong baud rate");
        assertThat(f.fix()).contains("baud rate").contains("AT port");
        assertThat(f.evidence()).first().isEqualTo("-> ATI");
        assertThat(f.evidence().get(1)).startsWith("<- [").contains(" bytes] XXXX").hasSizeLessThan(300);
    }

    @Test
    void aLineLessBinaryAnswerShowsItsBytesAndIsNoise() {
        byte[] binary = new byte[2048];
        for (int i = 0; i < binary.length; i++) {
            binary[i] = (byte) (0x80 | i * 7); // no CR, no LF, nothing printable: what a wrong baud rate looks like
        }
        modem.script((command, m) -> m.write(binary)); // instead of every answer
        List<Finding> findings = ModemRungs.walk(at, "/dev/ttyUSB2");
        Finding f = last(findings);
        assertThat(f.cause()).isEqualTo("serial.noise");
        assertThat(f.summary()).contains("2048 bytes arrived, none of them an answer").contains("wrong baud rate");
        assertThat(f.evidence()).containsExactly("-> AT", f.evidence().get(1));
        assertThat(f.evidence().get(1)).startsWith("<- [2048 bytes] \\x80\\x87").endsWith("...")
                .hasSizeLessThan(300).doesNotContain("(nothing)");
    }

    @Test
    void urcsDuringIdentificationAreNotTheModulesName() {
        modem.script((command, m) -> {
            if (command.equalsIgnoreCase("ATI")) {
                StringBuilder flood = new StringBuilder();
                for (int i = 0; i < 100; i++) {
                    flood.append("\r\nRING\r\n\r\n+CREG: 1\r\n\r\n+CEREG: 5\r\n");
                }
                m.say(flood + "\r\nQuectel\r\n\r\nRING\r\nBG95-M3\r\n+CREG: 1\r\nRevision: BG95M3LAR02A03\r\n"
                        + "\r\nOK\r\n");
                return;
            }
            ScriptedModem.wellBehaved(command, m);
        });
        List<Finding> findings = ModemRungs.walk(at, "/dev/ttyUSB2");
        Finding identity = findings.stream().filter(f -> f.layer() == Layer.IDENTITY).findFirst()
                .orElseThrow(() -> new AssertionError("no identity rung in " + findings));
        assertThat(identity.status()).isEqualTo(Status.PASS);
        assertThat(identity.summary()).isEqualTo("The module is Quectel BG95-M3 Revision: BG95M3LAR02A03.");
    }
}
