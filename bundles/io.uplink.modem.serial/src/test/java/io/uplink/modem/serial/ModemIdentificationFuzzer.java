package io.uplink.modem.serial;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import io.uplink.modem.AtChannel;
import io.uplink.modem.AtCommand;
import io.uplink.modem.AtResponse;
import io.uplink.modem.FinalResult;
import io.uplink.modem.FinalResult.Kind;
import io.uplink.modem.ModemException;
import io.uplink.modem.ModemIdentity;
import io.uplink.modem.UrcListener;
import io.uplink.modem.UrcSubscription;

/**
 * Coverage-guided fuzzing of the modem identification (docs/FUZZING.md): {@code ATE0}, {@code ATI}, {@code AT+CGMI},
 * {@code AT+CGMM}, {@code AT+CGMR} and {@code AT+CGSN} answered with any lines (as the framer delivers them: no line
 * ends, at most {@link AtFramer#MAX_LINE} characters) and any final result, or failing. The contract of
 * {@link ModemIdentification#identify}: an identity or a {@link ModemException}; every field comes from what the modem
 * said (never longer than its longest line) and the IMEI holds digits only.
 */
class ModemIdentificationFuzzer {

    private static final Kind[] KINDS = Kind.values();

    @FuzzTest
    void identifiesAnyModem(FuzzedDataProvider in) {
        ScriptedChannel at = new ScriptedChannel(in);
        try {
            ModemIdentity id = at.identify();
            int longest = at.longestLine;
            assertThat(id.manufacturer().length()).isLessThanOrEqualTo(longest);
            assertThat(id.model().length()).isLessThanOrEqualTo(longest);
            assertThat(id.revision().length()).isLessThanOrEqualTo(longest);
            assertThat(id.imei()).matches("[0-9]*").hasSizeLessThanOrEqualTo(longest);
            assertThat(id.toString()).isNotNull();
        } catch (ModemException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }

    /** Answers each command with lines, a final result or a failure taken from the fuzzer's input. */
    private static final class ScriptedChannel implements AtChannel {
        private final FuzzedDataProvider in;
        int longestLine;

        ScriptedChannel(FuzzedDataProvider in) {
            this.in = in;
        }

        ModemIdentity identify() throws ModemException {
            return ModemIdentification.identify(this);
        }

        @Override
        public AtResponse execute(AtCommand command) throws ModemException {
            if (in.remainingBytes() == 0 || in.consumeInt(0, 15) == 0) {
                throw new ModemException("no answer to " + command, "", "", "fuzz");
            }
            List<String> lines = new ArrayList<>();
            for (int n = in.consumeInt(0, 6); n > 0; n--) {
                String line = in.consumeString(AtFramer.MAX_LINE).replace('\r', ' ').replace('\n', ' ').strip();
                if (!line.isEmpty()) {
                    lines.add(line);
                    longestLine = Math.max(longestLine, line.length());
                }
            }
            Kind kind = in.pickValue(KINDS);
            FinalResult result = new FinalResult(kind, kind == Kind.CME_ERROR ? in.consumeInt(-1, 999) : -1,
                    kind.name());
            return new AtResponse(command, lines, new byte[0], result, Duration.ZERO);
        }

        @Override
        public UrcSubscription onUrc(String prefix, UrcListener listener) {
            return () -> { };
        }

        @Override
        public String portName() {
            return "fuzz";
        }

        @Override
        public boolean isOpen() {
            return true;
        }
    }
}
