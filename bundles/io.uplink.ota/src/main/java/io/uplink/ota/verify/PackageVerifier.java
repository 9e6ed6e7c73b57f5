package io.uplink.ota.verify;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSigner;
import java.security.GeneralSecurityException;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.zip.ZipException;

import io.uplink.ota.OtaException;
import io.uplink.ota.OtaReason;

/**
 * Checks that a deployment package is JAR-signed as the OSGi Deployment Admin specification asks (META-INF/*.SF and a
 * signature block, every entry digested in the manifest and the signature file) by a certificate that chains to the
 * given trust anchors, and that nothing was changed, added or removed since.
 *
 * <p>The JDK's JAR verifier checks the digests and the signature block; on top of it this class checks what the JDK
 * leaves to the caller: that every entry is signed at all, that every signed entry is still there, that the signer's
 * dates cover now, and that its chain validates (PKIX, no revocation lists: gateways are often offline) to an anchor.
 * Each failure has its own {@link OtaReason}. Stateless and thread-safe.
 */
public final class PackageVerifier {

    /** Reading a package never holds more than this in memory for one entry's digest: the JDK streams. */
    private static final int BUFFER = 16 * 1024;

    private final List<X509Certificate> anchors;

    public PackageVerifier(List<X509Certificate> anchors) {
        this.anchors = List.copyOf(anchors);
    }

    /**
     * @param now the time the signer's certificate must be valid at
     * @throws OtaException with the reason the package is refused
     */
    public VerifiedPackage verify(Path file, Instant now) throws OtaException {
        if (anchors.isEmpty()) {
            throw new OtaException(OtaReason.NO_TRUST_ANCHORS, "No OTA trust anchors are configured, so no package "
                    + "signer can be trusted.");
        }
        if (!Files.isRegularFile(file)) {
            throw new OtaException(OtaReason.MALFORMED, "No package file at " + file + ".");
        }
        try (JarFile jar = new JarFile(file.toFile(), true)) {
            Manifest manifest = jar.getManifest();
            if (manifest == null) {
                throw new OtaException(OtaReason.MALFORMED, file.getFileName() + " has no META-INF/MANIFEST.MF.");
            }
            Attributes main = manifest.getMainAttributes();
            String name = main.getValue("DeploymentPackage-SymbolicName");
            String version = main.getValue("DeploymentPackage-Version");
            if (name == null || name.isBlank() || version == null || version.isBlank()) {
                throw new OtaException(OtaReason.MALFORMED, file.getFileName() + " is not a deployment package: its "
                        + "manifest lacks DeploymentPackage-SymbolicName or DeploymentPackage-Version.");
            }
            List<String> signatureFiles = new ArrayList<>();
            List<JarEntry> content = new ArrayList<>();
            Enumeration<JarEntry> entries = jar.entries();
            while (entries.hasMoreElements()) {
                JarEntry e = entries.nextElement();
                if (e.isDirectory()) {
                    continue;
                }
                String upper = e.getName().toUpperCase(Locale.ROOT);
                if (isSignatureRelated(upper)) {
                    if (upper.endsWith(".SF")) {
                        signatureFiles.add(e.getName());
                    }
                    continue;
                }
                content.add(e);
            }
            if (signatureFiles.isEmpty()) {
                throw new OtaException(OtaReason.UNSIGNED, file.getFileName() + " is not signed (no META-INF/*.SF).");
            }
            Set<String> present = new HashSet<>();
            for (JarEntry e : content) {
                present.add(e.getName());
            }
            checkNothingRemoved(jar, manifest, signatureFiles, present);

            Set<CodeSigner> trusted = new HashSet<>();
            Set<CodeSigner> refused = new HashSet<>();
            OtaException firstRefusal = null;
            X509Certificate[] signer = null;
            List<String> bundles = new ArrayList<>();
            byte[] buffer = new byte[BUFFER];
            String firstUnsigned = null;
            for (JarEntry e : content) {
                readFully(jar, e, buffer);
                CodeSigner[] signers = e.getCodeSigners();
                if ((signers == null || signers.length == 0) && firstUnsigned == null) {
                    firstUnsigned = e.getName();
                }
            }
            if (firstUnsigned != null) {
                boolean anySigned = false;
                for (JarEntry e : content) {
                    anySigned |= e.getCodeSigners() != null && e.getCodeSigners().length > 0;
                }
                if (!anySigned) {
                    // The JDK ignores a signature block that does not match the .SF, and a signer whose key usage
                    // does not allow code signing: then nothing counts as signed.
                    throw new OtaException(OtaReason.SIGNER_UNTRUSTED, "The signature of " + file.getFileName()
                            + " does not verify, or its signer certificate is not allowed to sign code (key usage "
                            + "without digitalSignature, or an extended key usage without codeSigning).");
                }
                throw new OtaException(OtaReason.ENTRY_ADDED, "Entry " + firstUnsigned + " in "
                        + file.getFileName() + " is not covered by the signature (added after signing).");
            }
            for (JarEntry e : content) {
                CodeSigner[] signers = e.getCodeSigners();
                boolean ok = false;
                for (CodeSigner s : signers) {
                    if (trusted.contains(s)) {
                        ok = true;
                        break;
                    }
                    if (refused.contains(s)) {
                        continue;
                    }
                    try {
                        X509Certificate[] chain = validate(s, now);
                        trusted.add(s);
                        signer = signer == null ? chain : signer;
                        ok = true;
                        break;
                    } catch (OtaException x) {
                        refused.add(s);
                        firstRefusal = firstRefusal == null ? x : firstRefusal;
                    }
                }
                if (!ok) {
                    throw firstRefusal;
                }
                Attributes section = manifest.getAttributes(e.getName());
                String bsn = section == null ? null : section.getValue("Bundle-SymbolicName");
                if (bsn != null) {
                    bundles.add(bsn.split(";", 2)[0].trim());
                }
            }
            if (signer == null) {
                throw new OtaException(OtaReason.UNSIGNED, file.getFileName() + " has a signature file but no signed "
                        + "content.");
            }
            return new VerifiedPackage(name.trim(), version.trim(), main.getValue("DeploymentPackage-FixPack") != null,
                    bundles, List.of(signer));
        } catch (SecurityException e) {
            // The JDK reports a digest mismatch (of an entry, of a manifest section, of the manifest) this way.
            throw new OtaException(OtaReason.ENTRY_CHANGED, file.getFileName() + " does not match its signature: "
                    + e.getMessage() + ".", e);
        } catch (ZipException e) {
            throw new OtaException(OtaReason.MALFORMED, file.getFileName() + " is not a readable JAR: "
                    + e.getMessage() + ".", e);
        } catch (IOException e) {
            throw new OtaException(OtaReason.MALFORMED, "Cannot read " + file + ": " + e.getMessage() + ".", e);
        }
    }

    /**
     * Every name the manifest and each signature file digest must still be in the package: the JDK only checks the
     * entries that are present.
     */
    private static void checkNothingRemoved(JarFile jar, Manifest manifest, List<String> signatureFiles,
            Set<String> present) throws IOException, OtaException {
        Set<String> signed = new LinkedHashSet<>();
        for (Map.Entry<String, Attributes> s : manifest.getEntries().entrySet()) {
            if (hasDigest(s.getValue())) {
                signed.add(s.getKey());
            }
        }
        for (String sf : signatureFiles) {
            try (InputStream in = jar.getInputStream(jar.getJarEntry(sf))) {
                Manifest sfContent = new Manifest(in);
                signed.addAll(sfContent.getEntries().keySet());
            }
        }
        for (String name : signed) {
            if (!present.contains(name) && !isSignatureRelated(name.toUpperCase(Locale.ROOT))) {
                throw new OtaException(OtaReason.ENTRY_REMOVED, "Signed entry " + name + " is missing from the "
                        + "package (removed after signing).");
            }
        }
    }

    private static boolean hasDigest(Attributes a) {
        for (Object k : a.keySet()) {
            if (k.toString().toUpperCase(Locale.ROOT).endsWith("-DIGEST")) {
                return true;
            }
        }
        return false;
    }

    private static boolean isSignatureRelated(String upperName) {
        if (!upperName.startsWith("META-INF/") || upperName.indexOf('/', 9) >= 0) {
            return false;
        }
        return upperName.equals("META-INF/MANIFEST.MF") || upperName.endsWith(".SF") || upperName.endsWith(".RSA")
                || upperName.endsWith(".DSA") || upperName.endsWith(".EC") || upperName.startsWith("META-INF/SIG-");
    }

    private static void readFully(JarFile jar, JarEntry e, byte[] buffer) throws IOException {
        try (InputStream in = jar.getInputStream(e)) {
            while (in.read(buffer) >= 0) {
                // reading to the end is what makes the JDK check the entry's digest
            }
        }
    }

    private X509Certificate[] validate(CodeSigner s, Instant now) throws OtaException {
        List<? extends java.security.cert.Certificate> certs = s.getSignerCertPath().getCertificates();
        X509Certificate[] chain = certs.toArray(new X509Certificate[0]);
        X509Certificate leaf = chain[0];
        String subject = leaf.getSubjectX500Principal().getName();
        try {
            leaf.checkValidity(Date.from(now));
        } catch (CertificateExpiredException e) {
            throw new OtaException(OtaReason.SIGNER_EXPIRED, "The signer " + subject + " expired on "
                    + leaf.getNotAfter().toInstant() + ".", e);
        } catch (CertificateNotYetValidException e) {
            throw new OtaException(OtaReason.SIGNER_EXPIRED, "The signer " + subject + " is not valid before "
                    + leaf.getNotBefore().toInstant() + " (check the gateway's clock).", e);
        }
        try {
            Set<TrustAnchor> trust = new HashSet<>();
            for (X509Certificate a : anchors) {
                trust.add(new TrustAnchor(a, null));
            }
            List<X509Certificate> path = new ArrayList<>(certs.size());
            for (X509Certificate c : chain) {
                if (!isAnchor(c)) {
                    path.add(c);
                }
            }
            if (path.isEmpty()) {
                throw new OtaException(OtaReason.SIGNER_UNTRUSTED, "The package is signed by the trust anchor "
                        + subject + " itself; sign with a certificate it issued for signing.");
            }
            CertPath cp = CertificateFactory.getInstance("X.509").generateCertPath(path);
            PKIXParameters params = new PKIXParameters(trust);
            params.setRevocationEnabled(false);
            params.setDate(Date.from(now));
            CertPathValidator.getInstance("PKIX").validate(cp, params);
            return chain;
        } catch (CertPathValidatorException e) {
            if (e.getReason() == CertPathValidatorException.BasicReason.EXPIRED
                    || e.getReason() == CertPathValidatorException.BasicReason.NOT_YET_VALID) {
                throw new OtaException(OtaReason.SIGNER_EXPIRED, "A certificate in the signer's chain (" + subject
                        + ") is outside its validity dates: " + e.getMessage() + ".", e);
            }
            throw new OtaException(OtaReason.SIGNER_UNTRUSTED, "The signer " + subject + " (issued by "
                    + leaf.getIssuerX500Principal().getName() + ") does not chain to the OTA trust anchors: "
                    + e.getMessage() + ".", e);
        } catch (GeneralSecurityException e) {
            throw new OtaException(OtaReason.SIGNER_UNTRUSTED, "The signer " + subject + " cannot be validated: "
                    + e.getMessage() + ".", e);
        }
    }

    private boolean isAnchor(X509Certificate c) {
        for (X509Certificate a : anchors) {
            if (a.equals(c)) {
                return true;
            }
        }
        return false;
    }
}
