package io.uplink.modem.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** The EOF-pattern data phase on its own: where the pattern is found, what is kept, when it gives up. */
class Hl7800DataPhaseTest {

    private static final byte[] EOF = "--EOF--Pattern--".getBytes(StandardCharsets.ISO_8859_1);

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static SerialInput input(String s) {
        return new SerialInput(new ByteArrayInputStream(bytes(s)), "data-phase-test");
    }

    @Test
    void dataEndsAtThePatternAndWhatFollowsStaysForTheCommandReader() throws Exception {
        SerialInput in = input("hello--EOF--Pattern--AT\r");
        Hl7800DataPhase.Collector got = new Hl7800DataPhase.Collector();
        Hl7800DataPhase.Result r = Hl7800DataPhase.read(in, EOF, 100, 1000, got);
        assertThat(r.end()).isEqualTo(Hl7800DataPhase.End.PATTERN);
        assertThat(r.received()).isEqualTo(5);
        assertThat(got.bytes()).isEqualTo(bytes("hello"));
        assertThat((char) in.read()).isEqualTo('A');
    }

    @Test
    void aPatternThatOverlapsItsOwnStartIsFoundAtItsFirstCompleteOccurrence() throws Exception {
        Hl7800DataPhase.Collector got = new Hl7800DataPhase.Collector();
        Hl7800DataPhase.Result r = Hl7800DataPhase.read(input("x---EOF--EOF--Pattern--"), EOF, 100, 1000, got);
        assertThat(new String(got.bytes(), StandardCharsets.ISO_8859_1)).isEqualTo("x---EOF");
        assertThat(r.matches(7)).isTrue();
    }

    @Test
    void thePatternAloneIsAnEmptyPhase() throws Exception {
        Hl7800DataPhase.Collector got = new Hl7800DataPhase.Collector();
        assertThat(Hl7800DataPhase.read(input("--EOF--Pattern--"), EOF, 10, 1000, got).received()).isZero();
        assertThat(got.bytes()).isEmpty();
    }

    @Test
    void bytesBeyondTheLimitAreCountedButNotKept() throws Exception {
        String big = "a".repeat(3000);
        Hl7800DataPhase.Collector got = new Hl7800DataPhase.Collector();
        Hl7800DataPhase.Result r = Hl7800DataPhase.read(input(big + "--EOF--Pattern--"), EOF, 1000, 1000, got);
        assertThat(r.received()).isEqualTo(3000);
        assertThat(got.bytes()).hasSize(1000);
        assertThat(r.matches(1000)).isFalse();
    }

    @Test
    void silenceEndsAPhaseWhosePatternNeverComesAndKeepsTheHeldBytes() throws Exception {
        PipedOutputStream host = new PipedOutputStream();
        SerialInput in = new SerialInput(new PipedInputStream(host, 4096), "data-phase-test");
        host.write(bytes("123456789--EOF"));
        host.flush();
        Hl7800DataPhase.Collector got = new Hl7800DataPhase.Collector();
        Hl7800DataPhase.Result r = Hl7800DataPhase.read(in, EOF, 100, 200, got);
        assertThat(r.end()).isEqualTo(Hl7800DataPhase.End.SILENCE);
        assertThat(new String(got.bytes(), StandardCharsets.ISO_8859_1)).isEqualTo("123456789--EOF");
        host.close();
    }

    @Test
    void theLineClosingInsideAPhaseIsAnError() {
        assertThatThrownBy(() -> Hl7800DataPhase.read(input("no end"), EOF, 100, 5000,
                new Hl7800DataPhase.Collector())).isInstanceOf(IOException.class).hasMessageContaining("closed");
    }
}
