package io.uplink.itest;

import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Test material made at run time with the Bouncy Castle bundles of the framework under test. */
final class Fixtures {

    private Fixtures() {
    }

    /** A self-signed EC P-256 client certificate valid from yesterday for a year, and its PKCS#8 key, as PEM. */
    static byte[] deviceIdentityPem() throws Exception {
        BouncyCastleProvider bc = new BouncyCastleProvider();
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC", bc);
        g.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair pair = g.generateKeyPair();
        X500Name name = new X500Name("CN=itest-device");
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(now.toEpochMilli()),
                Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(365))), name,
                pair.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
        X509CertificateHolder cert = b.build(new JcaContentSignerBuilder("SHA256withECDSA").setProvider(bc)
                .build(pair.getPrivate()));
        StringWriter w = new StringWriter();
        try (JcaPEMWriter pem = new JcaPEMWriter(w)) {
            pem.writeObject(cert);
            pem.writeObject(new JcaPKCS8Generator(pair.getPrivate(), null));
        }
        return w.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** The installed bundle with this symbolic name. */
    static org.osgi.framework.Bundle bundle(org.osgi.framework.BundleContext context, String symbolicName) {
        for (org.osgi.framework.Bundle b : context.getBundles()) {
            if (symbolicName.equals(b.getSymbolicName())) {
                return b;
            }
        }
        throw new AssertionError(symbolicName + " is not installed");
    }

    /** Waits up to the bound for the tracked service to go away, then asserts it did. */
    static void awaitGone(org.osgi.util.tracker.ServiceTracker<?, ?> tracker, long waitMillis)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + waitMillis;
        while (tracker.getService() != null && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        org.assertj.core.api.Assertions.assertThat(tracker.getService()).as("service withdrawn").isNull();
    }

    /** Starts mosquitto with this configuration and waits until it listens on 127.0.0.1:port. */
    static Process startMosquitto(java.nio.file.Path conf, int port) throws Exception {
        java.nio.file.Path log = conf.resolveSibling("mosquitto.log");
        Process p = new ProcessBuilder("mosquitto", "-c", conf.toString()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
        while (true) {
            try (java.net.Socket s = new java.net.Socket()) {
                s.connect(new java.net.InetSocketAddress("127.0.0.1", port), 200);
                return p;
            } catch (java.io.IOException notYet) {
                org.assertj.core.api.Assertions.assertThat(p.isAlive())
                        .as("mosquitto running: " + java.nio.file.Files.readString(log)).isTrue();
                org.assertj.core.api.Assertions.assertThat(System.nanoTime()).as("mosquitto listening")
                        .isLessThan(deadline);
                Thread.sleep(50);
            }
        }
    }

    /** Waits up to the bound until the set holds at least {@code count} entries. */
    static void awaitSize(java.util.Set<?> received, int count, long waitMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + waitMillis;
        while (received.size() < count && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
    }
}
