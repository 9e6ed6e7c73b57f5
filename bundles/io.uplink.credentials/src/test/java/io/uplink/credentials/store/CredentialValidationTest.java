package io.uplink.credentials.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Collectors;

import io.uplink.credentials.CredentialException;
import io.uplink.credentials.CredentialUse;
import io.uplink.credentials.Problem;
import io.uplink.credentials.Problem.Severity;
import io.uplink.credentials.ValidationContext;
import io.uplink.credentials.ValidationReport;

import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every validation problem of the issue, each asserted by its stable code. */
class CredentialValidationTest {

    @TempDir
    Path dir;

    private BcCredentialStore store;

    @BeforeEach
    void open() throws Exception {
        store = new BcCredentialStore(dir.resolve("c.bcfks"), "test-secret".toCharArray(), Duration.ofDays(30),
                Clock.fixed(TestPki.NOW, ZoneOffset.UTC), (a, c) -> { });
    }

    private ValidationReport inspect(ValidationContext ctx, String... texts) throws Exception {
        return store.inspect(List.of(texts).stream().map(t -> t.getBytes(StandardCharsets.UTF_8))
                .collect(Collectors.toList()), null, ctx);
    }

    private ValidationReport inspect(String... texts) throws Exception {
        return inspect(new ValidationContext("", "", "", TestPki.NOW), texts);
    }

    private static List<String> errors(ValidationReport r) {
        return r.problems().stream().filter(p -> p.severity() == Severity.ERROR).map(Problem::code)
                .collect(Collectors.toList());
    }

    private static List<String> codes(ValidationReport r) {
        return r.problems().stream().map(Problem::code).collect(Collectors.toList());
    }

    @Test
    void aCompleteChainWithItsKeyHasNoProblem() throws Exception {
        List<TestPki.Issued> c = TestPki.chain(TestPki.spec());
        ValidationReport r = inspect(TestPki.pem(c.get(2).cert(), c.get(1).cert(), c.get(0).cert()),
                TestPki.pkcs8(c.get(2).key()));
        assertThat(r.problems()).isEmpty();
        assertThat(r.isUsable()).isTrue();
        assertThat(r.contents()).anyMatch(l -> l.startsWith("private key: EC P-256, matches CN=device-1"));
    }

    @Test
    void keyMismatch() throws Exception {
        TestPki.Issued a = TestPki.issue(TestPki.spec(), null);
        TestPki.Issued b = TestPki.issue(TestPki.spec(), null);
        ValidationReport r = inspect(TestPki.pem(a.cert()), TestPki.pkcs8(b.key()));
        assertThat(errors(r)).contains("key-mismatch");
        assertThat(r.problems().get(0).cause()).contains("does not belong to the certificate CN=device-1");
    }

    @Test
    void chainIncompleteNamesTheMissingIssuer() throws Exception {
        List<TestPki.Issued> c = TestPki.chain(TestPki.spec());
        ValidationReport r = inspect(TestPki.pem(c.get(2).cert(), c.get(0).cert()), TestPki.pkcs8(c.get(2).key()));
        assertThat(codes(r)).contains("chain-incomplete");
        Problem p = r.problems().stream().filter(x -> x.code().equals("chain-incomplete")).findFirst().orElseThrow();
        assertThat(p.cause()).contains("CN=Test Issuing CA, O=Uplink Tests");
        assertThat(p.severity()).as("a broker may know the issuer of a client certificate").isEqualTo(
                Severity.WARNING);
    }

    @Test
    void chainIncompleteForAServerCertificateIsAnError() throws Exception {
        List<TestPki.Issued> c = TestPki.chain(TestPki.spec().subject("CN=broker").server("broker.example"));
        ValidationReport r = inspect(TestPki.pem(c.get(2).cert()));
        assertThat(errors(r)).contains("chain-incomplete");
    }

    @Test
    void untrustedRootWhenTrustAnchorsAreGiven() throws Exception {
        List<TestPki.Issued> other = TestPki.chain(TestPki.spec());
        store.importCredential("anchors", TestPki.pem(other.get(0).cert()).getBytes(StandardCharsets.UTF_8), null);
        List<TestPki.Issued> c = TestPki.chain(TestPki.spec());
        ValidationReport r = inspect(new ValidationContext("anchors", "", "", TestPki.NOW),
                TestPki.pem(c.get(2).cert(), c.get(1).cert(), c.get(0).cert()), TestPki.pkcs8(c.get(2).key()));
        assertThat(errors(r)).contains("untrusted-root");
    }

    @Test
    void badSignatureWhenAnIssuerWithTheSameNameDidNotSign() throws Exception {
        List<TestPki.Issued> c = TestPki.chain(TestPki.spec());
        TestPki.Issued impostor = TestPki.issue(TestPki.spec().subject("CN=Test Issuing CA,O=Uplink Tests").ca(),
                c.get(0));
        ValidationReport r = inspect(TestPki.pem(c.get(2).cert(), impostor.cert(), c.get(0).cert()),
                TestPki.pkcs8(c.get(2).key()));
        assertThat(errors(r)).contains("bad-signature");
    }

    @Test
    void expiredNotYetValidAndExpiringSoon() throws Exception {
        TestPki.Issued expired = TestPki.issue(TestPki.spec().validity(TestPki.NOW.minus(Duration.ofDays(400)),
                TestPki.NOW.minus(Duration.ofDays(1))), null);
        assertThat(errors(inspect(TestPki.pem(expired.cert()), TestPki.pkcs8(expired.key())))).contains("expired");

        TestPki.Issued future = TestPki.issue(TestPki.spec().validity(TestPki.NOW.plus(Duration.ofDays(2)),
                TestPki.NOW.plus(Duration.ofDays(400))), null);
        ValidationReport nyv = inspect(TestPki.pem(future.cert()), TestPki.pkcs8(future.key()));
        assertThat(errors(nyv)).contains("not-yet-valid");
        assertThat(nyv.problems().get(0).fix()).contains("clock");

        TestPki.Issued soon = TestPki.issue(TestPki.spec().validity(TestPki.NOW.minus(Duration.ofDays(300)),
                TestPki.NOW.plus(Duration.ofDays(10))), null);
        ValidationReport r = inspect(TestPki.pem(soon.cert()), TestPki.pkcs8(soon.key()));
        assertThat(codes(r)).contains("expires-soon");
        assertThat(r.isUsable()).isTrue();
    }

    @Test
    void aClockIn1970IsCalledWrong() throws Exception {
        TestPki.Issued d = TestPki.issue(TestPki.spec(), null);
        ValidationReport r = inspect(new ValidationContext("", "", "", Instant.EPOCH), TestPki.pem(d.cert()),
                TestPki.pkcs8(d.key()));
        assertThat(errors(r)).containsExactly("clock-wrong");
        assertThat(r.problems().get(0).cause()).contains("1970-01-01");
    }

    @Test
    void extendedKeyUsageWithoutClientAuth() throws Exception {
        TestPki.Issued d = TestPki.issue(TestPki.spec().eku(KeyPurposeId.id_kp_serverAuth), null);
        ValidationReport r = inspect(TestPki.pem(d.cert()), TestPki.pkcs8(d.key()));
        assertThat(errors(r)).contains("client-auth-forbidden");
        assertThat(r.problems().get(0).cause()).contains("serverAuth");
    }

    @Test
    void aServerCertificateForTheConsoleIsCheckedForServerUse() throws Exception {
        TestPki.Issued server = TestPki.issue(TestPki.spec().subject("CN=gateway.local")
                .eku(KeyPurposeId.id_kp_serverAuth), null);
        ValidationContext console = new ValidationContext("", "", "", TestPki.NOW, CredentialUse.TLS_SERVER);
        ValidationReport asServer = inspect(console, TestPki.pem(server.cert()), TestPki.pkcs8(server.key()));
        assertThat(asServer.problems()).isEmpty();
        // Taken as the gateway's identity to a broker, the fix points at the console's import.
        ValidationReport asClient = inspect(TestPki.pem(server.cert()), TestPki.pkcs8(server.key()));
        assertThat(asClient.problems().get(0).fix()).contains("--for console");
        byte[] files = (TestPki.pem(server.cert()) + TestPki.pkcs8(server.key())).getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> store.importCredential("console", files, null))
                .isInstanceOf(CredentialException.class).hasMessageContaining("client authentication");
        assertThat(store.clientIdentity("console")).isEmpty();
        store.importCredential("console", files, null, CredentialUse.TLS_SERVER);
        assertThat(store.clientIdentity("console")).get().satisfies(id -> assertThat(id.certificate())
                .isEqualTo(server.cert()));

        TestPki.Issued client = TestPki.issue(TestPki.spec().eku(KeyPurposeId.id_kp_clientAuth), null);
        ValidationReport r = inspect(console, TestPki.pem(client.cert()), TestPki.pkcs8(client.key()));
        assertThat(errors(r)).containsExactly("server-auth-forbidden");
        assertThat(r.problems().get(0).cause()).contains("clientAuth");
        assertThat(r.problems().get(0).fix()).contains("serverAuth");

        // keyEncipherment alone: an RSA key still serves TLS 1.2's RSA key transport, an EC key serves nothing.
        TestPki.Issued rsaTransportOnly = TestPki.issue(TestPki.spec().rsa(2048).keyUsage(KeyUsage.keyEncipherment)
                .eku(KeyPurposeId.id_kp_serverAuth), null);
        ValidationReport limited = inspect(console, TestPki.pem(rsaTransportOnly.cert()),
                TestPki.pkcs8(rsaTransportOnly.key()));
        assertThat(codes(limited)).containsExactly("server-auth-limited");
        assertThat(limited.isUsable()).isTrue();
        TestPki.Issued ecTransportOnly = TestPki.issue(TestPki.spec().keyUsage(KeyUsage.keyEncipherment)
                .eku(KeyPurposeId.id_kp_serverAuth), null);
        ValidationReport ec = inspect(console, TestPki.pem(ecTransportOnly.cert()),
                TestPki.pkcs8(ecTransportOnly.key()));
        assertThat(errors(ec)).containsExactly("server-auth-forbidden");
        assertThat(ec.problems().get(0).cause()).contains("EC key");
        TestPki.Issued signsOnlyCrls = TestPki.issue(TestPki.spec().keyUsage(KeyUsage.cRLSign)
                .eku(KeyPurposeId.id_kp_serverAuth), null);
        assertThat(errors(inspect(console, TestPki.pem(signsOnlyCrls.cert()), TestPki.pkcs8(signsOnlyCrls.key()))))
                .containsExactly("server-auth-forbidden");

        // A CA's own key (a root signs certificates) is refused; a self-signed server certificate that 'openssl req
        // -x509' marked CA:TRUE is a warning, since Firefox refuses it.
        TestPki.Issued ca = TestPki.issue(TestPki.spec().subject("CN=My CA").ca(), null);
        assertThat(errors(inspect(console, TestPki.pem(ca.cert()), TestPki.pkcs8(ca.key())))).contains("ca-as-server");
        TestPki.Spec opensslX509 = TestPki.spec().subject("CN=gateway.local").eku(KeyPurposeId.id_kp_serverAuth);
        opensslX509.ca = true;
        TestPki.Issued markedCa = TestPki.issue(opensslX509, null);
        ValidationReport marked = inspect(console, TestPki.pem(markedCa.cert()), TestPki.pkcs8(markedCa.key()));
        assertThat(codes(marked)).containsExactly("ca-as-server");
        assertThat(marked.isUsable()).isTrue();

        // A server sends its intermediates, browsers hold the roots: leaf + intermediate is complete, the leaf
        // alone a warning.
        List<TestPki.Issued> chain = TestPki.chain(TestPki.spec().server("gateway.example"));
        assertThat(inspect(console, TestPki.pem(chain.get(2).cert(), chain.get(1).cert()),
                TestPki.pkcs8(chain.get(2).key())).problems()).isEmpty();
        ValidationReport leafOnly = inspect(console, TestPki.pem(chain.get(2).cert()),
                TestPki.pkcs8(chain.get(2).key()));
        assertThat(codes(leafOnly)).containsExactly("chain-incomplete");
        assertThat(leafOnly.isUsable()).isTrue();
        assertThat(leafOnly.problems().get(0).fix()).contains("intermediate");

        // The console's host name, when given, must be in the certificate.
        TestPki.Issued named = TestPki.issue(TestPki.spec().server("gateway.example"), null);
        assertThat(errors(inspect(console.withUse(CredentialUse.TLS_SERVER), TestPki.pem(named.cert()),
                TestPki.pkcs8(named.key())))).isEmpty();
        assertThat(errors(inspect(new ValidationContext("", "other.example", "", TestPki.NOW,
                CredentialUse.TLS_SERVER), TestPki.pem(named.cert()), TestPki.pkcs8(named.key()))))
                .containsExactly("hostname-mismatch");
    }

    @Test
    void keyUsageWithoutDigitalSignature() throws Exception {
        TestPki.Issued d = TestPki.issue(TestPki.spec().keyUsage(KeyUsage.keyEncipherment), null);
        assertThat(errors(inspect(TestPki.pem(d.cert()), TestPki.pkcs8(d.key())))).contains("client-auth-forbidden");
    }

    @Test
    void aCaCertificateWhereADeviceCertificateBelongs() throws Exception {
        TestPki.Issued ca = TestPki.issue(TestPki.spec().subject("CN=My CA").ca(), null);
        assertThat(errors(inspect(TestPki.pem(ca.cert()), TestPki.pkcs8(ca.key())))).contains("ca-as-device");
    }

    @Test
    void aSelfSignedClientCertificateMarkedAsCaByOpensslDefaultsIsAWarning() throws Exception {
        TestPki.Spec spec = TestPki.spec().subject("CN=openssl-x509");
        spec.ca = true; // what 'openssl req -x509' writes, with the key usage and EKU of a client certificate
        TestPki.Issued d = TestPki.issue(spec, null);
        ValidationReport r = inspect(TestPki.pem(d.cert()), TestPki.pkcs8(d.key()));
        assertThat(codes(r)).containsExactly("ca-as-device");
        assertThat(r.isUsable()).isTrue();
        assertThat(r.problems().get(0).fix()).contains("CA:FALSE");
    }

    @Test
    void keysTheTargetModemCannotUse() throws Exception {
        TestPki.Issued ed = TestPki.issue(TestPki.spec().ed25519(), null);
        ValidationReport r = inspect(new ValidationContext("", "", "quectel-bg9x", TestPki.NOW),
                TestPki.pem(ed.cert()), TestPki.pkcs8(ed.key()));
        assertThat(errors(r)).contains("key-unsupported-by-modem");
        assertThat(inspect(TestPki.pem(ed.cert()), TestPki.pkcs8(ed.key())).problems())
                .as("host TLS can use Ed25519").isEmpty();

        TestPki.Issued p521 = TestPki.issue(TestPki.spec().ec("secp521r1"), null);
        assertThat(errors(inspect(new ValidationContext("", "", "nordic-nrf91", TestPki.NOW),
                TestPki.pem(p521.cert()), TestPki.pkcs8(p521.key())))).contains("key-unsupported-by-modem");

        TestPki.Issued big = TestPki.issue(TestPki.spec().rsa(4096), null);
        ValidationReport w = inspect(new ValidationContext("", "", "quectel-bg9x", TestPki.NOW),
                TestPki.pem(big.cert()), TestPki.pkcs8(big.key()));
        assertThat(codes(w)).contains("key-unsupported-by-modem");
        assertThat(w.isUsable()).as("an unconfirmed limit warns").isTrue();
    }

    @Test
    void weakRsaKey() throws Exception {
        TestPki.Issued weak = TestPki.issue(TestPki.spec().rsa(1024), null);
        assertThat(codes(inspect(TestPki.pem(weak.cert()), TestPki.pkcs8(weak.key())))).contains("key-weak");
    }

    @Test
    void serverCertificateForAnotherHost() throws Exception {
        List<TestPki.Issued> c = TestPki.chain(TestPki.spec().subject("CN=broker").server("*.iot.example.com"));
        String pem = TestPki.pem(c.get(2).cert(), c.get(1).cert(), c.get(0).cert());
        assertThat(inspect(new ValidationContext("", "a1.iot.example.com", "", TestPki.NOW), pem).problems())
                .isEmpty();
        ValidationReport r = inspect(new ValidationContext("", "a1.iot.example.org", "", TestPki.NOW), pem);
        assertThat(errors(r)).containsExactly("hostname-mismatch");
        assertThat(r.problems().get(0).cause()).contains("*.iot.example.com");
        assertThat(errors(inspect(new ValidationContext("", "b.a1.iot.example.com", "", TestPki.NOW), pem)))
                .as("a wildcard covers one label").containsExactly("hostname-mismatch");
    }

    @Test
    void twoKeysOrAKeyAlone() throws Exception {
        TestPki.Issued a = TestPki.issue(TestPki.spec(), null);
        TestPki.Issued b = TestPki.issue(TestPki.spec(), null);
        assertThat(errors(inspect(TestPki.pem(a.cert()), TestPki.pkcs8(a.key()), TestPki.pkcs8(b.key()))))
                .contains("several-keys");
        assertThat(errors(inspect(TestPki.pkcs8(a.key())))).containsExactly("no-certificate");
    }

    @Test
    void seed002DeviceCertificateAndKeyMatchUnderAnAmazonIntermediateThatIsNotSupplied() throws Exception {
        Path seed = Path.of("src/test/resources/seed002");
        ValidationReport r = store.inspect(List.of(Files.readAllBytes(seed.resolve("device-cert.pem")),
                Files.readAllBytes(seed.resolve("device-key.pem")), Files.readAllBytes(seed.resolve(
                        "amazon-root-ca1.pem"))), null, new ValidationContext("", "", "", TestPki.NOW));
        assertThat(codes(r)).doesNotContain("key-mismatch");
        assertThat(r.contents()).anyMatch(l -> l.equals("private key: RSA 2048 bits, matches CN=AWS IoT Certificate"));
        Problem missing = r.problems().stream().filter(p -> p.code().equals("chain-incomplete")).findFirst()
                .orElseThrow();
        assertThat(missing.cause()).contains("OU=\"Amazon Web Services O=Amazon.com Inc. L=Seattle ST=Washington C=US\"")
                .contains("neither in the supplied certificates nor among the trust anchors");
        assertThat(r.isUsable()).isTrue();
        assertThat(r.contents()).anyMatch(l -> l.contains("CN=Amazon Root CA 1, O=Amazon, C=US") && l.contains("CA"));
    }
}
