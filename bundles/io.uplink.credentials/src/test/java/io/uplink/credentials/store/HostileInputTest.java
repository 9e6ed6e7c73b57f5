package io.uplink.credentials.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;

import io.uplink.credentials.Problem;

import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.EncryptedPrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.EncryptionScheme;
import org.bouncycastle.asn1.pkcs.KeyDerivationFunc;
import org.bouncycastle.asn1.pkcs.PBES2Parameters;
import org.bouncycastle.asn1.pkcs.PBKDF2Params;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.junit.jupiter.api.Test;

/**
 * Hostile and damaged input never crashes, hangs or exhausts the reader: a targeted case for key-derivation cost,
 * then a bounded, seeded mutation fuzz run over every supported form.
 */
class HostileInputTest {

    private static final CredentialReader READER = new CredentialReader(TestPki.BC);

    @Test
    void anEncryptedKeyDemandingABillionIterationsIsRefusedWithoutDerivingAnything() throws Exception {
        byte[] salt = new byte[16];
        byte[] iv = new byte[16];
        byte[] junk = new byte[1200];
        new SecureRandom().nextBytes(junk);
        AlgorithmIdentifier alg = new AlgorithmIdentifier(PKCSObjectIdentifiers.id_PBES2, new PBES2Parameters(
                new KeyDerivationFunc(PKCSObjectIdentifiers.id_PBKDF2, new PBKDF2Params(salt, 1_000_000_000)),
                new EncryptionScheme(NISTObjectIdentifiers.id_aes256_CBC, new DEROctetString(iv))));
        byte[] der = new EncryptedPrivateKeyInfo(alg, junk).getEncoded();
        String pem = "-----BEGIN ENCRYPTED PRIVATE KEY-----\n" + Base64.getEncoder().encodeToString(der)
                + "\n-----END ENCRYPTED PRIVATE KEY-----\n";
        CredentialReader.Read r = assertTimeoutPreemptively(Duration.ofSeconds(20),
                () -> READER.read("hostile.pem", pem.getBytes(StandardCharsets.US_ASCII), "pw".toCharArray()));
        assertThat(r.problems()).extracting(Problem::code).containsExactly("kdf-too-costly");
        assertThat(r.problems().get(0).cause()).contains("1000000000");
    }

    /**
     * Seeded, so a failure reproduces: mutations of valid PEM, DER and PKCS#12 inputs (bit flips, insertions,
     * deletions, truncations, duplicated and swapped regions, changed line endings). Bounded in count and time.
     */
    @Test
    void mutatedInputNeverThrowsOrHangs() throws Exception {
        List<byte[]> seeds = seeds();
        Random random = new Random(20261121L);
        int iterations = 4000;
        long worstNanos = assertTimeoutPreemptively(Duration.ofMinutes(3), () -> {
            long worst = 0;
            for (int i = 0; i < iterations; i++) {
                byte[] input = mutate(seeds.get(random.nextInt(seeds.size())), random);
                char[] pass = random.nextBoolean() ? "fuzz-pass".toCharArray() : null;
                long t0 = System.nanoTime();
                CredentialReader.Read r = READER.read("fuzz-" + i, input, pass);
                worst = Math.max(worst, System.nanoTime() - t0);
                assertThat(r).isNotNull();
                assertThat(r.problems()).doesNotContainNull();
                assertThat(r.certificates().size() + r.keys().size() + r.problems().size()).isPositive();
            }
            return worst;
        });
        System.out.printf("fuzz: %d inputs, slowest %.1f ms%n", iterations, worstNanos / 1e6);
    }

    private static List<byte[]> seeds() throws Exception {
        List<byte[]> seeds = new ArrayList<>();
        TestPki.Issued rsa = TestPki.issue(TestPki.spec().rsa(2048), null);
        TestPki.Issued ec = TestPki.issue(TestPki.spec(), null);
        seeds.add((TestPki.pem(rsa.cert()) + TestPki.traditional(rsa.key())).getBytes(StandardCharsets.US_ASCII));
        seeds.add((TestPki.pem(ec.cert()) + TestPki.pkcs8(ec.key())).replace("\n", "\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        seeds.add(rsa.cert().getEncoded());
        seeds.add(ec.key().getEncoded());
        java.security.KeyStore p12 = java.security.KeyStore.getInstance("PKCS12", TestPki.BC);
        p12.load(null, null);
        p12.setKeyEntry("k", ec.key(), "fuzz-pass".toCharArray(), new java.security.cert.Certificate[] { ec.cert() });
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        p12.store(out, "fuzz-pass".toCharArray());
        seeds.add(out.toByteArray());
        return seeds;
    }

    private static byte[] mutate(byte[] seed, Random r) {
        byte[] b = seed.clone();
        int rounds = 1 + r.nextInt(4);
        for (int k = 0; k < rounds && b.length > 0; k++) {
            int pos = r.nextInt(b.length);
            switch (r.nextInt(7)) {
            case 0:
                b[pos] ^= (byte) (1 << r.nextInt(8));
                break;
            case 1:
                b[pos] = (byte) r.nextInt(256);
                break;
            case 2:
                b = splice(b, pos, 0, new byte[] { (byte) r.nextInt(256) });
                break;
            case 3:
                b = splice(b, pos, Math.min(b.length - pos, 1 + r.nextInt(16)), new byte[0]);
                break;
            case 4:
                b = java.util.Arrays.copyOf(b, pos);
                break;
            case 5:
                int len = Math.min(b.length - pos, 1 + r.nextInt(64));
                b = splice(b, r.nextInt(b.length), 0, java.util.Arrays.copyOfRange(b, pos, pos + len));
                break;
            default:
                b = new String(b, StandardCharsets.ISO_8859_1).replace("\n", r.nextBoolean() ? "\r" : "\n\n")
                        .getBytes(StandardCharsets.ISO_8859_1);
            }
        }
        return b;
    }

    private static byte[] splice(byte[] b, int pos, int remove, byte[] insert) {
        byte[] out = new byte[b.length - remove + insert.length];
        System.arraycopy(b, 0, out, 0, pos);
        System.arraycopy(insert, 0, out, pos, insert.length);
        System.arraycopy(b, pos + remove, out, pos + insert.length, b.length - pos - remove);
        return out;
    }
}
