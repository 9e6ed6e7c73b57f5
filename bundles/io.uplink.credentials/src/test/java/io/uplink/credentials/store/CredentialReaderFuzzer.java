package io.uplink.credentials.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import io.uplink.credentials.Problem;
import io.uplink.credentials.SignedJarsFirst;

import org.junit.jupiter.api.BeforeAll;

/**
 * Coverage-guided fuzzing of the credential reader (docs/FUZZING.md): any content (PEM, DER, bare base64, PKCS#7,
 * PKCS#12, encrypted keys, garbage) with no, an empty or a wrong passphrase. The contract of
 * {@link CredentialReader#read}: it never throws; it returns certificates, keys or at least one problem, each problem
 * with a code, a cause and a fix of bounded length; the passphrase never appears in a message; and what it returns is
 * bounded by the content (no certificate or key from fewer than 32 bytes).
 */
class CredentialReaderFuzzer {

    /** Before Jazzer installs its agent (the fork could deadlock otherwise): see {@link SignedJarsFirst}. */
    @BeforeAll
    static void checkSignedJarsFirst() throws java.io.IOException {
        SignedJarsFirst.verifyNow();
    }

    private static final CredentialReader READER = new CredentialReader(TestPki.BC);
    private static final String PASSPHRASE = "Fz7-qK2!secret";

    @FuzzTest
    void readsAnyContent(FuzzedDataProvider in) {
        int choice = in.consumeInt(0, 2);
        char[] passphrase = choice == 0 ? null : choice == 1 ? new char[0] : PASSPHRASE.toCharArray();
        byte[] content = in.consumeRemainingAsBytes();

        CredentialReader.Read r = READER.read("fuzz.pem", content, passphrase);

        assertThat(r.certificates().size() + r.keys().size() + r.problems().size()).isPositive();
        assertThat((long) (r.certificates().size() + r.keys().size()) * 32).isLessThanOrEqualTo(content.length);
        assertThat(r.problems().size()).isLessThanOrEqualTo(2 * 1000 + 10);
        boolean passphraseInContent = new String(content, StandardCharsets.ISO_8859_1).contains(PASSPHRASE);
        for (Problem p : r.problems()) {
            assertThat(p.code()).isNotBlank().matches("[a-z0-9-]+");
            assertThat(p.cause()).isNotBlank().hasSizeLessThan(1000);
            assertThat(p.fix()).isNotBlank().hasSizeLessThan(1000);
            if (!passphraseInContent) {
                assertThat(p.cause()).doesNotContain(PASSPHRASE);
            }
        }
    }
}
