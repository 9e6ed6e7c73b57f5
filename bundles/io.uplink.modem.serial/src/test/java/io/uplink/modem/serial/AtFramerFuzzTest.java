package io.uplink.modem.serial;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * Malformed modem output (truncated lines, unknown URCs, wrong lengths, binary noise) never crashes or stalls the
 * framer, lines never contain line ends, and after noise a clean response is still understood. Seeded and bounded.
 */
class AtFramerFuzzTest {

    private static final String[] FRAGMENTS = { "\r\n", "OK", "ERROR", "+CME ERROR: ", "+QIRD: ", "+QIURC: \"recv\",",
        "> ", "@", "CONNECT", "SEND OK", "\r", "\n", "1500", "99999999999", "-1", ",", "\"", "RDY", "\0", "\u00ff" };

    @Test
    void randomStreamsNeverBreakTheFramer() {
        assertTimeoutPreemptively(Duration.ofMinutes(2), () -> {
            Random random = new Random(42);
            for (int round = 0; round < 3000; round++) {
                List<String> lines = new ArrayList<>();
                List<byte[]> data = new ArrayList<>();
                AtFramer framer = new AtFramer(new AtFramer.Sink() {
                    @Override
                    public void line(String line, int dataFollows) {
                        lines.add(line);
                    }

                    @Override
                    public void prompt(char c) {
                        lines.add(String.valueOf(c));
                    }

                    @Override
                    public void data(byte[] d) {
                        data.add(d);
                    }

                    @Override
                    public int rawLengthAfter(String line) {
                        return line.startsWith("+QIRD: ") ? ResultCodes.firstNumber(line, "+QIRD: ") : 0;
                    }

                    @Override
                    public boolean promptExpected(char c) {
                        return random.nextBoolean();
                    }
                });
                byte[] stream = noise(random);
                // Feed in random slices, as a serial port delivers them.
                int i = 0;
                while (i < stream.length) {
                    int n = 1 + random.nextInt(Math.min(64, stream.length - i));
                    framer.feed(stream, i, n);
                    i += n;
                }
                for (String l : lines) {
                    assertThat(l).doesNotContain("\r").doesNotContain("\n");
                    assertThat(l.length()).isLessThanOrEqualTo(AtFramer.MAX_LINE + 40);
                }
                for (byte[] d : data) {
                    assertThat(d.length).isLessThanOrEqualTo(AtFramer.MAX_RAW);
                }
                // Noise over, a raw run may still be pending: reset as the channel does after a timeout.
                framer.reset();
                lines.clear();
                byte[] clean = "\r\n+CSQ: 20,99\r\n\r\nOK\r\n".getBytes(StandardCharsets.US_ASCII);
                framer.feed(clean, 0, clean.length);
                assertThat(lines).containsExactly("+CSQ: 20,99", "OK");
            }
        });
    }

    private static byte[] noise(Random r) {
        StringBuilder b = new StringBuilder();
        int parts = r.nextInt(60);
        for (int i = 0; i < parts; i++) {
            if (r.nextInt(4) == 0) {
                for (int k = r.nextInt(40); k > 0; k--) {
                    b.append((char) r.nextInt(256));
                }
            } else {
                b.append(FRAGMENTS[r.nextInt(FRAGMENTS.length)]);
            }
        }
        if (r.nextInt(50) == 0) {
            b.append("x".repeat(AtFramer.MAX_LINE + 100)); // an endless line
        }
        return b.toString().getBytes(StandardCharsets.ISO_8859_1);
    }
}
