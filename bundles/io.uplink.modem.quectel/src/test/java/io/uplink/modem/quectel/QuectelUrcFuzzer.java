package io.uplink.modem.quectel;

import io.uplink.modem.serial.FuzzedAtChannel;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import io.uplink.modem.ModemIdentity;
import io.uplink.modem.RegistrationState;
import io.uplink.transport.Connection;
import io.uplink.transport.TransportException;

/**
 * Coverage-guided fuzzing of the Quectel dialect's URC parsers (docs/FUZZING.md): an attached module with one open
 * socket receives any sequence of {@code +QIURC}, {@code +QSSLURC}, {@code +QIOPEN}, {@code +QSSLOPEN}, {@code +CEREG}
 * and {@code +CGREG} lines, and the socket is read from now and then (its {@code AT+QIRD} answered with anything).
 * The contract: a listener never throws (the channel would drop the URC), the registration is always a state, a
 * socket reported closed or lost is no longer open, and a read gives data, end of data, or an {@link IOException}.
 */
class QuectelUrcFuzzer {

    private static final ModemIdentity BG95 = new ModemIdentity("Quectel", "BG95-M3", "BG95M3LAR02A03", "1");
    private static final String[] PREFIXES = { "+QIURC: ", "+QSSLURC: ", "+QIOPEN: ", "+QSSLOPEN: ", "+CEREG: ",
        "+CGREG: ", "+QIURC: \"recv\",", "+QIURC: \"closed\",", "+QIURC: \"pdpdeact\",", "+QIURC:", "+CEREG:" };

    @FuzzTest
    void handlesAnyUrc(FuzzedDataProvider in) throws IOException {
        FuzzedAtChannel at = new FuzzedAtChannel(in);
        QuectelModem modem = new QuectelModem(at, BG95, 1, RegistrationState.HOME);
        // The module accepts the open and reports it at once, as its +QIOPEN URC does.
        at.onCommand(c -> {
            if (c.line().startsWith("AT+QIOPEN=")) {
                at.urc("+QIOPEN: 0,0");
            }
        });
        Connection socket;
        try {
            socket = modem.transport().connect("broker.example", 8883, Duration.ofSeconds(1));
        } catch (TransportException refused) {
            assertThat(refused.getMessage()).isNotBlank();
            return;
        }
        at.onCommand(c -> { });
        socket.setReadTimeout(Duration.ofMillis(1));
        byte[] buffer = new byte[QuectelSocket.MAX_READ];
        while (in.remainingBytes() > 0) {
            String line = in.pickValue(PREFIXES) + in.consumeString(40);
            at.urc(line);
            assertThat(modem.registration()).isNotNull();
            if (line.matches("\\+Q(I|SSL)URC: \"closed\",0(,.*)?|\\+Q(I|SSL)URC: \"pdpdeact\"(,.*)?")) {
                assertThat(socket.isOpen()).isFalse();
            }
            if (line.matches("\\+C[EG]REG: [0-5]")) {
                assertThat(modem.registration()).isEqualTo(RegistrationState.of(line.charAt(8) - '0'));
            }
            if (in.consumeInt(0, 7) == 0) {
                try {
                    int n = socket.input().read(buffer);
                    assertThat(n).isBetween(-1, buffer.length);
                } catch (IOException expected) {
                    assertThat(expected.getMessage()).isNotBlank();
                }
            }
        }
        socket.close();
        modem.detach();
        assertThat(at.listenerCount()).isZero();
    }
}
