package io.uplink.credentials.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import io.uplink.credentials.CredentialException;
import io.uplink.credentials.CredentialPart;
import io.uplink.credentials.PemStyle;
import io.uplink.credentials.Problem;
import io.uplink.credentials.ValidationContext;

import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

/** Private keys, passphrases and the store secret never reach a log line, an exception or a report. */
class SecretsNeverLeakTest {

    private static final String PASSPHRASE = "Tr0ub4dor-passphrase";
    private static final String STORE_SECRET = "store-secret-XYZZY-4711";

    @TempDir
    Path dir;

    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private Logger root;

    @BeforeEach
    void captureEverything() {
        root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.TRACE);
        logs.start();
        root.addAppender(logs);
    }

    @AfterEach
    void release() {
        root.detachAppender(logs);
    }

    @Test
    void noSecretInLogsExceptionsOrReports() throws Exception {
        TestPki.Issued d = TestPki.issue(TestPki.spec().rsa(2048), null);
        String encrypted = TestPki.pem(new JcaPKCS8Generator(d.key(), new JceOpenSSLPKCS8EncryptorBuilder(
                NISTObjectIdentifiers.id_aes256_CBC).setProvider(TestPki.BC).setPassword(PASSPHRASE.toCharArray())
                .build()).generate());
        byte[] content = (TestPki.pem(d.cert()) + encrypted).getBytes(StandardCharsets.UTF_8);
        List<String> said = new ArrayList<>();

        BcCredentialStore store = new BcCredentialStore(dir.resolve("c.bcfks"), STORE_SECRET.toCharArray(),
                Duration.ofDays(30), Clock.fixed(TestPki.NOW, ZoneOffset.UTC), (a, c) -> { });
        collect(said, store.importCredential("dev", content, PASSPHRASE.toCharArray()).problems());
        said.addAll(store.importCredential("dev", content, PASSPHRASE.toCharArray()).contents());
        expectFailure(said, () -> store.importCredential("dev", content, "wrong-pass".toCharArray()));
        expectFailure(said, () -> store.importCredential("dev", content, null));
        collect(said, store.validate("dev", new ValidationContext("", "", "quectel-bg9x", TestPki.NOW)).problems());
        store.exportPem("dev", CredentialPart.PRIVATE_KEY, PemStyle.STANDARD);
        store.list().forEach(s -> said.add(s.toString()));
        said.add(store.clientIdentity("dev").orElseThrow().toString());
        BcCredentialStore wrongSecret = new BcCredentialStore(dir.resolve("c.bcfks"), "not-it".toCharArray(),
                Duration.ofDays(30), Clock.systemUTC(), (a, c) -> { });
        expectFailure(said, wrongSecret::verifyReadable);
        for (ILoggingEvent e : logs.list) {
            said.add(e.getFormattedMessage());
            if (e.getThrowableProxy() != null) {
                said.add(e.getThrowableProxy().getMessage());
            }
        }
        assertThat(logs.list).as("the store logs what it does").isNotEmpty();

        String keyBase64 = Base64.getEncoder().encodeToString(d.key().getEncoded());
        for (String line : said) {
            assertThat(line).doesNotContain(PASSPHRASE).doesNotContain(STORE_SECRET).doesNotContain("wrong-pass")
                    .doesNotContain("PRIVATE KEY-----");
            for (int i = 0; i + 24 <= keyBase64.length(); i += 24) {
                assertThat(line).doesNotContain(keyBase64.substring(i, i + 24));
            }
        }
    }

    private interface Failing {
        void run() throws Exception;
    }

    private static void expectFailure(List<String> said, Failing action) {
        try {
            action.run();
            throw new AssertionError("expected a failure");
        } catch (CredentialException e) {
            said.add(e.getMessage());
            collect(said, e.problems());
            for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
                said.add(String.valueOf(t.getMessage()));
            }
        } catch (Exception e) {
            said.add(e.toString());
        }
    }

    private static void collect(List<String> said, List<Problem> problems) {
        for (Problem p : problems) {
            said.add(p.cause());
            said.add(p.fix());
        }
    }
}
