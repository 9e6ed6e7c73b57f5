package io.uplink.modem.sierra;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import io.uplink.modem.ModemException;

/**
 * Coverage-guided fuzzing of the HL78xx's pure parsers (docs/FUZZING.md): every URC and answer parser on any line,
 * the PEM layout on any bytes, and the cut of data around the EOF pattern. Contracts: parsers never throw and return
 * values within range; the layout gives stable PEM of at most 64-character lines or a {@link ModemException}; a cut
 * is 1..length bytes and the module finds the pattern exactly after it.
 */
class SierraParserFuzzer {

    @FuzzTest
    void parsesAnything(FuzzedDataProvider in) {
        switch (in.consumeInt(0, 2)) {
        case 0 -> lines(in.consumeRemainingAsString());
        case 1 -> pem(in.consumeRemainingAsBytes());
        default -> cut(in);
        }
    }

    private static void lines(String text) {
        for (String prefix : new String[] { "+KTCP_IND:", "+KTCP_NOTIF:", "+KTCP_DATA:", "+KTCPCFG:", "+KTCPSTAT:",
                "+CEREG:", "" }) {
            String line = prefix + text;
            SierraUrcs.indication(line).ifPresent(i -> assertThat(i.session()).isGreaterThanOrEqualTo(-1));
            SierraUrcs.notification(line).ifPresent(n -> assertThat(n.code()).isGreaterThanOrEqualTo(-1));
            SierraUrcs.dataAvailable(line).ifPresent(d -> assertThat(d.available()).isBetween(-1L, 999_999_999L));
            SierraUrcs.configuredSession(line).ifPresent(s -> assertThat(s).isPositive());
            SierraUrcs.sessionStatus(line).ifPresent(s -> assertThat(s.unread()).isBetween(-1L, 999_999_999L));
            SierraUrcs.registrationStat(line, true).ifPresent(s -> assertThat(s).isBetween(0, 99));
            SierraUrcs.registrationStat(line, false).ifPresent(s -> assertThat(s).isBetween(0, 99));
            SierraErrors.notification(text.length()).meaning();
        }
        for (SierraUrcs.StoredEntry e : SierraUrcs.storedEntries(List.of(text.split("\n")))) {
            assertThat(e.bytes()).isNotNegative();
            assertThat(e.index()).isBetween(0, 99);
        }
    }

    private static void pem(byte[] bytes) {
        try {
            byte[] laid = SierraPem.relayout(bytes, "fuzzed text");
            String s = new String(laid, StandardCharsets.US_ASCII);
            assertThat(s).endsWith("-----\n").doesNotContain("\r");
            assertThat(s.lines()).allMatch(l -> l.length() <= 64 || l.startsWith("-----"));
            assertThat(SierraPem.relayout(laid, "again")).isEqualTo(laid);
        } catch (ModemException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }

    private static void cut(FuzzedDataProvider in) {
        byte[] pattern = SierraCommands.EOF_BYTES;
        // pieces of the pattern make the interesting inputs
        byte[] data = in.consumeBoolean() ? in.consumeBytes(300) : in.consumeRemainingAsString()
                .replace("E", "--EOF--Pattern-").getBytes(StandardCharsets.ISO_8859_1);
        if (data.length == 0) {
            return;
        }
        int n = SierraCommands.safeLength(data, 0, data.length);
        assertThat(n).isBetween(1, data.length);
        byte[] phase = Arrays.copyOf(data, n + pattern.length);
        System.arraycopy(pattern, 0, phase, n, pattern.length);
        assertThat(FakeHl78.indexOf(phase, pattern)).isEqualTo(n);
    }
}
