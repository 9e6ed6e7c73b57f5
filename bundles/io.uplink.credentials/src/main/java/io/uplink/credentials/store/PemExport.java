package io.uplink.credentials.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;

import io.uplink.credentials.PemStyle;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.MiscPEMGenerator;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemObjectGenerator;

/** PEM text laid out as a consumer wants it (line ending, width, key format); encodings are Bouncy Castle's. */
final class PemExport {

    private PemExport() {
    }

    static byte[] certificates(List<X509Certificate> certs, PemStyle style) throws IOException {
        StringBuilder out = new StringBuilder();
        for (X509Certificate c : certs) {
            try {
                append(out, "CERTIFICATE", c.getEncoded(), style);
            } catch (CertificateEncodingException e) {
                throw new IOException("a stored certificate cannot be encoded", e);
            }
        }
        return out.toString().getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] privateKey(PrivateKey key, PemStyle style) throws IOException {
        PemObjectGenerator generator;
        boolean traditionalPossible = key.getAlgorithm().equals("RSA") || key.getAlgorithm().startsWith("EC");
        if (style.traditionalKey() && traditionalPossible) {
            generator = new MiscPEMGenerator(PrivateKeyInfo.getInstance(key.getEncoded()));
        } else {
            generator = new JcaPKCS8Generator(key, null);
        }
        PemObject pem = generator.generate();
        StringBuilder out = new StringBuilder();
        append(out, pem.getType(), pem.getContent(), style);
        return out.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static void append(StringBuilder out, String type, byte[] der, PemStyle style) {
        String eol = style.crlf() ? "\r\n" : "\n";
        String b64 = Base64.getEncoder().encodeToString(der);
        out.append("-----BEGIN ").append(type).append("-----").append(eol);
        for (int i = 0; i < b64.length(); i += style.lineWidth()) {
            out.append(b64, i, Math.min(b64.length(), i + style.lineWidth())).append(eol);
        }
        out.append("-----END ").append(type).append("-----").append(eol);
    }
}
