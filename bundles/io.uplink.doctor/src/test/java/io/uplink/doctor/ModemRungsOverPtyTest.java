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
        assertThat(f.evidence().get(1)).startsWith("<- XXXX").hasSizeLessThan(300);
    }
}
