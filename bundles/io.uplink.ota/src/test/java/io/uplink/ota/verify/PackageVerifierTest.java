package io.uplink.ota.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.uplink.ota.OtaException;
import io.uplink.ota.OtaReason;
import io.uplink.ota.TestPackages;
import io.uplink.ota.TestPki;
import io.uplink.ota.sign.PackageSigner;
import io.uplink.ota.sign.SignerKeys;

class PackageVerifierTest {

    private static TestPki.Issued ca;
    private static TestPki.Issued signer;

    @TempDir
    Path dir;

    @BeforeAll
    static void pki() throws Exception {
        ca = TestPki.ca("Uplink OTA test CA");
        signer = TestPki.signer(ca, "Uplink OTA test signer");
    }

    private Path unsigned() throws IOException {
        Path p = dir.resolve("unsigned.dp");
        TestPackages.twoBundles(p, "test.feature", "1.0.0");
        return p;
    }

    private Path signed(TestPki.Issued by) throws IOException {
        Path out = dir.resolve("signed-" + System.nanoTime() + ".dp");
        new PackageSigner(by.keys().getPrivate(), List.of(by.cert())).sign(unsigned(), out);
        return out;
    }

    private static VerifiedPackage verify(Path p) throws OtaException {
        return new PackageVerifier(List.of(ca.cert())).verify(p, Instant.now());
    }

    private static OtaReason reason(Path p) {
        try {
            verify(p);
        } catch (OtaException e) {
            assertThat(e.getMessage()).isNotBlank();
            return e.reason();
        }
        throw new AssertionError(p + " was accepted");
    }

    @Test
    void signedPackageIsAcceptedWithItsIdentityAndSigner() throws Exception {
        VerifiedPackage v = verify(signed(signer));
        assertThat(v.name()).isEqualTo("test.feature");
        assertThat(v.version()).isEqualTo("1.0.0");
        assertThat(v.bundles()).containsExactly("test.a", "test.b");
        assertThat(v.signer()).isEqualTo("CN=Uplink OTA test signer");
    }

    @Test
    void signedPackageKeepsTheDeploymentPackageEntryOrder() throws Exception {
        try (java.util.jar.JarInputStream in = new java.util.jar.JarInputStream(Files.newInputStream(signed(signer)),
                true)) {
            assertThat(in.getManifest()).isNotNull();
            // JarInputStream verifies only when the signature files follow the manifest, as the DP spec requires.
            assertThat(in.getNextJarEntry().getName()).isEqualTo("META-INF/UPLINK.SF");
            assertThat(in.getNextJarEntry().getName()).isEqualTo("META-INF/UPLINK.EC");
            java.util.jar.JarEntry e = in.getNextJarEntry();
            assertThat(e.getName()).isEqualTo("bundles/test.a.jar");
            in.readAllBytes();
            assertThat(e.getCodeSigners()).isNotNull();
            assertThat(in.getNextJarEntry().getName()).isEqualTo("bundles/test.b.jar");
        }
    }

    @Test
    void unsignedPackageIsRefused() throws Exception {
        assertThat(reason(unsigned())).isEqualTo(OtaReason.UNSIGNED);
    }

    @Test
    void changedEntryIsRefused() throws Exception {
        Path out = dir.resolve("changed.dp");
        TestPackages.rewrite(signed(signer), out, (n, b) -> {
            if (n.equals("bundles/test.b.jar")) {
                b[b.length / 2] ^= 1;
            }
            return b;
        }, Map.of());
        assertThat(reason(out)).isEqualTo(OtaReason.ENTRY_CHANGED);
    }

    @Test
    void changedManifestHeaderIsRefused() throws Exception {
        Path out = dir.resolve("version.dp");
        TestPackages.rewrite(signed(signer), out, (n, b) -> n.equals("META-INF/MANIFEST.MF")
                ? new String(b, StandardCharsets.UTF_8).replace("Version: 1.0.0", "Version: 9.0.0")
                        .getBytes(StandardCharsets.UTF_8)
                : b, Map.of());
        assertThat(reason(out)).isEqualTo(OtaReason.ENTRY_CHANGED);
    }

    @Test
    void addedEntryIsRefused() throws Exception {
        Path out = dir.resolve("added.dp");
        TestPackages.rewrite(signed(signer), out, (n, b) -> b,
                Map.of("bundles/evil.jar", TestPackages.bundle("evil", "1.0.0", null)));
        assertThat(reason(out)).isEqualTo(OtaReason.ENTRY_ADDED);
    }

    @Test
    void removedEntryIsRefused() throws Exception {
        Path out = dir.resolve("removed.dp");
        TestPackages.rewrite(signed(signer), out, (n, b) -> n.equals("bundles/test.b.jar") ? null : b, Map.of());
        assertThat(reason(out)).isEqualTo(OtaReason.ENTRY_REMOVED);
    }

    @Test
    void removedEntryWithItsManifestSectionIsRefused() throws Exception {
        Path out = dir.resolve("removed2.dp");
        TestPackages.rewrite(signed(signer), out, (n, b) -> {
            if (n.equals("bundles/test.b.jar")) {
                return null;
            }
            if (n.equals("META-INF/MANIFEST.MF")) {
                String mf = new String(b, StandardCharsets.UTF_8);
                int at = mf.indexOf("Name: bundles/test.b.jar");
                int end = mf.indexOf("\r\n\r\n", at) + 4;
                return (mf.substring(0, at) + mf.substring(end)).getBytes(StandardCharsets.UTF_8);
            }
            return b;
        }, Map.of());
        assertThat(reason(out)).isIn(OtaReason.ENTRY_REMOVED, OtaReason.ENTRY_CHANGED);
    }

    @Test
    void expiredSignerIsRefused() throws Exception {
        Instant now = Instant.now();
        TestPki.Issued old = TestPki.signer(ca, "Expired signer", now.minus(Duration.ofDays(400)),
                now.minus(Duration.ofDays(35)));
        assertThat(reason(signed(old))).isEqualTo(OtaReason.SIGNER_EXPIRED);
    }

    @Test
    void foreignSignerIsRefused() throws Exception {
        TestPki.Issued otherCa = TestPki.ca("Someone else's CA");
        TestPki.Issued foreign = TestPki.signer(otherCa, "Uplink OTA test signer");
        assertThat(reason(signed(foreign))).isEqualTo(OtaReason.SIGNER_UNTRUSTED);
    }

    @Test
    void selfSignedSignerIsRefused() throws Exception {
        TestPki.Issued self = TestPki.ca("Self-made");
        assertThat(reason(signed(self))).isEqualTo(OtaReason.SIGNER_UNTRUSTED);
    }

    @Test
    void noAnchorsMeansNothingIsTrusted() throws Exception {
        Path p = signed(signer);
        assertThatThrownBy(() -> new PackageVerifier(List.of()).verify(p, Instant.now()))
                .isInstanceOfSatisfying(OtaException.class,
                        e -> assertThat(e.reason()).isEqualTo(OtaReason.NO_TRUST_ANCHORS));
    }

    @Test
    void notAJarIsMalformed() throws Exception {
        Path p = dir.resolve("junk.dp");
        Files.writeString(p, "not a zip");
        assertThat(reason(p)).isEqualTo(OtaReason.MALFORMED);
    }

    @Test
    void signingTwiceReplacesTheOldSignature() throws Exception {
        Path once = signed(TestPki.signer(TestPki.ca("Other"), "old"));
        Path twice = dir.resolve("twice.dp");
        new PackageSigner(signer.keys().getPrivate(), List.of(signer.cert())).sign(once, twice);
        assertThat(verify(twice).signer()).isEqualTo("CN=Uplink OTA test signer");
    }

    @Test
    void pemKeyAndCertificateAreRead() throws Exception {
        Path key = dir.resolve("k.pem");
        Path cert = dir.resolve("c.pem");
        signer.writePem(key, cert);
        Path out = dir.resolve("pem.dp");
        new PackageSigner(SignerKeys.readKey(key), SignerKeys.readChain(cert)).sign(unsigned(), out);
        assertThat(verify(out).version()).isEqualTo("1.0.0");
        assertThatThrownBy(() -> SignerKeys.readKey(cert)).isInstanceOf(IOException.class)
                .hasMessageContaining("no private key");
    }

    /** The JDK's own tool agrees the output is a correctly signed JAR (when the JDK has it). */
    @Test
    void jarsignerVerifiesTheOutput() throws Exception {
        Path jarsigner = Path.of(System.getProperty("java.home"), "bin", "jarsigner");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(jarsigner), "no jarsigner in this JDK");
        Process p = new ProcessBuilder(jarsigner.toString(), "-verify", signed(signer).toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(out).contains("jar verified");
    }
}
