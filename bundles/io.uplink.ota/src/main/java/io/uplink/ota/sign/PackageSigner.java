package io.uplink.ota.sign;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * Signs a deployment package the way {@code jarsigner} does and the OSGi Deployment Admin specification expects:
 * a manifest with a SHA-256 digest for every entry, {@code META-INF/UPLINK.SF} with the digests of the manifest and of
 * each of its sections, and a CMS signature block ({@code .EC} or {@code .RSA}) over the .SF, placed right after the
 * manifest as the specification's entry order requires. Existing signatures are replaced. The output is verified by
 * the JDK's JarFile and by {@code jarsigner -verify}.
 */
public final class PackageSigner {

    private static final String SIGNATURE_NAME = "UPLINK";

    private final PrivateKey key;
    private final List<X509Certificate> chain;

    /** @param chain signer certificate first, then any intermediates */
    public PackageSigner(PrivateKey key, List<X509Certificate> chain) {
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("The signer certificate is missing.");
        }
        this.key = key;
        this.chain = List.copyOf(chain);
    }

    /** Writes a signed copy of {@code in} to {@code out} (atomically: a temporary file renamed at the end). */
    public void sign(Path in, Path out) throws IOException {
        Path tmp = Files.createTempFile(out.toAbsolutePath().getParent(), ".signing-", ".dp");
        try (ZipFile zip = new ZipFile(in.toFile())) {
            ZipEntry mfEntry = zip.getEntry("META-INF/MANIFEST.MF");
            if (mfEntry == null) {
                throw new IOException(in.getFileName() + " has no META-INF/MANIFEST.MF: not a deployment package.");
            }
            Manifest manifest;
            try (InputStream m = zip.getInputStream(mfEntry)) {
                manifest = new Manifest(m);
            }
            List<ZipEntry> content = new ArrayList<>();
            Map<String, String> digests = new LinkedHashMap<>();
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry e = entries.nextElement();
                if (isSignatureRelated(e.getName())) {
                    continue;
                }
                content.add(e);
                if (!e.isDirectory()) {
                    if (digests.containsKey(e.getName())) {
                        throw new IOException(in.getFileName() + " holds " + e.getName() + " twice.");
                    }
                    digests.put(e.getName(), digest(zip, e));
                }
            }

            ManifestText mf = new ManifestText();
            Attributes main = manifest.getMainAttributes();
            String mv = main.getValue(Attributes.Name.MANIFEST_VERSION);
            mf.header("Manifest-Version", mv == null ? "1.0" : mv);
            for (Map.Entry<Object, Object> a : main.entrySet()) {
                if (!a.getKey().equals(Attributes.Name.MANIFEST_VERSION)) {
                    mf.header(a.getKey().toString(), a.getValue().toString());
                }
            }
            mf.endSection();
            int mainEnd = mf.size();
            Map<String, byte[]> sections = new LinkedHashMap<>();
            List<String> names = new ArrayList<>(digests.keySet());
            for (String n : manifest.getEntries().keySet()) {
                if (!digests.containsKey(n)) {
                    names.add(n); // e.g. a fix package's DeploymentPackage-Missing entries: listed, not digested
                }
            }
            for (String n : names) {
                int start = mf.size();
                mf.header("Name", n);
                Attributes a = manifest.getAttributes(n);
                if (a != null) {
                    for (Map.Entry<Object, Object> h : a.entrySet()) {
                        if (!h.getKey().toString().toUpperCase(Locale.ROOT).endsWith("-DIGEST")) {
                            mf.header(h.getKey().toString(), h.getValue().toString());
                        }
                    }
                }
                if (digests.containsKey(n)) {
                    mf.header("SHA-256-Digest", digests.get(n));
                }
                mf.endSection();
                if (digests.containsKey(n)) {
                    byte[] all = mf.bytes();
                    sections.put(n, Arrays.copyOfRange(all, start, all.length));
                }
            }
            byte[] manifestBytes = mf.bytes();

            ManifestText sf = new ManifestText();
            sf.header("Signature-Version", "1.0");
            sf.header("Created-By", "Uplink OTA signer");
            sf.header("SHA-256-Digest-Manifest", base64(sha256().digest(manifestBytes)));
            MessageDigest md = sha256();
            md.update(manifestBytes, 0, mainEnd);
            sf.header("SHA-256-Digest-Manifest-Main-Attributes", base64(md.digest()));
            sf.endSection();
            for (Map.Entry<String, byte[]> s : sections.entrySet()) {
                sf.header("Name", s.getKey());
                sf.header("SHA-256-Digest", base64(sha256().digest(s.getValue())));
                sf.endSection();
            }
            byte[] sfBytes = sf.bytes();
            byte[] block = signatureBlock(sfBytes);

            try (OutputStream fos = Files.newOutputStream(tmp); ZipOutputStream zos = new ZipOutputStream(fos)) {
                put(zos, "META-INF/MANIFEST.MF", manifestBytes);
                put(zos, "META-INF/" + SIGNATURE_NAME + ".SF", sfBytes);
                put(zos, "META-INF/" + SIGNATURE_NAME + "." + blockExtension(), block);
                for (ZipEntry e : content) {
                    ZipEntry copy = new ZipEntry(e.getName());
                    copy.setTime(e.getTime());
                    zos.putNextEntry(copy);
                    if (!e.isDirectory()) {
                        try (InputStream data = zip.getInputStream(e)) {
                            data.transferTo(zos);
                        }
                    }
                    zos.closeEntry();
                }
            }
            Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private String blockExtension() {
        return switch (key.getAlgorithm()) {
        case "EC", "ECDSA" -> "EC";
        case "RSA" -> "RSA";
        default -> throw new IllegalArgumentException("A " + key.getAlgorithm() + " key cannot sign packages that "
                + "OSGi frameworks verify: use an EC (P-256) or RSA (2048 bits or more) key.");
        };
    }

    private byte[] signatureBlock(byte[] sf) throws IOException {
        String algorithm = "EC".equals(blockExtension()) ? "SHA256withECDSA" : "SHA256withRSA";
        try {
            CMSSignedDataGenerator gen = new CMSSignedDataGenerator();
            JcaSignerInfoGeneratorBuilder info = new JcaSignerInfoGeneratorBuilder(
                    new JcaDigestCalculatorProviderBuilder().build());
            // No signed attributes: what jarsigner writes, and what every JAR verifier reads.
            info.setDirectSignature(true);
            gen.addSignerInfoGenerator(info.build(new JcaContentSignerBuilder(algorithm).build(key), chain.get(0)));
            gen.addCertificates(new JcaCertStore(chain));
            CMSSignedData signed = gen.generate(new CMSProcessableByteArray(sf), false);
            return signed.getEncoded("DER");
        } catch (OperatorCreationException | CertificateEncodingException | CMSException e) {
            throw new IOException("Cannot sign with this key and certificate: " + e.getMessage()
                    + ". Check that the key belongs to the certificate.", e);
        }
    }

    private static void put(ZipOutputStream zos, String name, byte[] data) throws IOException {
        zos.putNextEntry(new ZipEntry(name));
        zos.write(data);
        zos.closeEntry();
    }

    private static String digest(ZipFile zip, ZipEntry e) throws IOException {
        MessageDigest md = sha256();
        byte[] buf = new byte[16 * 1024];
        try (InputStream in = zip.getInputStream(e)) {
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        }
        return base64(md.digest());
    }

    /** Whether {@code name} is the manifest or a signature file (META-INF/*.SF, .RSA, .DSA, .EC, SIG-*). */
    public static boolean isSignatureRelated(String name) {
        String u = name.toUpperCase(Locale.ROOT);
        if (!u.startsWith("META-INF/") || u.indexOf('/', 9) >= 0) {
            return false;
        }
        return u.equals("META-INF/") || u.equals("META-INF/MANIFEST.MF") || u.endsWith(".SF")
                || u.endsWith(".RSA") || u.endsWith(".DSA") || u.endsWith(".EC") || u.startsWith("META-INF/SIG-");
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
        }
    }

    private static String base64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }
}
