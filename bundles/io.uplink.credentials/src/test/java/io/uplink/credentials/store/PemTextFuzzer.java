package io.uplink.credentials.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;

import com.code_intelligence.jazzer.junit.FuzzTest;

import io.uplink.credentials.SignedJarsFirst;

import org.junit.jupiter.api.BeforeAll;

/**
 * Coverage-guided fuzzing of the PEM text normaliser (docs/FUZZING.md): any bytes, as pasted or read from a file.
 * The contract: nothing throws; at most 1000 blocks and problems; every block is canonical PEM (its label on BEGIN and
 * END, base64 in whole groups of four, lines of at most 64 characters) no larger than the text it came from, and
 * normalising it again gives it back unchanged.
 */
class PemTextFuzzer {

    /** Before Jazzer installs its agent (the fork could deadlock otherwise): see {@link SignedJarsFirst}. */
    @BeforeAll
    static void checkSignedJarsFirst() throws java.io.IOException {
        SignedJarsFirst.verifyNow();
    }

    private static final Set<String> LINE_ENDINGS = Set.of("LF", "CRLF", "CR", "mixed", "none");

    @FuzzTest
    void normalisesAnyText(byte[] content) {
        String text = PemText.decode(content);
        assertThat(text.length()).isLessThanOrEqualTo(content.length);
        boolean pem = PemText.looksLikePem(text);
        PemText.Result r = PemText.split(text);
        assertThat(r.lineEndings()).isIn(LINE_ENDINGS);
        assertThat(r.blocks().size() + r.malformed().size()).isLessThanOrEqualTo(1000);
        if (!pem) {
            assertThat(r.blocks()).isEmpty();
            assertThat(r.malformed()).isEmpty();
        }
        for (String m : r.malformed()) {
            assertThat(m).isNotBlank().hasSizeLessThan(text.length() + 300);
        }
        for (PemText.Block b : r.blocks()) {
            String begin = "-----BEGIN " + b.label() + "-----\n";
            String end = "-----END " + b.label() + "-----\n";
            assertThat(b.label()).isNotBlank().matches("[A-Z0-9 ]+");
            assertThat(b.canonical()).startsWith(begin).endsWith(end);
            // Headers and base64 come from the text; only line ends are added (at most one per 64 characters).
            assertThat(b.canonical().length()).isLessThanOrEqualTo(2 * text.length() + 64);
            String body = b.canonical().substring(begin.length(), b.canonical().length() - end.length());
            String base64 = body.contains("\n\n") ? body.substring(body.lastIndexOf("\n\n") + 2) : body;
            for (String line : base64.split("\n")) {
                assertThat(line).hasSizeBetween(1, 64).matches("[A-Za-z0-9+/=]+");
            }
            assertThat(base64.replace("\n", "").length() % 4).isZero();
            PemText.Result again = PemText.split(b.canonical());
            assertThat(again.malformed()).isEmpty();
            assertThat(again.blocks()).hasSize(1);
            assertThat(again.blocks().get(0).canonical()).isEqualTo(b.canonical());
        }
    }
}
