package io.uplink.modem.serial;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.uplink.modem.AtCommand;
import io.uplink.modem.AtResponse;
import io.uplink.modem.FinalResult.Kind;
import io.uplink.modem.ModemException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The channel against a scripted modem on pipes: every framing case of the fact sheet. */
class SerialAtChannelTest {

    private PipeLink link;
    private SerialAtChannel channel;

    @BeforeEach
    void open() throws Exception {
        link = new PipeLink();
        channel = new SerialAtChannel(link);
    }

    @AfterEach
    void close() {
        channel.close();
    }

    /** Sends the command on another thread, plays the modem's answer, returns the response. */
    private AtResponse exchange(AtCommand cmd, String expectedLine, String answer) throws Exception {
        CompletableFuture<AtResponse> f = CompletableFuture.supplyAsync(() -> {
            try {
                return channel.execute(cmd);
            } catch (ModemException e) {
                throw new RuntimeException(e);
            }
        });
        assertThat(link.nextCommand()).isEqualTo(expectedLine);
        link.say(answer);
        return f.get(10, TimeUnit.SECONDS);
    }

    @Test
    void finalResultsOkErrorAndCmeCodes() throws Exception {
        assertThat(exchange(AtCommand.of("AT"), "AT", "\r\nOK\r\n").result().kind()).isEqualTo(Kind.OK);
        assertThat(exchange(AtCommand.of("AT+X"), "AT+X", "\r\nERROR\r\n").result().kind()).isEqualTo(Kind.ERROR);
        AtResponse cme = exchange(AtCommand.of("AT+CPIN?"), "AT+CPIN?", "\r\n+CME ERROR: 10\r\n");
        assertThat(cme.result().kind()).isEqualTo(Kind.CME_ERROR);
        assertThat(cme.result().code()).isEqualTo(10);
        AtResponse verbose = exchange(AtCommand.of("AT+CPIN?"), "AT+CPIN?", "\r\n+CME ERROR: SIM not inserted\r\n");
        assertThat(verbose.result().code()).isEqualTo(-1);
        assertThat(verbose.result().text()).isEqualTo("+CME ERROR: SIM not inserted");
        assertThat(exchange(AtCommand.of("AT+CMGS"), "AT+CMGS", "\r\n+CMS ERROR: 500\r\n").result().kind())
                .isEqualTo(Kind.CMS_ERROR);
    }

    @Test
    void echoIsDroppedAndInformationLinesKept() throws Exception {
        AtResponse r = exchange(AtCommand.of("AT+CSQ"), "AT+CSQ", "AT+CSQ\r\r\n+CSQ: 20,99\r\n\r\nOK\r\n");
        assertThat(r.lines()).containsExactly("+CSQ: 20,99");
        AtResponse ati = exchange(AtCommand.of("ATI"), "ATI",
                "\r\nQuectel\r\nBG95-M3\r\nRevision: BG95M3LAR02A03\r\n\r\nOK\r\n");
        assertThat(ati.lines()).containsExactly("Quectel", "BG95-M3", "Revision: BG95M3LAR02A03");
    }

    @Test
    void urcsArriveAnywhereIncludingInsideAResponse() throws Exception {
        List<String> urcs = new CopyOnWriteArrayList<>();
        channel.onUrc("+QIURC:", (line, data) -> urcs.add(line));
        AtResponse r = exchange(AtCommand.of("AT+CSQ"), "AT+CSQ",
                "\r\n+CSQ: 20,99\r\n\r\n+QIURC: \"recv\",0\r\n\r\nOK\r\n");
        assertThat(r.lines()).containsExactly("+CSQ: 20,99");
        link.say("\r\n+QIURC: \"closed\",1\r\n");
        awaitSize(urcs, 2);
        assertThat(urcs).containsExactly("+QIURC: \"recv\",0", "+QIURC: \"closed\",1");
    }

    @Test
    void rawDataMayContainCrLfAndOk() throws Exception {
        byte[] payload = "OK\r\n\r\nERROR\r\n>x".getBytes(StandardCharsets.ISO_8859_1);
        AtResponse r = exchange(AtCommand.of("AT+QIRD=0,1500").withRawData("+QIRD:"), "AT+QIRD=0,1500",
                "\r\n+QIRD: " + payload.length + "\r\n" + new String(payload, StandardCharsets.ISO_8859_1)
                        + "\r\nOK\r\n");
        assertThat(r.data()).isEqualTo(payload);
        assertThat(r.lines()).containsExactly("+QIRD: " + payload.length);
        AtResponse empty = exchange(AtCommand.of("AT+QIRD=0,1500").withRawData("+QIRD:"), "AT+QIRD=0,1500",
                "\r\n+QIRD: 0\r\n\r\nOK\r\n");
        assertThat(empty.data()).isEmpty();
    }

    @Test
    void promptWithoutLineEndThenPayloadThenDialectResult() throws Exception {
        byte[] data = { 0x16, 0x03, 0x01, 0x00, 0x0D, '\r', '\n' };
        AtCommand send = AtCommand.of("AT+QISEND=0," + data.length).withPayload(">", data)
                .withFinalResult("SEND OK", Kind.OK).withFinalResult("SEND FAIL", Kind.ERROR);
        CompletableFuture<AtResponse> f = CompletableFuture.supplyAsync(() -> {
            try {
                return channel.execute(send);
            } catch (ModemException e) {
                throw new RuntimeException(e);
            }
        });
        assertThat(link.nextCommand()).isEqualTo("AT+QISEND=0,7");
        link.say("\r\n> ");
        assertThat(link.read(data.length)).isEqualTo(data);
        link.say("\r\nSEND OK\r\n");
        AtResponse r = f.get(10, TimeUnit.SECONDS);
        assertThat(r.isOk()).isTrue();
        assertThat(r.result().text()).isEqualTo("SEND OK");
    }

    @Test
    void connectAsAPromptForADataPhase() throws Exception {
        byte[] pem = "-----BEGIN CERTIFICATE-----\n".getBytes(StandardCharsets.US_ASCII);
        CompletableFuture<AtResponse> f = CompletableFuture.supplyAsync(() -> {
            try {
                return channel.execute(AtCommand.of("AT+QFUPL=\"ca.pem\"," + pem.length).withPayload("CONNECT", pem));
            } catch (ModemException e) {
                throw new RuntimeException(e);
            }
        });
        link.nextCommand();
        link.say("\r\nCONNECT\r\n");
        assertThat(link.read(pem.length)).isEqualTo(pem);
        link.say("\r\n+QFUPL: 28,4d2\r\n\r\nOK\r\n");
        AtResponse r = f.get(10, TimeUnit.SECONDS);
        assertThat(r.lines()).containsExactly("+QFUPL: 28,4d2");
    }

    @Test
    void numericResultsAfterAtv0() throws Exception {
        exchange(AtCommand.of("ATV0"), "ATV0", "0\r");
        assertThat(exchange(AtCommand.of("AT"), "AT", "0\r").isOk()).isTrue();
        assertThat(exchange(AtCommand.of("AT+X"), "AT+X", "4\r").result().kind()).isEqualTo(Kind.ERROR);
        exchange(AtCommand.of("ATV1"), "ATV1", "0\r");
        assertThat(exchange(AtCommand.of("AT"), "AT", "\r\nOK\r\n").isOk()).isTrue();
    }

    @Test
    void payloadUrcsDeliverTheirBytes() throws Exception {
        channel.declarePayloadUrc("+QIURC: \"recv\"", line -> {
            String[] parts = line.split(",");
            return parts.length >= 3 ? Integer.parseInt(parts[2].trim()) : 0;
        });
        List<byte[]> got = new CopyOnWriteArrayList<>();
        channel.onUrc("+QIURC: \"recv\"", (line, data) -> got.add(data));
        link.say("\r\n+QIURC: \"recv\",0,4\r\nOK\r\n");
        awaitSize(got, 1);
        assertThat(got.get(0)).isEqualTo("OK\r\n".getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void aTimeoutIsExplainedAndALateAnswerNeverReachesTheNextCommand() throws Exception {
        CompletableFuture<AtResponse> f = CompletableFuture.supplyAsync(() -> {
            try {
                return channel.execute(AtCommand.of("AT+SLOW").withTimeout(Duration.ofMillis(300)));
            } catch (ModemException e) {
                throw new RuntimeException(e);
            }
        });
        link.nextCommand();
        assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS)).hasRootCauseInstanceOf(ModemException.class)
                .rootCause().hasMessageContaining("AT+SLOW").hasMessageContaining("300 ms");
        link.say("\r\n+SLOW: late\r\nOK\r\n"); // the late answer
        CompletableFuture<AtResponse> next = CompletableFuture.supplyAsync(() -> {
            try {
                return channel.execute(AtCommand.of("AT+CSQ"));
            } catch (ModemException e) {
                throw new RuntimeException(e);
            }
        });
        assertThat(link.nextCommand()).as("a resync comes first").isEqualTo("AT");
        link.say("\r\nOK\r\n");
        assertThat(link.nextCommand()).isEqualTo("AT+CSQ");
        link.say("\r\n+CSQ: 9,99\r\n\r\nOK\r\n");
        assertThat(next.get(10, TimeUnit.SECONDS).lines()).containsExactly("+CSQ: 9,99");
    }

    @Test
    void aClosedPortFailsTheCommandInFlightAndLaterOnes() throws Exception {
        CompletableFuture<AtResponse> f = CompletableFuture.supplyAsync(() -> {
            try {
                return channel.execute(AtCommand.of("AT+QIACT=1").withTimeout(Duration.ofSeconds(150)));
            } catch (ModemException e) {
                throw new RuntimeException(e);
            }
        });
        link.nextCommand();
        link.modemGone(); // the USB modem went away
        assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS)).rootCause().isInstanceOf(ModemException.class)
                .hasMessageContaining("closed");
        assertThat(channel.isOpen()).isFalse();
        assertThatThrownBy(() -> channel.execute(AtCommand.of("AT"))).isInstanceOf(ModemException.class);
    }

    @Test
    void garbageBetweenCommandsDoesNotDisturbTheNextOne() throws Exception {
        link.say(new byte[] { 0, (byte) 0xFF, 0x1B, '\r', '\n', 'x', '\r', '\n', (byte) 0x80 });
        Thread.sleep(200); // let the reader consume the noise; a trailing partial line joins the next answer
        assertThat(exchange(AtCommand.of("AT+CSQ"), "AT+CSQ", "\r\n+CSQ: 20,99\r\n\r\nOK\r\n").lines())
                .containsExactly("+CSQ: 20,99");
    }

    @Test
    void plusPlusPlusEscapeKeepsTheGuardTimesAndAwaitsOk() throws Exception {
        Duration guard = Duration.ofMillis(300);
        exchange(AtCommand.of("AT+QISWTMD=0,2"), "AT+QISWTMD=0,2", "\r\nCONNECT\r\n");
        long sentAt = System.nanoTime();
        CompletableFuture<AtResponse> f = CompletableFuture.supplyAsync(() -> {
            try {
                return channel.escapeToCommandMode(guard);
            } catch (ModemException e) {
                throw new RuntimeException(e);
            }
        });
        byte[] escape = link.read(3);
        long silenceBefore = System.nanoTime() - sentAt;
        assertThat(new String(escape, StandardCharsets.ISO_8859_1)).isEqualTo("+++");
        // The guard is a lower bound the modem relies on; being later is always safe.
        assertThat(silenceBefore).isGreaterThanOrEqualTo(guard.toNanos());
        link.say("\r\nOK\r\n");
        assertThat(f.get(10, TimeUnit.SECONDS).isOk()).isTrue();
        assertThat(exchange(AtCommand.of("AT"), "AT", "\r\nOK\r\n").isOk()).isTrue();
    }

    @Test
    void sensitiveCommandsAreMaskedInTheirDescription() {
        assertThat(AtCommand.of("AT+CPIN=\"1234\"").sensitive().toString()).isEqualTo("AT+CPIN=***");
    }

    private static void awaitSize(List<?> list, int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (list.size() < n && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(list).hasSizeGreaterThanOrEqualTo(n);
    }
}
