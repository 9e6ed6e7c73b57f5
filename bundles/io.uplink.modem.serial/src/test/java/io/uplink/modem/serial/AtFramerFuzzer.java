package io.uplink.modem.serial;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing of the AT framer and the result-code reader (docs/FUZZING.md): any byte stream from a
 * modem, delivered in any slices, with prompts expected or not and raw runs announced by {@code +QIRD:} lines. The
 * contract: nothing throws, lines carry no line end and stay within {@link AtFramer#MAX_LINE} (plus the "cut" note),
 * raw runs within {@link AtFramer#MAX_RAW}, nothing comes out that did not go in, and after a reset a clean response
 * is understood again.
 */
class AtFramerFuzzer {

    private static final String CUT_NOTE = " [cut at " + AtFramer.MAX_LINE + " characters]";

    @FuzzTest
    void framesAnyStream(FuzzedDataProvider in) {
        boolean prompts = in.consumeBoolean();
        boolean numeric = in.consumeBoolean();
        int slice = in.consumeInt(1, 300);
        byte[] stream = in.consumeRemainingAsBytes();

        List<String> lines = new ArrayList<>();
        List<byte[]> data = new ArrayList<>();
        int[] announced = new int[1];
        AtFramer framer = new AtFramer(new AtFramer.Sink() {
            @Override
            public void line(String line, int dataFollows) {
                lines.add(line);
                announced[0] += dataFollows;
                // Every line the channel reads goes through the result-code reader: it must never throw.
                ResultCodes.parse(line, numeric, prompts);
                SerialAtChannel.isNoise(line);
            }

            @Override
            public void prompt(char c) {
                assertThat(c).isIn('>', '@');
                lines.add(String.valueOf(c));
            }

            @Override
            public void data(byte[] d) {
                data.add(d);
            }

            @Override
            public int rawLengthAfter(String line) {
                return line.startsWith("+QIRD:") ? ResultCodes.firstNumber(line, "+QIRD:") : 0;
            }

            @Override
            public boolean promptExpected(char c) {
                return prompts;
            }
        });
        for (int i = 0; i < stream.length; i += slice) {
            framer.feed(stream, i, Math.min(slice, stream.length - i));
        }

        long out = 0;
        for (String l : lines) {
            assertThat(l).doesNotContain("\r").doesNotContain("\n").isNotEmpty();
            assertThat(l.length()).isLessThanOrEqualTo(AtFramer.MAX_LINE + CUT_NOTE.length());
            // A cut line stands for at least its kept text; a modem may also send the note itself.
            out += l.endsWith(CUT_NOTE) ? l.length() - CUT_NOTE.length() : l.length();
        }
        long raw = 0;
        for (byte[] d : data) {
            assertThat(d.length).isBetween(1, AtFramer.MAX_RAW);
            raw += d.length;
        }
        assertThat(raw).isLessThanOrEqualTo(announced[0]);
        assertThat(out + raw).isLessThanOrEqualTo(stream.length);

        framer.reset();
        lines.clear();
        byte[] clean = "\r\n+CSQ: 20,99\r\n\r\nOK\r\n".getBytes(StandardCharsets.US_ASCII);
        framer.feed(clean, 0, clean.length);
        assertThat(lines).containsExactly("+CSQ: 20,99", "OK");
        assertThat(framer.inRawData()).isFalse();
    }
}
