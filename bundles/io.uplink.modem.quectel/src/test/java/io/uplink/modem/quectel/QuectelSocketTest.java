package io.uplink.modem.quectel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;

import org.junit.jupiter.api.Test;

/** One BG95 socket against a scripted module: which close reports belong to it. */
class QuectelSocketTest {

    private static final String OPEN = "AT+QIOPEN=1,0,\"TCP\",\"broker.example\",1883,0,0";

    private static QuectelSocket opened(ScriptedAtChannel at) throws Exception {
        QuectelSocket s = new QuectelSocket(0, QuectelCommands.TCP, at, OPEN, "broker.example", 1883, () -> { });
        at.onUrc("+QIOPEN:", (line, data) -> s.urcOpened(0));
        return s;
    }

    /**
     * The module may report the last connection on an ID closed just after it answered that connection's
     * AT+QICLOSE, when the next socket already holds the ID. Seen in CI: the doctor's host TLS through the emulated
     * BG95 then failed "right after the ClientHello".
     */
    @Test
    void aCloseReportBeforeTheOpenResultIsAboutTheLastConnectionOnTheId() throws Exception {
        ScriptedAtChannel at = new ScriptedAtChannel();
        QuectelSocket s = opened(at);
        s.urcClosed("+QIURC: \"closed\",0");
        at.expect(OPEN).thenUrc("+QIOPEN: 0,0");
        s.open("broker.example", 1883, Duration.ofSeconds(5));
        assertThat(s.isOpen()).isTrue();

        // A close after the open result is this connection's own.
        s.urcClosed("+QIURC: \"closed\",0");
        assertThat(s.isOpen()).isFalse();
        at.expect("AT+QIRD=0,1500").lines("+QIRD: 0");
        assertThatThrownBy(() -> s.input().read()).isInstanceOf(IOException.class)
                .hasMessageContaining("closed");
    }
}
