package io.uplink.credentials.store;

import java.io.StringWriter;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

import javax.security.auth.x500.X500Principal;

import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.jcajce.JcaMiscPEMGenerator;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Builds test certificates and keys with Bouncy Castle: CAs, intermediates, devices, with every defect needed. */
final class TestPki {

    static final BouncyCastleProvider BC = new BouncyCastleProvider();
    static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A certificate and its key. */
    record Issued(X509Certificate cert, PrivateKey key, KeyPair pair) {
    }

    /** What to put into a certificate. */
    static final class Spec {
        String subject = "CN=device-1";
        String keyType = "EC";
        int rsaBits = 2048;
        String curve = "secp256r1";
        boolean ca;
        Instant notBefore = NOW.minus(Duration.ofDays(30));
        Instant notAfter = NOW.plus(Duration.ofDays(365));
        Integer keyUsage = KeyUsage.digitalSignature;
        KeyPurposeId[] eku = { KeyPurposeId.id_kp_clientAuth };
        String[] dnsNames = {};

        Spec subject(String s) {
            subject = s;
            return this;
        }

        Spec rsa(int bits) {
            keyType = "RSA";
            rsaBits = bits;
            return this;
        }

        Spec ec(String c) {
            keyType = "EC";
            curve = c;
            return this;
        }

        Spec ed25519() {
            keyType = "Ed25519";
            return this;
        }

        Spec ca() {
            ca = true;
            keyUsage = KeyUsage.keyCertSign | KeyUsage.cRLSign;
            eku = null;
            return this;
        }

        Spec validity(Instant from, Instant to) {
            notBefore = from;
            notAfter = to;
            return this;
        }

        Spec keyUsage(Integer ku) {
            keyUsage = ku;
            return this;
        }

        Spec eku(KeyPurposeId... ids) {
            eku = ids;
            return this;
        }

        Spec server(String... names) {
            eku = new KeyPurposeId[] { KeyPurposeId.id_kp_serverAuth };
            dnsNames = names;
            return this;
        }
    }

    static Spec spec() {
        return new Spec();
    }

    static KeyPair keyPair(Spec s) throws Exception {
        KeyPairGenerator g;
        switch (s.keyType) {
        case "RSA":
            g = KeyPairGenerator.getInstance("RSA", BC);
            g.initialize(s.rsaBits, RANDOM);
            break;
        case "EC":
            g = KeyPairGenerator.getInstance("EC", BC);
            g.initialize(new ECGenParameterSpec(s.curve), RANDOM);
            break;
        default:
            g = KeyPairGenerator.getInstance(s.keyType, BC);
        }
        return g.generateKeyPair();
    }

    /** Self-signed when issuer is null. */
    static Issued issue(Spec s, Issued issuer) throws Exception {
        KeyPair pair = keyPair(s);
        X500Principal subject = new X500Principal(s.subject);
        X500Principal issuerName = issuer == null ? subject : issuer.cert.getSubjectX500Principal();
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuerName,
                new BigInteger(64, RANDOM).abs().add(BigInteger.ONE), Date.from(s.notBefore), Date.from(s.notAfter),
                subject, pair.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(s.ca));
        if (s.keyUsage != null) {
            b.addExtension(Extension.keyUsage, true, new KeyUsage(s.keyUsage));
        }
        if (s.eku != null) {
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(s.eku));
        }
        if (s.dnsNames.length > 0) {
            List<GeneralName> names = new ArrayList<>();
            for (String n : s.dnsNames) {
                names.add(new GeneralName(GeneralName.dNSName, n));
            }
            b.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(names.toArray(new GeneralName[0])));
        }
        PrivateKey signingKey = issuer == null ? pair.getPrivate() : issuer.key;
        X509Certificate cert = new JcaX509CertificateConverter().setProvider(BC)
                .getCertificate(b.build(new JcaContentSignerBuilder(signatureAlgorithm(signingKey)).setProvider(BC)
                        .build(signingKey)));
        return new Issued(cert, pair.getPrivate(), pair);
    }

    static String signatureAlgorithm(PrivateKey key) {
        switch (key.getAlgorithm()) {
        case "RSA":
            return "SHA256withRSA";
        case "EC":
        case "ECDSA":
            return "SHA256withECDSA";
        default:
            return key.getAlgorithm();
        }
    }

    /** Root CA -> intermediate -> device (EC P-256 unless the device spec says otherwise). */
    static List<Issued> chain(Spec device) throws Exception {
        Issued root = issue(spec().subject("CN=Test Root CA,O=Uplink Tests").ca().validity(NOW.minus(Duration.ofDays(
                3650)), NOW.plus(Duration.ofDays(3650))), null);
        Issued intermediate = issue(spec().subject("CN=Test Issuing CA,O=Uplink Tests").ca(), root);
        Issued leaf = issue(device, intermediate);
        return List.of(root, intermediate, leaf);
    }

    static String pem(Object... objects) throws Exception {
        StringWriter w = new StringWriter();
        try (JcaPEMWriter pw = new JcaPEMWriter(w)) {
            for (Object o : objects) {
                pw.writeObject(o);
            }
        }
        return w.toString();
    }

    /** PKCS#8 ("PRIVATE KEY"). */
    static String pkcs8(PrivateKey key) throws Exception {
        StringWriter w = new StringWriter();
        try (JcaPEMWriter pw = new JcaPEMWriter(w)) {
            pw.writeObject(new JcaPKCS8Generator(key, null));
        }
        return w.toString();
    }

    /** Traditional form: PKCS#1 "RSA PRIVATE KEY" or SEC1 "EC PRIVATE KEY". */
    static String traditional(PrivateKey key) throws Exception {
        StringWriter w = new StringWriter();
        try (JcaPEMWriter pw = new JcaPEMWriter(w)) {
            pw.writeObject(new JcaMiscPEMGenerator(key));
        }
        return w.toString();
    }
}
