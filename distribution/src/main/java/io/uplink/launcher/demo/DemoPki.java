package io.uplink.launcher.demo;

import java.io.IOException;
import java.io.StringWriter;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The demo's own small PKI, made once at first start under {@code data/demo/pki}: a CA, the broker's server
 * certificate (localhost, 127.0.0.1) and the gateway's client certificate, all ECDSA P-256. Files are PEM so that
 * mosquitto_sub and openssl s_client can use them too.
 */
public final class DemoPki {

    public static final String DEVICE_CN = "uplink-demo-gateway";

    private final Path dir;
    public final X509Certificate ca;
    public final X509Certificate broker;
    public final PrivateKey brokerKey;

    private DemoPki(Path dir, X509Certificate ca, X509Certificate broker, PrivateKey brokerKey) {
        this.dir = dir;
        this.ca = ca;
        this.broker = broker;
        this.brokerKey = brokerKey;
    }

    public Path caFile() {
        return dir.resolve("ca.pem");
    }

    public Path deviceCertFile() {
        return dir.resolve("device.pem");
    }

    public Path deviceKeyFile() {
        return dir.resolve("device.key");
    }

    /** Loads the PKI under {@code dir}, creating it when any file is missing. */
    public static DemoPki loadOrCreate(Path dir) throws IOException {
        List<String> names = List.of("ca.pem", "ca.key", "broker.pem", "broker.key", "device.pem", "device.key");
        boolean complete = names.stream().allMatch(n -> Files.isRegularFile(dir.resolve(n)));
        try {
            if (!complete) {
                create(dir);
            }
            return new DemoPki(dir, readCert(dir.resolve("ca.pem")), readCert(dir.resolve("broker.pem")),
                    readKey(dir.resolve("broker.key")));
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IOException("cannot make the demo certificates under " + dir + ": " + e.getMessage()
                    + ". Delete that folder to have them made again.", e);
        }
    }

    private static void create(Path dir) throws IOException, GeneralSecurityException, OperatorCreationException {
        Files.createDirectories(dir);
        Instant now = Instant.now();
        KeyPair caKeys = ecKeys();
        X500Name caName = new X500Name("CN=Uplink Demo CA,O=Uplink demo");
        X509v3CertificateBuilder caBuilder = builder(caName, caName, caKeys, now, Duration.ofDays(3650));
        JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
        caBuilder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
        caBuilder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        caBuilder.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(caKeys.getPublic()));
        X509Certificate ca = sign(caBuilder, caKeys.getPrivate());

        KeyPair brokerKeys = ecKeys();
        X509v3CertificateBuilder b = builder(caName, new X500Name("CN=localhost,O=Uplink demo"), brokerKeys, now,
                Duration.ofDays(825));
        leafExtensions(b, ext, ca, brokerKeys, KeyPurposeId.id_kp_serverAuth);
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
            new GeneralName(GeneralName.dNSName, "localhost"),
            new GeneralName(GeneralName.iPAddress, "127.0.0.1") }));
        X509Certificate broker = sign(b, caKeys.getPrivate());

        KeyPair deviceKeys = ecKeys();
        X509v3CertificateBuilder d = builder(caName, new X500Name("CN=" + DEVICE_CN + ",O=Uplink demo"), deviceKeys,
                now, Duration.ofDays(825));
        leafExtensions(d, ext, ca, deviceKeys, KeyPurposeId.id_kp_clientAuth);
        X509Certificate device = sign(d, caKeys.getPrivate());

        write(dir.resolve("ca.key"), caKeys.getPrivate());
        write(dir.resolve("broker.key"), brokerKeys.getPrivate());
        write(dir.resolve("device.key"), deviceKeys.getPrivate());
        write(dir.resolve("ca.pem"), ca);
        write(dir.resolve("broker.pem"), broker);
        write(dir.resolve("device.pem"), device);
    }

    private static KeyPair ecKeys() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
        return g.generateKeyPair();
    }

    private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair keys, Instant now,
            Duration validity) {
        return new JcaX509v3CertificateBuilder(issuer, new BigInteger(64, new SecureRandom()).abs().add(BigInteger.ONE),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(validity)), subject, keys.getPublic());
    }

    private static void leafExtensions(X509v3CertificateBuilder b, JcaX509ExtensionUtils ext, X509Certificate ca,
            KeyPair keys, KeyPurposeId purpose) throws IOException, GeneralSecurityException {
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
        b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
        b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()));
        b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(ca));
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key)
            throws OperatorCreationException, GeneralSecurityException {
        ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(key);
        return new JcaX509CertificateConverter().getCertificate(b.build(signer));
    }

    /** Written to a temporary file and moved into place, so an interrupted first start leaves no half file. */
    private static void write(Path file, Object pemObject) throws IOException {
        Writer text = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(text)) {
            if (pemObject instanceof PrivateKey key) {
                w.writeObject(new JcaPKCS8Generator(key, null)); // PKCS#8 "PRIVATE KEY": what every tool reads
            } else {
                w.writeObject(pemObject);
            }
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, text.toString(), StandardCharsets.US_ASCII);
        if (pemObject instanceof PrivateKey && tmp.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static X509Certificate readCert(Path file) throws IOException, GeneralSecurityException {
        try (PEMParser p = new PEMParser(Files.newBufferedReader(file, StandardCharsets.US_ASCII))) {
            Object o = p.readObject();
            if (!(o instanceof X509CertificateHolder h)) {
                throw new IOException(file + " holds no certificate");
            }
            return new JcaX509CertificateConverter().getCertificate(h);
        }
    }

    private static PrivateKey readKey(Path file) throws IOException {
        try (PEMParser p = new PEMParser(Files.newBufferedReader(file, StandardCharsets.US_ASCII))) {
            Object o = p.readObject();
            if (o instanceof PrivateKeyInfo info) {
                return new JcaPEMKeyConverter().getPrivateKey(info);
            }
            throw new IOException(file + " holds no private key");
        }
    }
}
