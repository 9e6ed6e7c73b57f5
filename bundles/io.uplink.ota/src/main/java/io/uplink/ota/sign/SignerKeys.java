package io.uplink.ota.sign;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/** Reads the signer's key and certificate chain from PEM files (what {@code openssl} and most CAs hand out). */
public final class SignerKeys {

    private SignerKeys() {
    }

    /** An unencrypted PEM private key: PKCS#8 ({@code PRIVATE KEY}), PKCS#1 RSA or SEC1 EC. */
    public static PrivateKey readKey(Path file) throws IOException {
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser p = new PEMParser(r)) {
            JcaPEMKeyConverter conv = new JcaPEMKeyConverter();
            Object o;
            while ((o = p.readObject()) != null) {
                if (o instanceof PEMKeyPair kp) {
                    return conv.getPrivateKey(kp.getPrivateKeyInfo());
                }
                if (o instanceof PrivateKeyInfo info) {
                    return conv.getPrivateKey(info);
                }
                if (o instanceof PEMEncryptedKeyPair || o instanceof PKCS8EncryptedPrivateKeyInfo) {
                    throw new IOException(file + " holds an encrypted key. Write a decrypted copy on protected "
                            + "storage (openssl pkey -in " + file.getFileName() + " -out signer.key) and pass that.");
                }
            }
        } catch (IllegalStateException | ClassCastException e) {
            throw new IOException(file + " is not a readable PEM key: " + e.getMessage(), e);
        }
        throw new IOException(file + " holds no private key. Pass the PEM file with '-----BEGIN PRIVATE KEY-----' "
                + "(or EC/RSA PRIVATE KEY).");
    }

    /** PEM certificates, signer first, then any intermediates. */
    public static List<X509Certificate> readChain(Path file) throws IOException {
        List<X509Certificate> chain = new ArrayList<>();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser p = new PEMParser(r)) {
            JcaX509CertificateConverter conv = new JcaX509CertificateConverter();
            Object o;
            while ((o = p.readObject()) != null) {
                if (o instanceof X509CertificateHolder h) {
                    chain.add(conv.getCertificate(h));
                }
            }
        } catch (CertificateException | IllegalStateException e) {
            throw new IOException(file + " is not a readable PEM certificate: " + e.getMessage(), e);
        }
        if (chain.isEmpty()) {
            throw new IOException(file + " holds no certificate. Pass the PEM file with '-----BEGIN CERTIFICATE-----'.");
        }
        return chain;
    }
}
