package io.uplink.modem.emulator;

import java.io.StringWriter;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

import javax.security.auth.x500.X500Principal;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;

/** Test certificates: a CA and what it issues, RSA or EC, current or expired, as PEM in every key format. */
final class TestPki {

    private static final SecureRandom RANDOM = new SecureRandom();

    /** A certificate and its key pair. */
    record Issued(X509Certificate cert, KeyPair keys) {
        String certPem() {
            return pem(cert);
        }

        /** PKCS#8 "PRIVATE KEY". */
        String pkcs8Pem() throws Exception {
            StringWriter w = new StringWriter();
            try (JcaPEMWriter p = new JcaPEMWriter(w)) {
                p.writeObject(new JcaPKCS8Generator(keys.getPrivate(), null));
            }
            return w.toString();
        }

        /**
         * The traditional form: PKCS#1 "RSA PRIVATE KEY", or SEC1 "EC PRIVATE KEY" naming its curve as openssl
         * writes it (the JDK's own encoding leaves the curve to the PKCS#8 wrapper).
         */
        String traditionalPem() throws Exception {
            StringWriter w = new StringWriter();
            try (JcaPEMWriter p = new JcaPEMWriter(w)) {
                if (keys.getPrivate().getAlgorithm().equals("EC")) {
                    PrivateKeyInfo info = PrivateKeyInfo.getInstance(keys.getPrivate().getEncoded());
                    ECPrivateKey bare = ECPrivateKey.getInstance(info.parsePrivateKey());
                    ECPrivateKey named = new ECPrivateKey(256, bare.getKey(),
                            info.getPrivateKeyAlgorithm().getParameters());
                    p.writeObject(new PemObject("EC PRIVATE KEY", named.getEncoded()));
                } else {
                    p.writeObject(keys.getPrivate());
                }
            }
            return w.toString();
        }
    }

    static KeyPair rsa(int bits) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(bits, RANDOM);
        return g.generateKeyPair();
    }

    static KeyPair ec(String curve) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec(curve), RANDOM);
        return g.generateKeyPair();
    }

    static Issued ca(String cn) throws Exception {
        KeyPair k = ec("secp256r1");
        return new Issued(build(cn, k, null, true, Instant.now().minus(Duration.ofDays(10)),
                Instant.now().plus(Duration.ofDays(3650)), null), k);
    }

    static Issued leaf(Issued ca, String cn, KeyPair k, Instant notBefore, Instant notAfter, String dns)
            throws Exception {
        return new Issued(build(cn, k, ca, false, notBefore, notAfter, dns), k);
    }

    static Issued leaf(Issued ca, String cn, KeyPair k) throws Exception {
        return leaf(ca, cn, k, Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(365)),
                "localhost");
    }

    private static X509Certificate build(String cn, KeyPair k, Issued issuer, boolean isCa, Instant notBefore,
            Instant notAfter, String dns) throws Exception {
        X500Principal subject = new X500Principal("CN=" + cn);
        X500Principal issuerName = issuer == null ? subject : issuer.cert().getSubjectX500Principal();
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuerName,
                BigInteger.valueOf(RANDOM.nextInt(Integer.MAX_VALUE)), Date.from(notBefore), Date.from(notAfter),
                subject, k.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
        if (dns != null) {
            b.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(new GeneralName(GeneralName.dNSName, dns)));
        }
        KeyPair signer = issuer == null ? k : issuer.keys();
        String alg = signer.getPrivate().getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
        return new JcaX509CertificateConverter()
                .getCertificate(b.build(new JcaContentSignerBuilder(alg).build(signer.getPrivate())));
    }

    static String pem(X509Certificate c) {
        try {
            StringWriter w = new StringWriter();
            try (JcaPEMWriter p = new JcaPEMWriter(w)) {
                p.writeObject(c);
            }
            return w.toString();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
