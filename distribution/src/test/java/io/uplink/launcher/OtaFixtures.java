package io.uplink.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;

/** An OTA CA and signer made with openssl, and deployment packages of one bundle, in a folder of a test. */
final class OtaFixtures {

    private final Path dir;

    OtaFixtures(Path dir) {
        this.dir = dir;
    }

    void openssl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("openssl %s: %s", String.join(" ", args), out).isZero();
    }

    /** {@code NAME.crt} and {@code NAME.key}: a CA. */
    void ca(String name) throws Exception {
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
                name + ".key", "-out", name + ".crt", "-days", "30", "-subj", "/CN=" + name, "-addext",
                "basicConstraints=critical,CA:true", "-addext", "keyUsage=critical,keyCertSign");
    }

    /** {@code NAME.crt} and {@code NAME.key}: a code signer issued by {@code ca}. */
    void signer(String name, String ca) throws Exception {
        openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", name + ".key",
                "-out", name + ".csr", "-subj", "/CN=" + name);
        Files.writeString(dir.resolve(name + ".ext"), "keyUsage=critical,digitalSignature\n"
                + "extendedKeyUsage=codeSigning\n");
        openssl("x509", "-req", "-in", name + ".csr", "-CA", ca + ".crt", "-CAkey", ca + ".key", "-CAcreateserial",
                "-out", name + ".crt", "-days", "10", "-extfile", name + ".ext");
    }

    /**
     * An unsigned package {@code name} of one bundle {@code name.bundle}, both at {@code version}, the bundle padded
     * with {@code padding} random (incompressible) bytes so that a transfer takes a while.
     */
    Path deploymentPackage(String name, String version, int padding) throws IOException {
        return deploymentPackage(name, name + ".bundle", version, padding, null);
    }

    /**
     * A package {@code name} of one bundle {@code bsn}, both at {@code version}; with an {@code activator} class that
     * the bundle does not hold, so that the bundle cannot start (a package that fails its health check).
     */
    Path deploymentPackage(String name, String bsn, String version, int padding, String activator)
            throws IOException {
        Manifest bm = new Manifest();
        bm.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        bm.getMainAttributes().putValue("Bundle-ManifestVersion", "2");
        bm.getMainAttributes().putValue("Bundle-SymbolicName", bsn);
        bm.getMainAttributes().putValue("Bundle-Version", version);
        if (activator != null) {
            bm.getMainAttributes().putValue("Bundle-Activator", activator);
        }
        ByteArrayOutputStream bundle = new ByteArrayOutputStream();
        try (JarOutputStream j = new JarOutputStream(bundle, bm)) {
            if (padding > 0) {
                byte[] noise = new byte[padding];
                new Random(padding).nextBytes(noise);
                j.putNextEntry(new ZipEntry("padding.bin"));
                j.write(noise);
                j.closeEntry();
            }
        }
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().putValue("DeploymentPackage-SymbolicName", name);
        m.getMainAttributes().putValue("DeploymentPackage-Version", version);
        Attributes s = new Attributes();
        s.putValue("Bundle-SymbolicName", bsn);
        s.putValue("Bundle-Version", version);
        m.getEntries().put("bundles/" + bsn + ".jar", s);
        Path dp = dir.resolve(name + "-" + version + ".dp");
        try (OutputStream o = Files.newOutputStream(dp); JarOutputStream j = new JarOutputStream(o, m)) {
            j.putNextEntry(new ZipEntry("bundles/" + bsn + ".jar"));
            j.write(bundle.toByteArray());
            j.closeEntry();
        }
        return dp;
    }
}
