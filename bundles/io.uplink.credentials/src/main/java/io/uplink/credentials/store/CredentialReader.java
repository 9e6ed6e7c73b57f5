package io.uplink.credentials.store;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;

import io.uplink.credentials.Problem;
import io.uplink.credentials.Problem.Severity;

import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.asn1.pkcs.EncryptedPrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.RSAPrivateKey;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.X509TrustedCertificateBlock;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMDecryptorProviderBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.pkcs.PKCSException;

/**
 * Reads certificates and private keys from PEM (see {@link PemText}), DER, bare base64 or PKCS#12 content, with
 * Bouncy Castle doing all decoding. Never throws for bad content: every problem becomes a {@link Problem} naming
 * the source, what is wrong and how to fix it. Messages never contain key material or passphrases.
 */
final class CredentialReader {

    /** A CA bundle such as Mozilla's is ~220 KB; anything near this is not a credential. */
    static final int MAX_CONTENT_BYTES = 1 << 20;

    /** What one content yielded. */
    record Read(List<X509Certificate> certificates, List<PrivateKey> keys, List<Problem> problems) {
    }

    private final Provider provider;
    private final JcaX509CertificateConverter certificates;
    private final JcaPEMKeyConverter keys;

    CredentialReader(Provider provider) {
        this.provider = provider;
        this.certificates = new JcaX509CertificateConverter().setProvider(provider);
        this.keys = new JcaPEMKeyConverter().setProvider(provider);
    }

    Read read(String source, byte[] content, char[] passphrase) {
        Collector c = new Collector(source, passphrase);
        // The size first: decoding 50 MB of text to find out it is too large is the memory the limit protects.
        if (content != null && content.length > MAX_CONTENT_BYTES) {
            c.problem("too-large", Severity.ERROR, source + " is " + content.length + " bytes, more than the "
                    + MAX_CONTENT_BYTES + " a certificate, key or CA bundle can reasonably be.",
                    "Select the certificate or key file, not an archive or a log.");
        } else if (content == null || content.length == 0 || PemText.decode(content).isBlank()) {
            c.problem("empty", Severity.ERROR, source + " is empty.",
                    "Select the certificate or key file itself; check it was not truncated while copying.");
        } else {
            String text = PemText.decode(content);
            if (PemText.looksLikePem(text)) {
                readPem(text, c);
            } else if (isBareBase64(text)) {
                readBareBase64(text, c);
            } else if ((content[0] & 0xFF) == 0x30) {
                readDer(content, c);
            } else {
                c.problem("not-a-credential", Severity.ERROR, source + " is neither PEM (it has no '-----BEGIN' "
                        + "line) nor DER or PKCS#12.", "Select the .pem/.crt/.key/.der/.p12 file you were given; "
                        + "a PEM file starts with a line such as -----BEGIN CERTIFICATE-----.");
            }
        }
        if (c.certificates.isEmpty() && c.keys.isEmpty() && c.problems.stream()
                .noneMatch(p -> p.severity() == Severity.ERROR)) {
            c.problem("not-a-credential", Severity.ERROR, source + " holds no certificate and no private key.",
                    "Select the certificate or key file itself.");
        }
        return new Read(List.copyOf(c.certificates), List.copyOf(c.keys), List.copyOf(c.problems));
    }

    private void readPem(String text, Collector c) {
        PemText.Result split = PemText.split(text);
        if (!"LF".equals(split.lineEndings()) && !"none".equals(split.lineEndings())) {
            c.problem("line-endings-normalized", Severity.INFO, c.source + " has " + split.lineEndings()
                    + " line endings; they were normalized.", "Nothing to do: modems get the layout they need.");
        }
        if (split.junkOutside()) {
            c.problem("junk-ignored", Severity.INFO, c.source + " has text outside the PEM blocks; it was ignored.",
                    "Nothing to do.");
        }
        for (String m : split.malformed()) {
            c.problem(split.truncated() && m.contains("no END line") ? "pem-truncated" : "pem-malformed",
                    Severity.ERROR, c.source + ": " + m + ".",
                    "Copy the file again from its origin, unchanged; open it in a plain-text editor to check that "
                            + "every block ends with its -----END ...----- line.");
        }
        for (PemText.Block block : split.blocks()) {
            readBlock(block, c);
        }
    }

    private void readBareBase64(String text, Collector c) {
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(text.strip());
        } catch (IllegalArgumentException e) {
            c.problem("pem-malformed", Severity.ERROR, c.source + " looks like base64 without -----BEGIN/END----- "
                    + "lines, but it does not decode (" + safeMessage(e) + "): characters were lost or added.",
                    "Copy the file again from its origin, unchanged; a PEM file keeps its BEGIN and END lines.");
            return;
        }
        c.problem("pem-headers-missing", Severity.INFO, c.source + " is base64 without -----BEGIN/END----- lines; it "
                + "was read as DER.", "Nothing to do; keep the BEGIN/END lines next time.");
        readDer(der, c);
    }

    private void readBlock(PemText.Block block, Collector c) {
        String where = c.source + " block " + block.index() + " (" + block.label() + ")";
        String unsupported = unsupportedLabel(block.label());
        if (unsupported != null) {
            c.problem("pem-unsupported", Severity.ERROR, where + " " + unsupported.split("\\|")[0],
                    unsupported.split("\\|")[1]);
            return;
        }
        if (block.label().equals("EC PARAMETERS")) {
            return; // openssl ecparam writes these before an EC key; the key carries its curve itself
        }
        if (block.label().endsWith("CRL")) {
            c.problem("crl-ignored", Severity.INFO, where + " is a revocation list; it was ignored.",
                    "Nothing to do.");
            return;
        }
        try (PEMParser parser = new PEMParser(new StringReader(block.canonical()))) {
            Object o = parser.readObject();
            if (o == null) {
                c.problem("pem-malformed", Severity.ERROR, where + " could not be decoded.",
                        "Copy the file again from its origin, unchanged.");
                return;
            }
            accept(o, where, c);
        } catch (IOException | RuntimeException e) {
            c.problem("pem-malformed", Severity.ERROR, where + " is damaged: its base64 does not decode to a valid "
                    + "structure (" + safeMessage(e) + ").",
                    "Copy the file again from its origin, unchanged; a truncated or edited file gives this.");
        }
    }

    private void accept(Object o, String where, Collector c) {
        try {
            if (o instanceof X509CertificateHolder holder) {
                c.certificates.add(certificates.getCertificate(holder));
            } else if (o instanceof X509TrustedCertificateBlock trusted) {
                c.certificates.add(certificates.getCertificate(trusted.getCertificateHolder()));
            } else if (o instanceof PrivateKeyInfo info) {
                c.keys.add(keys.getPrivateKey(info));
            } else if (o instanceof PEMKeyPair pair) {
                c.keys.add(keys.getPrivateKey(pair.getPrivateKeyInfo()));
            } else if (o instanceof PEMEncryptedKeyPair encrypted) {
                if (c.needPassphrase(where)) {
                    try {
                        PEMKeyPair pair = encrypted.decryptKeyPair(
                                new JcePEMDecryptorProviderBuilder().setProvider(provider).build(c.passphrase));
                        c.keys.add(keys.getPrivateKey(pair.getPrivateKeyInfo()));
                    } catch (IOException | RuntimeException e) {
                        c.wrongPassphrase(where);
                    }
                }
            } else if (o instanceof PKCS8EncryptedPrivateKeyInfo encrypted) {
                decryptPkcs8(encrypted, where, c);
            } else if (o instanceof ContentInfo info) {
                readPkcs7(info, where, c);
            } else {
                c.problem("pem-unsupported", Severity.ERROR, where + " holds a " + o.getClass().getSimpleName()
                        + ", which is neither a certificate nor a private key.",
                        "Select the certificate or private key file.");
            }
        } catch (GeneralSecurityException | IOException | RuntimeException e) {
            c.problem("pem-malformed", Severity.ERROR, where + " decodes but is not a valid certificate or key ("
                    + safeMessage(e) + ").", "Copy the file again from its origin, unchanged.");
        }
    }

    private void decryptPkcs8(PKCS8EncryptedPrivateKeyInfo encrypted, String where, Collector c) throws IOException {
        java.util.Optional<String> tooCostly = KdfCostGuard.check(encrypted.toASN1Structure());
        if (tooCostly.isPresent()) {
            c.problem("kdf-too-costly", Severity.ERROR, where + " cannot be decrypted safely: " + tooCostly.get()
                    + ".", "The file is damaged or was made to stall this gateway; export the key again.");
            return;
        }
        if (!c.needPassphrase(where)) {
            return;
        }
        try {
            PrivateKeyInfo info = encrypted.decryptPrivateKeyInfo(
                    new JceOpenSSLPKCS8DecryptorProviderBuilder().setProvider(provider).build(c.passphrase));
            c.keys.add(keys.getPrivateKey(info));
        } catch (PKCSException | OperatorCreationException | RuntimeException e) {
            c.wrongPassphrase(where);
        }
    }

    private void readPkcs7(ContentInfo info, String where, Collector c) {
        try {
            CMSSignedData signed = new CMSSignedData(info);
            for (X509CertificateHolder holder : signed.getCertificates().getMatches(null)) {
                c.certificates.add(certificates.getCertificate(holder));
            }
        } catch (CMSException | GeneralSecurityException | RuntimeException e) {
            c.problem("pem-malformed", Severity.ERROR, where + " is not a readable PKCS#7 certificate bundle.",
                    "Export the certificates as PEM instead.");
        }
    }

    private void readDer(byte[] der, Collector c) {
        ASN1Primitive asn1;
        try {
            asn1 = ASN1Primitive.fromByteArray(der);
        } catch (IOException | RuntimeException e) {
            c.problem("der-malformed", Severity.ERROR, c.source + " is binary but not valid DER ("
                    + safeMessage(e) + ").", "Copy the file again from its origin; if it is a PEM file that was "
                    + "opened and saved by a word processor, export it again.");
            return;
        }
        if (isPkcs12(asn1)) {
            java.util.Optional<String> tooCostly = KdfCostGuard.checkPkcs12(asn1);
            if (tooCostly.isPresent()) {
                c.problem("kdf-too-costly", Severity.ERROR, c.source + " cannot be opened safely: "
                        + tooCostly.get() + ".", "The file is damaged or was made to stall this gateway; export it "
                        + "again.");
                return;
            }
            readPkcs12(der, c);
            return;
        }
        Object structure = derStructure(asn1);
        if (structure == null) {
            c.problem("der-unsupported", Severity.ERROR, c.source + " is DER but neither a certificate, a private key "
                    + "(PKCS#1, SEC1, PKCS#8) nor PKCS#12.", "Select the certificate or key file.");
            return;
        }
        accept(structure, c.source, c);
    }

    /** The Bouncy Castle object for a DER certificate or key, or null. */
    private static Object derStructure(ASN1Primitive asn1) {
        try {
            return new X509CertificateHolder(org.bouncycastle.asn1.x509.Certificate.getInstance(asn1));
        } catch (RuntimeException notACertificate) {
            // try the next form
        }
        try {
            return new PKCS8EncryptedPrivateKeyInfo(EncryptedPrivateKeyInfo.getInstance(asn1));
        } catch (RuntimeException notEncrypted) {
            // try the next form
        }
        try {
            return PrivateKeyInfo.getInstance(asn1);
        } catch (RuntimeException notPkcs8) {
            // try the next form
        }
        try {
            return new PrivateKeyInfo(new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption, DERNull.INSTANCE),
                    RSAPrivateKey.getInstance(asn1));
        } catch (IOException | RuntimeException notPkcs1) {
            // try the next form
        }
        try {
            org.bouncycastle.asn1.sec.ECPrivateKey ec = org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(asn1);
            if (ec.getParametersObject() != null) {
                return new PrivateKeyInfo(new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey,
                        ec.getParametersObject()), ec);
            }
        } catch (IOException | RuntimeException notSec1) {
            // none matched
        }
        return null;
    }

    private static boolean isPkcs12(ASN1Primitive asn1) {
        if (!(asn1 instanceof ASN1Sequence seq) || seq.size() < 2 || !(seq.getObjectAt(0) instanceof ASN1Integer v)) {
            return false;
        }
        return v.hasValue(3) && seq.getObjectAt(1) instanceof ASN1Sequence;
    }

    private void readPkcs12(byte[] der, Collector c) {
        char[] password = c.passphrase == null ? new char[0] : c.passphrase;
        KeyStore p12;
        try {
            p12 = KeyStore.getInstance("PKCS12", provider);
            p12.load(new ByteArrayInputStream(der), password);
        } catch (IOException e) {
            if (c.passphrase == null) {
                c.problem("passphrase-required", Severity.ERROR, c.source + " is a PKCS#12 file protected by a "
                        + "password.", "Give the password the file was exported with.");
            } else {
                c.wrongPassphrase(c.source);
            }
            return;
        } catch (GeneralSecurityException | RuntimeException e) {
            c.problem("pkcs12-unreadable", Severity.ERROR, c.source + " is a PKCS#12 file this gateway cannot read ("
                    + safeMessage(e) + ").", "Export it again with AES-256 and SHA-256 (openssl pkcs12 -export), "
                    + "or provide PEM files.");
            return;
        }
        try {
            for (String alias : Collections.list(p12.aliases())) {
                if (p12.isKeyEntry(alias)) {
                    java.security.Key key = p12.getKey(alias, password);
                    if (key instanceof PrivateKey pk) {
                        c.keys.add(pk);
                    }
                    Certificate[] chain = p12.getCertificateChain(alias);
                    if (chain != null) {
                        for (Certificate cert : chain) {
                            c.certificates.add((X509Certificate) cert);
                        }
                    }
                } else if (p12.getCertificate(alias) instanceof X509Certificate cert) {
                    c.certificates.add(cert);
                }
            }
        } catch (GeneralSecurityException | RuntimeException e) {
            c.problem("pkcs12-unreadable", Severity.ERROR, c.source + ": an entry of the PKCS#12 file cannot be read ("
                    + safeMessage(e) + ").", "Export it again, or provide PEM files.");
        }
    }

    private static boolean isBareBase64(String text) {
        String t = text.strip();
        return t.length() >= 64 && t.chars().allMatch(ch -> Character.isWhitespace(ch) || ch >= 'A' && ch <= 'Z'
                || ch >= 'a' && ch <= 'z' || ch >= '0' && ch <= '9' || ch == '+' || ch == '/' || ch == '=');
    }

    /** Labels we recognise but cannot use, with "cause|fix". */
    private static String unsupportedLabel(String label) {
        switch (label) {
        case "OPENSSH PRIVATE KEY":
            return "is an OpenSSH key, which TLS cannot use.|Convert it: ssh-keygen -p -m PKCS8 -f KEYFILE "
                    + "(this rewrites KEYFILE as a PKCS#8 PEM key), or use the key your cloud provider issued.";
        case "CERTIFICATE REQUEST":
        case "NEW CERTIFICATE REQUEST":
            return "is a certificate request (CSR), not a certificate.|Submit the request to your CA (or cloud "
                    + "console) and import the certificate it returns.";
        case "PUBLIC KEY":
        case "RSA PUBLIC KEY":
            return "is a public key; TLS client authentication needs the private key.|Import the private key file "
                    + "(-----BEGIN PRIVATE KEY----- or -----BEGIN RSA PRIVATE KEY-----).";
        case "DSA PRIVATE KEY":
            return "is a DSA key, which current TLS versions do not use.|Use an RSA (2048 bits) or EC P-256 key.";
        default:
            return null;
        }
    }

    /** Exception text reduced to its class and message; Bouncy Castle messages carry no key material. */
    static String safeMessage(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m.length() > 160 ? m.substring(0, 160) : m;
    }

    /** Accumulates one content's results. */
    private static final class Collector {
        final String source;
        final char[] passphrase;
        final List<X509Certificate> certificates = new ArrayList<>();
        final List<PrivateKey> keys = new ArrayList<>();
        final List<Problem> problems = new ArrayList<>();

        Collector(String source, char[] passphrase) {
            this.source = source;
            this.passphrase = passphrase;
        }

        void problem(String code, Severity severity, String cause, String fix) {
            problems.add(new Problem(code, severity, cause, fix));
        }

        boolean needPassphrase(String where) {
            if (passphrase == null || passphrase.length == 0) {
                problem("passphrase-required", Severity.ERROR, where + " is an encrypted private key.",
                        "Give the passphrase it was encrypted with, or export it unencrypted (openssl pkey -in KEY "
                                + "-out KEY.plain.pem).");
                return false;
            }
            return true;
        }

        void wrongPassphrase(String where) {
            problem("passphrase-wrong", Severity.ERROR, where + " cannot be decrypted with the passphrase given.",
                    "Check the passphrase (it is case-sensitive) and the keyboard layout it was typed with.");
        }
    }
}
