package io.uplink.credentials.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;

import io.uplink.credentials.Problem;
import io.uplink.credentials.Problem.Severity;

import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMEncryptorBuilder;
import org.bouncycastle.operator.OutputEncryptor;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every import form the issue lists, and every way content can be unreadable. */
class CredentialReaderTest {

    private static final CredentialReader READER = new CredentialReader(TestPki.BC);
    private static TestPki.Issued rsa;
    private static TestPki.Issued ec;
    private static String certPem;
    private static String keyPem;

    @BeforeAll
    static void corpus() throws Exception {
        rsa = TestPki.issue(TestPki.spec().rsa(2048), null);
        ec = TestPki.issue(TestPki.spec().ec("secp256r1"), null);
        certPem = TestPki.pem(rsa.cert());
        keyPem = TestPki.pkcs8(rsa.key());
    }

    private static CredentialReader.Read read(String text) {
        return READER.read("test.pem", text.getBytes(StandardCharsets.UTF_8), null);
    }

    private static CredentialReader.Read read(byte[] bytes, String passphrase) {
        return READER.read("test", bytes, passphrase == null ? null : passphrase.toCharArray());
    }

    private static List<String> codes(CredentialReader.Read r) {
        return r.problems().stream().map(Problem::code).collect(Collectors.toList());
    }

    private static void assertReadsCertAndKey(CredentialReader.Read r) {
        assertThat(r.problems()).noneMatch(p -> p.severity() == Severity.ERROR);
        assertThat(r.certificates()).containsExactly(rsa.cert());
        assertThat(r.keys()).hasSize(1);
        assertThat(r.keys().get(0).getEncoded()).isEqualTo(rsa.key().getEncoded());
    }

    @Test
    void lf() {
        assertReadsCertAndKey(read(certPem + keyPem));
    }

    @Test
    void crlfIsNormalizedAndSaidSo() {
        CredentialReader.Read r = read((certPem + keyPem).replace("\n", "\r\n"));
        assertReadsCertAndKey(r);
        assertThat(r.problems()).anyMatch(p -> p.code().equals("line-endings-normalized")
                && p.severity() == Severity.INFO && p.cause().contains("CRLF"));
    }

    @Test
    void crOnly() {
        assertReadsCertAndKey(read((certPem + keyPem).replace("\n", "\r")));
    }

    @Test
    void mixedLineEndings() {
        String mixed = certPem.replace("\n", "\r\n") + keyPem.replace("\n", "\r");
        CredentialReader.Read r = read(mixed);
        assertReadsCertAndKey(r);
        assertThat(r.problems()).anyMatch(p -> p.cause().contains("mixed"));
    }

    @Test
    void utf8ByteOrderMark() {
        byte[] text = (certPem + keyPem).getBytes(StandardCharsets.UTF_8);
        byte[] withBom = new byte[text.length + 3];
        withBom[0] = (byte) 0xEF;
        withBom[1] = (byte) 0xBB;
        withBom[2] = (byte) 0xBF;
        System.arraycopy(text, 0, withBom, 3, text.length);
        assertReadsCertAndKey(read(withBom, null));
    }

    @Test
    void junkAndWhitespaceAroundAndInside() {
        String messy = "Here is my cert, as the console showed it:\n\n   " + certPem.replace("\n", "   \n  ")
                + "\nand the key:\t\n" + keyPem.replace("\n", " \t\n") + "\n-- \nsent from my phone\n";
        CredentialReader.Read r = read(messy);
        assertReadsCertAndKey(r);
        assertThat(codes(r)).contains("junk-ignored");
    }

    @ParameterizedTest
    @ValueSource(ints = { 1, 17, 63, 65, 76, 200, 100000 })
    void base64RewrappedAtAnyWidth(int width) {
        assertReadsCertAndKey(read(rewrap(certPem, width) + rewrap(keyPem, width)));
    }

    @Test
    void blockOnASingleLineWithoutAnyBreak() {
        String oneLine = certPem.replace("\n", "") + keyPem.replace("\n", "");
        assertReadsCertAndKey(read(oneLine));
    }

    @Test
    void severalBlocksIncludingACaBundle() throws Exception {
        List<TestPki.Issued> chain = TestPki.chain(TestPki.spec());
        String text = TestPki.pem(chain.get(2).cert(), chain.get(1).cert(), chain.get(0).cert())
                + TestPki.pkcs8(chain.get(2).key());
        CredentialReader.Read r = read(text);
        assertThat(r.certificates()).hasSize(3);
        assertThat(r.keys()).hasSize(1);
    }

    @Test
    void derCertificateAndDerPkcs8Key() throws Exception {
        assertThat(read(rsa.cert().getEncoded(), null).certificates()).containsExactly(rsa.cert());
        assertThat(read(rsa.key().getEncoded(), null).keys()).hasSize(1);
    }

    @Test
    void pkcs1RsaKey() throws Exception {
        String pkcs1 = TestPki.traditional(rsa.key());
        assertThat(pkcs1).contains("BEGIN RSA PRIVATE KEY");
        assertReadsCertAndKey(read(certPem + pkcs1));
    }

    @Test
    void sec1EcKeyWithParametersBlock() throws Exception {
        String sec1 = TestPki.traditional(ec.key());
        assertThat(sec1).contains("BEGIN EC PRIVATE KEY");
        String withParams = "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n" + sec1;
        CredentialReader.Read r = read(TestPki.pem(ec.cert()) + withParams);
        assertThat(r.problems()).noneMatch(p -> p.severity() == Severity.ERROR);
        assertThat(r.keys()).hasSize(1);
        assertThat(KeyFacts.of(r.keys().get(0)).toString()).isEqualTo("EC P-256");
    }

    @Test
    void encryptedPkcs8WithRightWrongAndMissingPassphrase() throws Exception {
        OutputEncryptor enc = new JceOpenSSLPKCS8EncryptorBuilder(org.bouncycastle.asn1.nist.NISTObjectIdentifiers.id_aes256_CBC)
                .setProvider(TestPki.BC).setPassword("s3cret pass".toCharArray()).build();
        String encrypted = TestPki.pem(new JcaPKCS8Generator(rsa.key(), enc).generate());
        assertThat(encrypted).contains("BEGIN ENCRYPTED PRIVATE KEY");
        byte[] bytes = (certPem + encrypted).getBytes(StandardCharsets.UTF_8);

        assertReadsCertAndKey(read(bytes, "s3cret pass"));
        assertThat(codes(read(bytes, "wrong"))).contains("passphrase-wrong");
        assertThat(codes(read(bytes, null))).contains("passphrase-required");
    }

    @Test
    void legacyEncryptedPemKey() throws Exception {
        java.io.StringWriter w = new java.io.StringWriter();
        try (JcaPEMWriter pw = new JcaPEMWriter(w)) {
            pw.writeObject(rsa.key(), new JcePEMEncryptorBuilder("AES-128-CBC").setProvider(TestPki.BC)
                    .build("legacy".toCharArray()));
        }
        assertThat(w.toString()).contains("Proc-Type: 4,ENCRYPTED");
        byte[] bytes = (certPem + w.toString().replace("\n", "\r\n")).getBytes(StandardCharsets.UTF_8);
        assertReadsCertAndKey(read(bytes, "legacy"));
        assertThat(codes(read(bytes, "nope"))).contains("passphrase-wrong");
        assertThat(codes(read(bytes, null))).contains("passphrase-required");
    }

    @Test
    void pkcs12WithRightWrongAndMissingPassword() throws Exception {
        KeyStore p12 = KeyStore.getInstance("PKCS12", TestPki.BC);
        p12.load(null, null);
        p12.setKeyEntry("device", rsa.key(), "p12pass".toCharArray(), new Certificate[] { rsa.cert() });
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        p12.store(out, "p12pass".toCharArray());
        byte[] bytes = out.toByteArray();

        assertReadsCertAndKey(read(bytes, "p12pass"));
        assertThat(codes(read(bytes, "bad"))).contains("passphrase-wrong");
        assertThat(codes(read(bytes, null))).contains("passphrase-required");
    }

    @Test
    void bareBase64WithoutHeadersIsReadAsDer() throws Exception {
        String body = Base64.getMimeEncoder().encodeToString(rsa.cert().getEncoded());
        CredentialReader.Read r = read(body);
        assertThat(r.certificates()).containsExactly(rsa.cert());
        assertThat(codes(r)).contains("pem-headers-missing");
    }

    @Test
    void unreadableContentIsNamed() {
        assertThat(codes(read(""))).containsExactly("empty");
        assertThat(codes(read("  \r\n\t "))).containsExactly("empty");
        assertThat(codes(read("hello, this is not a certificate"))).containsExactly("not-a-credential");
        assertThat(codes(read(new byte[] { 0x00, 0x01, (byte) 0xFF, 0x42 }, null))).containsExactly(
                "not-a-credential");
        assertThat(codes(read(new byte[] { 0x30, 0x03, 0x02, 0x01 }, null))).containsExactly("der-malformed");
        assertThat(codes(read(new byte[CredentialReader.MAX_CONTENT_BYTES + 1], null))).containsExactly("too-large");
    }

    @Test
    void bareBase64ThatDoesNotDecodeIsNamedNotThrown() {
        // Found by CredentialReaderFuzzer: 69 base64 characters (not whole groups of 4) after three blank lines made
        // Base64's decoder throw IllegalArgumentException out of read(), whose contract is to never throw.
        CredentialReader.Read r = read("\n\n\n999999999999999999999199999999990099900000000000003689348807370955119");
        assertThat(codes(r)).containsExactly("pem-malformed");
        assertThat(r.problems().get(0).cause()).contains("base64 without -----BEGIN/END----- lines")
                .contains("does not decode");
        assertThat(codes(read("A".repeat(63) + "=A"))).containsExactly("pem-malformed");
    }

    @Test
    void truncatedBlockSaysItWasCutOff() {
        String cut = certPem.substring(0, certPem.length() / 2);
        CredentialReader.Read r = read(cut);
        assertThat(codes(r)).contains("pem-truncated");
        assertThat(r.problems().get(0).cause()).contains("no END line");
    }

    @Test
    void foreignCharacterInsideBase64IsNamed() {
        String damaged = certPem.replaceFirst("\n([A-Za-z0-9+/]{10})", "\n$1\u201C");
        CredentialReader.Read r = read(damaged);
        assertThat(codes(r)).containsExactly("pem-malformed");
        assertThat(r.problems().get(0).cause()).contains("U+201C").contains("not base64");
    }

    @Test
    void lostCharactersAreNamed() {
        String damaged = certPem.replaceFirst("\n([A-Za-z0-9+/]{3})", "\n");
        assertThat(codes(read(damaged))).containsExactly("pem-malformed");
    }

    @Test
    void wellFormedBase64ThatIsNotACertificate() {
        String garbage = "-----BEGIN CERTIFICATE-----\n" + Base64.getEncoder().encodeToString(new byte[96])
                + "\n-----END CERTIFICATE-----\n";
        assertThat(codes(read(garbage))).containsExactly("pem-malformed");
    }

    @Test
    void recognisedButUnusableBlocksSayWhatToDoInstead() {
        String openssh = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n"
                + "-----END OPENSSH PRIVATE KEY-----\n";
        CredentialReader.Read r = read(openssh);
        assertThat(codes(r)).containsExactly("pem-unsupported");
        assertThat(r.problems().get(0).fix()).contains("ssh-keygen");
        String csr = "-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----\n";
        assertThat(read(csr).problems().get(0).cause()).contains("certificate request");
        String pub = "-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----\n";
        assertThat(read(pub).problems().get(0).cause()).contains("public key");
    }

    private static String rewrap(String pem, int width) {
        StringBuilder out = new StringBuilder();
        for (String block : pem.split("(?=-----BEGIN)")) {
            if (block.isBlank()) {
                continue;
            }
            String[] lines = block.strip().split("\n");
            String body = String.join("", List.of(lines).subList(1, lines.length - 1));
            out.append(lines[0]).append('\n');
            for (int i = 0; i < body.length(); i += width) {
                out.append(body, i, Math.min(body.length(), i + width)).append('\n');
            }
            out.append(lines[lines.length - 1]).append('\n');
        }
        return out.toString();
    }
}
