package io.uplink.modem.quectel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.uplink.modem.AtChannel;
import io.uplink.modem.AtCommand;
import io.uplink.modem.AtResponse;
import io.uplink.modem.ModemException;
import io.uplink.modem.ModemIdentity;
import io.uplink.modem.RegistrationState;
import io.uplink.modem.UrcListener;
import io.uplink.modem.UrcSubscription;

/** URC lines found by {@link QuectelUrcFuzzer} that broke a listener (the channel then drops the URC). */
class QuectelUrcParsingTest {

    private final List<String[]> listeners = new ArrayList<>();
    private final List<UrcListener> handlers = new ArrayList<>();
    private final QuectelModem modem = new QuectelModem(new AtChannel() {
        @Override
        public AtResponse execute(AtCommand command) throws ModemException {
            throw new ModemException("not used", "", "", "");
        }

        @Override
        public UrcSubscription onUrc(String prefix, UrcListener listener) {
            listeners.add(new String[] { prefix });
            handlers.add(listener);
            return () -> { };
        }

        @Override
        public String portName() {
            return "test";
        }

        @Override
        public boolean isOpen() {
            return true;
        }
    }, new ModemIdentity("Quectel", "BG95-M3", "r", "1"), 1, RegistrationState.HOME);

    private void urc(String line) {
        for (int i = 0; i < listeners.size(); i++) {
            if (line.startsWith(listeners.get(i)[0])) {
                handlers.get(i).onUrc(line, new byte[0]);
            }
        }
    }

    @Test
    void aUrcOfOnlyCommasIsIgnored() {
        // Fuzzer input ",\0\0..." became the line "+QIURC: ," (fields split away to nothing: index 0 of 0).
        assertThatCode(() -> urc("+QIURC: ,")).doesNotThrowAnyException();
        assertThatCode(() -> urc("+QSSLURC: ,,,")).doesNotThrowAnyException();
        assertThatCode(() -> urc("+CEREG: ,")).doesNotThrowAnyException();
        assertThat(modem.registration()).isEqualTo(RegistrationState.UNKNOWN);
    }

    @Test
    void wellFormedRegistrationUrcsStillCount() {
        urc("+CEREG: 5");
        assertThat(modem.registration()).isEqualTo(RegistrationState.ROAMING);
        urc("+CGREG: 2,\"1A2B\",\"01C3D4E5\",7");
        assertThat(modem.registration()).isEqualTo(RegistrationState.SEARCHING);
    }
}
