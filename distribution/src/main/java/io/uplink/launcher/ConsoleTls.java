package io.uplink.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

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
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import io.uplink.credentials.ClientIdentity;
import io.uplink.credentials.CredentialException;
import io.uplink.credentials.CredentialUse;
import io.uplink.credentials.Problem;
import io.uplink.credentials.ValidationContext;
import io.uplink.credentials.ValidationReport;
import io.uplink.credentials.store.BcCredentialStore;

/**
 * The Web Console's HTTPS key and certificate, as a PKCS#12 key store that Felix HTTP (Jetty) reads: either exported
 * from the credential store (an alias holding a key) at every start, or a self-signed one generated once and kept
 * under {@code data/https/} (owner-only), so the fingerprint an operator noted stays valid across restarts.
 *
 * <p>The key store's password is random and kept beside it, owner-only: PKCS#12 needs one, and it protects nothing
 * the file permissions do not already protect.
 */
final class ConsoleTls {

    static final String GENERATED = "console-generated.p12";
    static final String EXPORTED = "console-alias.p12";
    private static final String ENTRY = "console";
    /** A generated certificate is replaced this long before it expires (a new fingerprint is then printed). */
    private static final Duration RENEW_BEFORE = Duration.ofDays(30);
    private static final Duration VALIDITY = Duration.ofDays(3650);

    /** A key store ready for Jetty, and what the banner says about it. */
    record Keystore(Path file, String password, String fingerprint, String source, boolean created) {
    }

    private final Path dir;

    ConsoleTls(Path data) {
        this.dir = data.resolve("https");
    }

    /** The generated certificate's fingerprint, when one was generated (for {@code run --help}). */
    Optional<String> generatedFingerprint() {
        try {
            if (!Files.isRegularFile(dir.resolve(GENERATED))) {
                return Optional.empty();
            }
            return Optional.of(fingerprint(load(dir.resolve(GENERATED)).certificate()));
        } catch (IOException | GeneralSecurityException e) {
            return Optional.empty();
        }
    }

    /** The generated self-signed certificate: the one kept from an earlier start, or a new one. */
    Keystore generated(String host) throws IOException {
        Path file = dir.resolve(GENERATED);
        PrivateFiles.ensurePrivateDirectory(dir);
        if (Files.isRegularFile(file)) {
            try {
                Loaded l = load(file);
                if (l.certificate().getNotAfter().toInstant().isAfter(Instant.now().plus(RENEW_BEFORE))) {
                    return new Keystore(file, l.password(), fingerprint(l.certificate()), "generated, self-signed, "
                            + file, false);
                }
            } catch (IOException | GeneralSecurityException e) {
                // Damaged or unreadable: generate a new one (the banner prints the new fingerprint).
            }
        }
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
            KeyPair pair = g.generateKeyPair();
            X509Certificate cert = selfSigned(pair, names(host));
            String password = password();
            write(file, password, pair.getPrivate(), new Certificate[] { cert });
            return new Keystore(file, password, fingerprint(cert), "generated, self-signed, " + file, true);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IOException("could not generate the console's HTTPS certificate: " + e.getMessage(), e);
        }
    }

    /** The credential store's alias (a certificate with its key), exported for Jetty. */
    Keystore fromStore(String alias, BcCredentialStore store) throws IOException {
        ClientIdentity id = store.clientIdentity(alias).orElseThrow(() -> new IOException("the credential store has "
                + "no certificate with a private key under alias '" + alias + "' for --https-alias. Import one with "
                + "'bin/uplink creds import --for console --alias " + alias + " --cert server.pem --key server.key' "
                + "(see 'bin/uplink creds list'), or leave --https-alias out to use a generated certificate"));
        refuseUnfitForServer(alias, store);
        PrivateFiles.ensurePrivateDirectory(dir);
        Path file = dir.resolve(EXPORTED);
        String password = password();
        try {
            write(file, password, id.key(), id.chain().toArray(new Certificate[0]));
        } catch (GeneralSecurityException e) {
            throw new IOException("could not use alias '" + alias + "' for HTTPS: " + e.getMessage(), e);
        }
        return new Keystore(file, password, fingerprint(id.certificate()), "credential store alias '" + alias + "'",
                false);
    }

    /**
     * The store's rules for a TLS server's certificate (serverAuth, key usage, not a CA, dates): an alias imported as a
     * broker identity may hold one browsers refuse, and the console should say so rather than serve it.
     */
    private static void refuseUnfitForServer(String alias, BcCredentialStore store) throws IOException {
        ValidationReport report;
        try {
            report = store.validate(alias, ValidationContext.atPresent().withUse(CredentialUse.TLS_SERVER));
        } catch (CredentialException e) {
            throw new IOException("could not check alias '" + alias + "' for HTTPS: " + e.getMessage(), e);
        }
        List<Problem> errors = report.problems().stream().filter(p -> p.severity() == Problem.Severity.ERROR)
                .toList();
        if (!errors.isEmpty()) {
            Problem first = errors.get(0);
            throw new IOException("the certificate under alias '" + alias + "' cannot serve the console over HTTPS: "
                    + first.cause() + " " + first.fix() + " Import the console's own certificate with 'bin/uplink "
                    + "creds import --for console --alias NAME --cert server.pem --key server.key', or leave "
                    + "--https-alias out to use a generated certificate");
        }
    }

    static String fingerprint(X509Certificate cert) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(cert.getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    private record Loaded(X509Certificate certificate, String password) {
    }

    private static Loaded load(Path file) throws IOException, GeneralSecurityException {
        String password = Files.readString(passwordFile(file), StandardCharsets.UTF_8).trim();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            ks.load(in, password.toCharArray());
        }
        Certificate c = ks.getCertificate(ENTRY);
        if (!(c instanceof X509Certificate x) || !ks.isKeyEntry(ENTRY)) {
            throw new GeneralSecurityException(file + " holds no key entry '" + ENTRY + "'");
        }
        return new Loaded(x, password);
    }

    private static void write(Path file, String password, java.security.PrivateKey key, Certificate[] chain)
            throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry(ENTRY, key, password.toCharArray(), chain);
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Path pwTmp = file.resolveSibling(file.getFileName() + ".pass.tmp");
        PrivateFiles.createPrivateFile(tmp);
        try (OutputStream out = Files.newOutputStream(tmp)) {
            ks.store(out, password.toCharArray());
        }
        PrivateFiles.createPrivateFile(pwTmp);
        Files.writeString(pwTmp, password + "\n", StandardCharsets.UTF_8);
        Files.move(pwTmp, passwordFile(file), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static Path passwordFile(Path file) {
        return file.resolveSibling(file.getFileName() + ".pass");
    }

    private static String password() {
        byte[] b = new byte[24];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /**
     * Names a browser may use for the gateway: this machine's name, localhost and the loopback addresses, and the
     * address listened on when it is one (Jetty checks the name a client asks for against the certificate).
     */
    static List<GeneralName> names(String host) {
        List<GeneralName> names = new ArrayList<>();
        names.add(new GeneralName(GeneralName.dNSName, "localhost"));
        names.add(new GeneralName(GeneralName.iPAddress, "127.0.0.1"));
        names.add(new GeneralName(GeneralName.iPAddress, "::1"));
        try {
            String local = InetAddress.getLocalHost().getHostName().toLowerCase(Locale.ROOT);
            if (!local.equals("localhost") && local.matches("[a-z0-9.-]+")) {
                names.add(new GeneralName(GeneralName.dNSName, local));
            }
        } catch (IOException e) {
            // no name for this machine: the addresses remain
        }
        if (host != null && !host.isBlank() && !host.equals("0.0.0.0") && !host.equals("::")
                && !host.equals("127.0.0.1") && !host.equals("localhost")) {
            boolean address = host.matches("[0-9.]+") || host.contains(":");
            names.add(new GeneralName(address ? GeneralName.iPAddress : GeneralName.dNSName, host));
        }
        return names;
    }

    private static X509Certificate selfSigned(KeyPair pair, List<GeneralName> names)
            throws GeneralSecurityException, OperatorCreationException, IOException {
        Instant now = Instant.now();
        X500Name subject = new X500Name("CN=Uplink gateway console");
        BigInteger serial = new BigInteger(64, new SecureRandom());
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, serial,
                java.util.Date.from(now.minus(Duration.ofHours(1))), java.util.Date.from(now.plus(VALIDITY)), subject,
                pair.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
        b.addExtension(Extension.subjectAlternativeName, false,
                new GeneralNames(names.toArray(new GeneralName[0])));
        return new JcaX509CertificateConverter().getCertificate(
                b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
    }
}
