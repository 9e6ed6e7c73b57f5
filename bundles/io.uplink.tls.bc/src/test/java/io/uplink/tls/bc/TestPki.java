package io.uplink.tls.bc;

import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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

import io.uplink.credentials.ClientIdentity;

import org.bouncycastle.asn1.x500.X500Name;
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
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Test certificates (RSA-2048 or ECDSA P-256 chains) written as PEM files that openssl and mosquitto read. */
public final class TestPki {

    public static final BouncyCastleProvider BC = new BouncyCastleProvider();
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A certificate with its key. */
    public record Issued(X509Certificate cert, PrivateKey key) {
    }

    /** A CA and what it issued for one test. */
    public record Pki(Issued ca, Issued server, Issued client, Path dir) {
        public Path file(String name) {
            return dir.resolve(name);
        }

        public ClientIdentity clientIdentity() {
            return new ClientIdentity("test-client", List.of(client.cert()), client.key());
        }
    }

    public static KeyPair keys(boolean rsa) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance(rsa ? "RSA" : "EC", BC);
        if (rsa) {
            g.initialize(2048, RANDOM);
        } else {
            g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        }
        return g.generateKeyPair();
    }

    public static Issued issue(String subject, boolean rsa, Issued issuer, boolean ca, KeyPurposeId eku, String[] dns,
            Instant notBefore, Instant notAfter) throws Exception {
        return issue(subject, rsa, issuer, ca, eku, dns, notBefore, notAfter, 0);
    }

    /**
     * As above, with a non-critical private extension of {@code paddingBytes} bytes (0 for none), to make certificates
     * as large as a hostile or careless server may send.
     */
    public static Issued issue(String subject, boolean rsa, Issued issuer, boolean ca, KeyPurposeId eku, String[] dns,
            Instant notBefore, Instant notAfter, int paddingBytes) throws Exception {
        KeyPair pair = keys(rsa);
        X500Name name = new X500Name(subject);
        X500Name issuerName = issuer == null ? name : X500Name.getInstance(issuer.cert().getSubjectX500Principal()
                .getEncoded());
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuerName,
                new BigInteger(64, RANDOM).add(BigInteger.ONE), Date.from(notBefore), Date.from(notAfter), name,
                pair.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(ca ? KeyUsage.keyCertSign | KeyUsage.cRLSign
                : KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
        if (eku != null) {
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(eku));
        }
        if (dns != null && dns.length > 0) {
            GeneralName[] names = new GeneralName[dns.length];
            for (int i = 0; i < dns.length; i++) {
                names[i] = dns[i].matches("[0-9.]+") ? new GeneralName(GeneralName.iPAddress, dns[i])
                        : new GeneralName(GeneralName.dNSName, dns[i]);
            }
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
        }
        if (paddingBytes > 0) {
            b.addExtension(new org.bouncycastle.asn1.ASN1ObjectIdentifier("1.3.6.1.4.1.55555.1.1"), false,
                    new org.bouncycastle.asn1.DEROctetString(new byte[paddingBytes]));
        }
        PrivateKey signer = issuer == null ? pair.getPrivate() : issuer.key();
        String alg = signer.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
        X509Certificate cert = new JcaX509CertificateConverter().setProvider(BC).getCertificate(
                b.build(new JcaContentSignerBuilder(alg).setProvider(BC).build(signer)));
        return new Issued(cert, pair.getPrivate());
    }

    /** CA, server certificate for localhost/127.0.0.1 (or the names given), client certificate; all in files. */
    public static Pki create(Path dir, boolean rsa, String... serverNames) throws Exception {
        return create(dir, rsa, Instant.now().plus(Duration.ofDays(365)), serverNames);
    }

    public static Pki create(Path dir, boolean rsa, Instant serverNotAfter, String... serverNames) throws Exception {
        Instant now = Instant.now();
        String[] names = serverNames.length == 0 ? new String[] { "localhost", "127.0.0.1" } : serverNames;
        Issued ca = issue("CN=Uplink Test CA " + (rsa ? "RSA" : "EC"), rsa, null, true, null, null,
                now.minus(Duration.ofDays(10)), now.plus(Duration.ofDays(3650)));
        Issued server = issue("CN=" + names[0], rsa, ca, false, KeyPurposeId.id_kp_serverAuth, names,
                now.minus(Duration.ofDays(800)), serverNotAfter);
        Issued client = issue("CN=test-device", rsa, ca, false, KeyPurposeId.id_kp_clientAuth, null,
                now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(365)));
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        write(dir.resolve("ca.pem"), pem(ca.cert()));
        write(dir.resolve("server.pem"), pem(server.cert()));
        write(dir.resolve("server.key"), pem(new JcaPKCS8Generator(server.key(), null)));
        write(dir.resolve("client.pem"), pem(client.cert()));
        write(dir.resolve("client.key"), pem(new JcaPKCS8Generator(client.key(), null)));
        return new Pki(ca, server, client, dir);
    }

    /** Files for a server: its certificate, key and the chain it sends with it (openssl s_server -cert_chain). */
    public record ServedChain(Path cert, Path key, Path chain) {
    }

    /**
     * A server certificate for localhost under {@code intermediates} intermediate CAs below {@code root}, padded by
     * {@code leafPadding} bytes, written to {@code dir} under {@code name}-*.pem.
     */
    public static ServedChain servedChain(Path dir, String name, Issued root, int intermediates, int leafPadding)
            throws Exception {
        Instant now = Instant.now();
        Issued issuer = root;
        StringBuilder chain = new StringBuilder();
        java.util.List<String> pems = new java.util.ArrayList<>();
        for (int i = 0; i < intermediates; i++) {
            issuer = issue("CN=Intermediate " + i, false, issuer, true, null, null, now.minus(Duration.ofHours(1)),
                    now.plus(Duration.ofDays(1)));
            pems.add(0, pem(issuer.cert()));
        }
        pems.forEach(chain::append);
        Issued leaf = issue("CN=localhost", false, issuer, false, KeyPurposeId.id_kp_serverAuth, new String[] {
            "localhost", "127.0.0.1" }, now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(1)), leafPadding);
        Files.createDirectories(dir);
        ServedChain files = new ServedChain(dir.resolve(name + "-cert.pem"), dir.resolve(name + "-key.pem"),
                dir.resolve(name + "-chain.pem"));
        write(files.cert(), pem(leaf.cert()));
        write(files.key(), pem(new JcaPKCS8Generator(leaf.key(), null)));
        write(files.chain(), chain.length() == 0 ? pem(root.cert()) : chain.toString());
        return files;
    }

    private static void write(Path p, String text) throws Exception {
        Files.writeString(p, text);
        // mosquitto drops root privileges: the files must be readable by its user
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-r--r--"));
    }

    public static String pem(Object o) throws Exception {
        StringWriter w = new StringWriter();
        try (JcaPEMWriter pw = new JcaPEMWriter(w)) {
            pw.writeObject(o);
        }
        return w.toString();
    }
}
