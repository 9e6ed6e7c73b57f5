package io.uplink.modem.serial;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import io.uplink.modem.AtCommand;
import io.uplink.modem.AtResponse;
import io.uplink.modem.FinalResult.Kind;
import io.uplink.modem.ModemException;
import io.uplink.modem.SerialLink;

/**
 * Coverage-guided fuzzing of the AT channel's response reader (docs/FUZZING.md): one command of each kind the
 * dialects send (plain, information with a prefix, raw data after {@code +QIRD:} or {@code CONNECT}, payload after a
 * prompt, extra final results), answered by any bytes in any slices, then the port ends. The contract of
 * {@link SerialAtChannel#execute}: a response or a {@link ModemException}, nothing else; what it returns and what URC
 * listeners get never exceeds what the modem sent; the reader thread ends with the port.
 */
class SerialAtChannelFuzzer {

    private static final AtCommand[] COMMANDS = {
        AtCommand.of("AT"),
        AtCommand.of("ATI"),
        AtCommand.of("AT+CSQ"),
        AtCommand.of("AT+QIRD=0,1500").withRawData("+QIRD:"),
        AtCommand.of("AT+QFDWL=\"a.pem\"").withRawData("CONNECT", 20),
        AtCommand.of("AT+QISEND=0,5").withPayload(">", new byte[] { 'h', 'e', 'l', 'l', 'o' })
                .withFinalResult("SEND OK", Kind.OK).withFinalResult("SEND FAIL", Kind.ERROR),
        AtCommand.of("AT+QFUPL=\"a.pem\",5,5").withPayload("CONNECT", new byte[] { 1, 2, 3, 4, 5 }),
        AtCommand.of("ATV0"),
        AtCommand.of("ATV1"),
    };

    @FuzzTest
    void readsAnyAnswer(FuzzedDataProvider in) throws Exception {
        AtCommand command = in.pickValue(COMMANDS);
        int slice = in.consumeInt(1, 512);
        byte[] answer = in.consumeRemainingAsBytes();

        ScriptedLink link = new ScriptedLink(answer, slice);
        List<String> urcs = new ArrayList<>();
        long[] urcBytes = new long[1];
        try (SerialAtChannel channel = new SerialAtChannel(link)) {
            channel.declarePayloadUrc("+QIURC: \"recv\"", line -> ResultCodes.firstNumber(line,
                    "+QIURC: \"recv\",0,"));
            channel.onUrc("+QIURC:", (line, data) -> {
                urcs.add(line);
                urcBytes[0] += data.length;
            });
            channel.onUrc("RING", (line, data) -> urcs.add(line));
            try {
                AtResponse r = channel.execute(command.withTimeout(Duration.ofSeconds(5)));
                assertThat(r.result()).isNotNull();
                long size = r.data().length;
                for (String line : r.lines()) {
                    assertThat(line).isNotEmpty().doesNotContain("\r").doesNotContain("\n");
                    size += line.length();
                }
                assertThat(r.data().length).isLessThanOrEqualTo(AtFramer.MAX_RAW);
                assertThat(size).isLessThanOrEqualTo(answer.length);
            } catch (ModemException expected) {
                assertThat(expected.getMessage()).isNotBlank();
            }
        }
        assertThat(link.readerDone()).isTrue();
        for (String u : urcs) {
            assertThat(u).doesNotContain("\r").doesNotContain("\n");
        }
        assertThat(urcBytes[0]).isLessThanOrEqualTo(answer.length);
    }

    /**
     * The modem: says nothing until the channel has written its command, then the answer in slices, then the port
     * ends (as a USB modem that goes away). Deterministic: the answer is all there is.
     */
    private static final class ScriptedLink implements SerialLink {
        private final byte[] answer;
        private final int slice;
        private int pos;
        private boolean written;
        private boolean closed;
        private boolean eofSeen;

        ScriptedLink(byte[] answer, int slice) {
            this.answer = answer;
            this.slice = slice;
        }

        synchronized boolean readerDone() {
            return eofSeen || closed;
        }

        @Override
        public InputStream input() {
            return new InputStream() {
                @Override
                public int read() throws IOException {
                    byte[] one = new byte[1];
                    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    synchronized (ScriptedLink.this) {
                        while (!written && !closed) {
                            try {
                                ScriptedLink.this.wait();
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                                throw new java.io.InterruptedIOException();
                            }
                        }
                        if (closed || pos >= answer.length) {
                            eofSeen = true;
                            return -1;
                        }
                        int n = Math.min(Math.min(len, slice), answer.length - pos);
                        System.arraycopy(answer, pos, b, off, n);
                        pos += n;
                        return n;
                    }
                }
            };
        }

        @Override
        public OutputStream output() {
            return new OutputStream() {
                @Override
                public void write(int b) {
                    write(new byte[] { (byte) b }, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) {
                    synchronized (ScriptedLink.this) {
                        written = true;
                        ScriptedLink.this.notifyAll();
                    }
                }
            };
        }

        @Override
        public String name() {
            return "fuzz";
        }

        @Override
        public synchronized void close() {
            closed = true;
            notifyAll();
        }
    }
}
