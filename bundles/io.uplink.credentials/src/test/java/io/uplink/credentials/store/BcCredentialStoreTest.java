package io.uplink.credentials.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import io.uplink.credentials.ClientIdentity;
import io.uplink.credentials.CredentialException;
import io.uplink.credentials.CredentialListener.Change;
import io.uplink.credentials.CredentialPart;
import io.uplink.credentials.CredentialSummary;
import io.uplink.credentials.PemStyle;
import io.uplink.credentials.ValidationContext;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BcCredentialStoreTest {

    @TempDir
    Path dir;

    private static List<TestPki.Issued> chain;
    private static byte[] device;

    private final List<String> events = new ArrayList<>();

    @BeforeAll
    static void corpus() throws Exception {
        chain = TestPki.chain(TestPki.spec().rsa(2048));
        device = (TestPki.pem(chain.get(2).cert(), chain.get(1).cert(), chain.get(0).cert())
                + TestPki.traditional(chain.get(2).key())).getBytes(StandardCharsets.UTF_8);
    }

    private BcCredentialStore open(String secret) throws Exception {
        return new BcCredentialStore(dir.resolve("store/credentials.bcfks"), secret.toCharArray(),
                Duration.ofDays(30), Clock.fixed(TestPki.NOW, ZoneOffset.UTC), (a, c) -> events.add(a + " " + c));
    }

    @Test
    void storesSurvivesRestartAndHandsOutIdentityAndAnchors() throws Exception {
        BcCredentialStore store = open("secret-1");
        store.importCredential("aws-device", device, null);
        assertThat(events).containsExactly("aws-device " + Change.STORED);

        BcCredentialStore reopened = open("secret-1");
        ClientIdentity id = reopened.clientIdentity("aws-device").orElseThrow();
        assertThat(id.certificate()).isEqualTo(chain.get(2).cert());
        assertThat(id.chain()).containsExactly(chain.get(2).cert(), chain.get(1).cert());
        assertThat(id.key().getEncoded()).isEqualTo(chain.get(2).key().getEncoded());
        assertThat(reopened.trustAnchors("aws-device")).containsExactly(chain.get(0).cert());
        List<CredentialSummary> list = reopened.list();
        assertThat(list).hasSize(1);
        assertThat(list.get(0).alias()).isEqualTo("aws-device");
        assertThat(list.get(0).hasPrivateKey()).isTrue();
        assertThat(list.get(0).subjects()).hasSize(3);
        assertThat(reopened.validate("aws-device", new ValidationContext("", "", "", TestPki.NOW)).problems())
                .isEmpty();
    }

    @Test
    void theFileIsEncrypted() throws Exception {
        open("secret-1").importCredential("a", device, null);
        byte[] raw = Files.readAllBytes(dir.resolve("store/credentials.bcfks"));
        String asText = new String(raw, StandardCharsets.ISO_8859_1);
        assertThat(asText).doesNotContain("device-1").doesNotContain("Test Root CA");
        byte[] keyDer = chain.get(2).key().getEncoded();
        assertThat(indexOf(raw, java.util.Arrays.copyOfRange(keyDer, keyDer.length - 32, keyDer.length)))
                .isNegative();
    }

    @Test
    void aWrongSecretIsExplainedAndTheStoreIsLeftAlone() throws Exception {
        open("right").importCredential("a", device, null);
        byte[] before = Files.readAllBytes(dir.resolve("store/credentials.bcfks"));
        BcCredentialStore wrong = open("wrong");
        assertThatThrownBy(wrong::verifyReadable).isInstanceOf(CredentialException.class)
                .hasMessageContaining("secret does not match").hasMessageNotContaining("wrong");
        assertThatThrownBy(() -> wrong.importCredential("b", device, null)).isInstanceOf(CredentialException.class);
        assertThatThrownBy(() -> wrong.delete("a")).isInstanceOf(CredentialException.class);
        assertThat(Files.readAllBytes(dir.resolve("store/credentials.bcfks"))).isEqualTo(before);
        assertThat(open("right").clientIdentity("a")).isPresent();
    }

    @Test
    void aRefusedImportKeepsThePreviousContents() throws Exception {
        BcCredentialStore store = open("s");
        store.importCredential("dev", device, null);
        TestPki.Issued other = TestPki.issue(TestPki.spec(), null);
        byte[] mismatched = (TestPki.pem(chain.get(2).cert()) + TestPki.pkcs8(other.key()))
                .getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> store.importCredential("dev", mismatched, null))
                .isInstanceOfSatisfying(CredentialException.class, e -> {
                    assertThat(e.getMessage()).startsWith("Nothing was stored under 'dev'");
                    assertThat(e.problems()).anyMatch(p -> p.code().equals("key-mismatch"));
                });
        assertThatThrownBy(() -> store.importCredential("dev", "garbage".getBytes(StandardCharsets.UTF_8), null))
                .isInstanceOf(CredentialException.class);
        assertThat(store.clientIdentity("dev").orElseThrow().key().getEncoded())
                .isEqualTo(chain.get(2).key().getEncoded());
        assertThat(events).containsExactly("dev " + Change.STORED);
    }

    @Test
    void loadHandsOverWithoutStoringAndRefusesWhatImportRefuses() throws Exception {
        BcCredentialStore store = open("s");
        BcCredentialStore.Loaded loaded = store.load("files", device, null);
        assertThat(loaded.identity().key().getEncoded()).isEqualTo(chain.get(2).key().getEncoded());
        assertThat(loaded.report().isUsable()).isTrue();
        assertThat(store.list()).isEmpty();
        assertThat(dir.resolve("store/credentials.bcfks")).doesNotExist();
        assertThat(events).isEmpty();
        TestPki.Issued other = TestPki.issue(TestPki.spec(), null);
        byte[] mismatched = (TestPki.pem(chain.get(2).cert()) + TestPki.pkcs8(other.key()))
                .getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> store.load("files", mismatched, null))
                .isInstanceOfSatisfying(CredentialException.class, e -> {
                    assertThat(e.getMessage()).startsWith("'files' cannot be used");
                    assertThat(e.problems()).anyMatch(p -> p.code().equals("key-mismatch"));
                });
    }

    @Test
    void aStoreWithoutFileIsEmptyAndWrittenOnlyByTheFirstImport() throws Exception {
        BcCredentialStore store = open("s");
        store.verifyReadable();
        assertThat(store.list()).isEmpty();
        assertThat(store.problem()).isEmpty();
        assertThat(store.trustAnchors("x")).isEmpty();
        assertThat(store.clientIdentity("x")).isEmpty();
        assertThat(dir.resolve("store/credentials.bcfks")).doesNotExist();
        store.importCredential("x", device, null);
        assertThat(store.list()).extracting(CredentialSummary::alias).containsExactly("x");
        Files.delete(dir.resolve("store/credentials.bcfks"));
        assertThat(store.list()).isEmpty();
        assertThat(store.clientIdentity("x")).isEmpty();
    }

    @Test
    void deleteAndUnknownAliases() throws Exception {
        BcCredentialStore store = open("s");
        store.importCredential("x", device, null);
        assertThat(store.delete("x")).isTrue();
        assertThat(store.delete("x")).isFalse();
        assertThat(store.list()).isEmpty();
        assertThat(events).containsExactly("x " + Change.STORED, "x " + Change.DELETED);
        assertThatThrownBy(() -> store.exportPem("x", CredentialPart.CLIENT_CERTIFICATE, PemStyle.STANDARD))
                .isInstanceOfSatisfying(CredentialException.class,
                        e -> assertThat(e.problems().get(0).code()).isEqualTo("alias-unknown"));
        assertThatThrownBy(() -> store.importCredential("../etc", device, null))
                .isInstanceOfSatisfying(CredentialException.class,
                        e -> assertThat(e.problems().get(0).code()).isEqualTo("alias-invalid"));
    }

    @Test
    void aSecondInstanceOnTheSameFileSeesChanges() throws Exception {
        BcCredentialStore gateway = open("s");
        BcCredentialStore cli = open("s");
        assertThat(gateway.list()).isEmpty();
        cli.importCredential("from-cli", device, null);
        assertThat(gateway.clientIdentity("from-cli")).isPresent();
    }

    @Test
    void exportsPemInTheLayoutAModemWants() throws Exception {
        BcCredentialStore store = open("s");
        store.importCredential("m", device, null);
        String crlf = new String(store.exportPem("m", CredentialPart.CLIENT_CHAIN, new PemStyle(true, 76, false)),
                StandardCharsets.US_ASCII);
        assertThat(crlf).startsWith("-----BEGIN CERTIFICATE-----\r\n").contains("-----END CERTIFICATE-----\r\n");
        assertThat(crlf.split("\r\n")[1]).hasSize(76);
        assertThat(crlf.replace("\r\n", "")).doesNotContain("\n");

        String key = new String(store.exportPem("m", CredentialPart.PRIVATE_KEY, new PemStyle(false, 64, true)),
                StandardCharsets.US_ASCII);
        assertThat(key).startsWith("-----BEGIN RSA PRIVATE KEY-----\n");
        String pkcs8 = new String(store.exportPem("m", CredentialPart.PRIVATE_KEY, PemStyle.STANDARD),
                StandardCharsets.US_ASCII);
        assertThat(pkcs8).startsWith("-----BEGIN PRIVATE KEY-----\n");

        // What we export reads back to the same material.
        CredentialReader.Read back = new CredentialReader(TestPki.BC).read("export", (crlf + key)
                .getBytes(StandardCharsets.US_ASCII), null);
        assertThat(back.certificates()).containsExactly(chain.get(2).cert(), chain.get(1).cert());
        assertThat(back.keys().get(0).getEncoded()).isEqualTo(chain.get(2).key().getEncoded());
        assertThat(new String(store.exportPem("m", CredentialPart.TRUST_ANCHORS, PemStyle.STANDARD),
                StandardCharsets.US_ASCII)).contains("BEGIN CERTIFICATE");
    }

    @Test
    void generatedSecretIsOwnerOnlyAndReused() throws Exception {
        Path storeFile = dir.resolve("g/credentials.bcfks");
        BcCredentialStore a = BcCredentialStore.open(storeFile, "", "", Duration.ofDays(30), (x, y) -> { });
        a.importCredential("k", device, null);
        Path secret = storeFile.resolveSibling("store.secret");
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(secret)))
                .isEqualTo("rw-------");
        BcCredentialStore b = BcCredentialStore.open(storeFile, "", "", Duration.ofDays(30), (x, y) -> { });
        assertThat(b.clientIdentity("k")).isPresent();
        assertThatThrownBy(() -> BcCredentialStore.open(storeFile, "", dir.resolve("missing").toString(),
                Duration.ofDays(30), (x, y) -> { })).hasMessageContaining("does not exist");
    }

    /** Issue 16, Low 16: a new secret next to an existing store would lock its credentials away for good. */
    @Test
    void aMissingSecretBesideAnExistingStoreIsNeverReplaced() throws Exception {
        Path storeFile = dir.resolve("m/credentials.bcfks");
        BcCredentialStore.open(storeFile, "", "", Duration.ofDays(30), (x, y) -> { }).importCredential("k", device,
                null);
        Path secret = storeFile.resolveSibling("store.secret");
        byte[] storeBefore = Files.readAllBytes(storeFile);
        Files.delete(secret);
        assertThatThrownBy(() -> BcCredentialStore.open(storeFile, "", "", Duration.ofDays(30), (x, y) -> { }))
                .hasMessageContaining("exists but its secret file").hasMessageContaining("Restore store.secret")
                .hasMessageContaining("Nothing was written");
        assertThat(secret).doesNotExist();
        assertThat(Files.readAllBytes(storeFile)).isEqualTo(storeBefore);
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer: for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** Issue 16, low 18: a damaged store was reported as working ("credentials": true in status.json). */
    @Test
    void aDamagedStoreSaysSoThroughProblemAndRecoversWhenRestored() throws Exception {
        BcCredentialStore store = open("secret-1");
        assertThat(store.problem()).as("an empty store works").isEmpty();
        store.importCredential("a", device, null);
        assertThat(store.problem()).isEmpty();
        java.nio.file.Path file = dir.resolve("store/credentials.bcfks");
        byte[] good = java.nio.file.Files.readAllBytes(file);
        byte[] bad = good.clone();
        for (int i = bad.length / 2; i < bad.length / 2 + 64; i++) {
            bad[i] ^= 0x5A;
        }
        java.nio.file.Files.write(file, bad);
        BcCredentialStore reopened = open("secret-1");
        String problem = reopened.problem();
        assertThat(problem).as("problem of a damaged store").isNotEmpty().contains(file.toString());
        assertThat(reopened.problem()).isEqualTo(problem);
        assertThat(java.nio.file.Files.readAllBytes(file)).as("the file is left untouched").isEqualTo(bad);

        java.nio.file.Files.write(file, good);
        java.nio.file.Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.from(java.time.Instant.now()
                .plusSeconds(5)));
        assertThat(reopened.problem()).as("restored").isEmpty();
        assertThat(open("secret-2").problem()).as("a secret that does not open a good store").isNotEmpty();
    }
}
