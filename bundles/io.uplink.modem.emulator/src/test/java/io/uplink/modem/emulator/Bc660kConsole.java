package io.uplink.modem.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** An emulated BC660K behind a raw terminal, with echo turned off: what both BC660K test classes share. */
final class Bc660kConsole implements AutoCloseable {

    final VirtualSerialLine line;
    final Bc660kEmulator modem;
    final RawTerminal term;

    Bc660kConsole(Faults faults) throws Exception {
        this(0, LinkModel.INSTANT, faults);
    }

    /** A module behind a serial line of {@code baud} (0: unpaced) and a cellular link. */
    Bc660kConsole(int baud, LinkModel link, Faults faults) throws Exception {
        line = new VirtualSerialLine("bc660k-test", baud);
        modem = new Bc660kEmulator(line.modemEnd(), link, faults, "");
        term = new RawTerminal(line.gatewayEnd());
        term.expect("\r\n+CFUN: 1\r\n");
        if (faults.requiredApn().isEmpty()) {
            term.expect("\r\n+IP: 10.64.0.43\r\n"); // the default bearer is up
        }
        assertThat(exchange("ATE0")).isEqualTo("ATE0\r\r\nOK\r\n"); // echo is on at power-on
    }

    /** A command line as the module wants it: ended by CR. */
    void at(String command) throws IOException {
        term.send(command);
    }

    void write(String raw) throws IOException {
        term.write(raw.getBytes(StandardCharsets.ISO_8859_1));
    }

    String expect(String text) throws InterruptedException {
        return term.expect(text);
    }

    /** Sends a command and returns everything up to and including its final result (OK or an error). */
    String exchange(String command) throws Exception {
        at(command);
        return finalResult();
    }

    String finalResult() throws Exception {
        StringBuilder all = new StringBuilder();
        while (true) {
            all.append(term.expect("\r\n"));
            String s = all.toString();
            if (s.endsWith("\r\nOK\r\n") || s.endsWith("\r\nERROR\r\n") || s.matches("(?s).*\\+CME ERROR: \\d+\r\n")) {
                return s;
            }
        }
    }

    @Override
    public void close() {
        modem.close();
        line.close();
    }
}
