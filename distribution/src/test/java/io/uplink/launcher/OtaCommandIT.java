package io.uplink.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code uplink ota sign} and {@code ota verify} from the installed distribution, with a CA and signer made by
 * openssl as an operator would; and the gateway starts its OTA service.
 */
class OtaCommandIT {

    @TempDir
    Path temp;

    private void openssl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(temp.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("openssl %s: %s", String.join(" ", args), out).isZero();
    }

    private void ca(String name) throws Exception {
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
                name + ".key", "-out", name + ".crt", "-days", "30", "-subj", "/CN=" + name, "-addext",
                "basicConstraints=critical,CA:true", "-addext", "keyUsage=critical,keyCertSign");
    }

    private void signer(String name, String ca) throws Exception {
        openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", name + ".key",
                "-out", name + ".csr", "-subj", "/CN=" + name);
        Files.writeString(temp.resolve(name + ".ext"), "keyUsage=critical,digitalSignature\n"
                + "extendedKeyUsage=codeSigning\n");
        openssl("x509", "-req", "-in", name + ".csr", "-CA", ca + ".crt", "-CAkey", ca + ".key", "-CAcreateserial",
                "-out", name + ".crt", "-days", "10", "-extfile", name + ".ext");
    }

    private Path deploymentPackage() throws Exception {
        Manifest bm = new Manifest();
        bm.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        bm.getMainAttributes().putValue("Bundle-ManifestVersion", "2");
        bm.getMainAttributes().putValue("Bundle-SymbolicName", "demo.bundle");
        bm.getMainAttributes().putValue("Bundle-Version", "1.2.3");
        ByteArrayOutputStream bundle = new ByteArrayOutputStream();
        new JarOutputStream(bundle, bm).close();
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().putValue("DeploymentPackage-SymbolicName", "demo.feature");
        m.getMainAttributes().putValue("DeploymentPackage-Version", "1.2.3");
        Attributes s = new Attributes();
        s.putValue("Bundle-SymbolicName", "demo.bundle");
        s.putValue("Bundle-Version", "1.2.3");
        m.getEntries().put("bundles/demo.bundle.jar", s);
        Path dp = temp.resolve("demo.dp");
        try (OutputStream o = Files.newOutputStream(dp); JarOutputStream j = new JarOutputStream(o, m)) {
            j.putNextEntry(new ZipEntry("bundles/demo.bundle.jar"));
            j.write(bundle.toByteArray());
            j.closeEntry();
        }
        return dp;
    }

    @Test
    void signVerifyAndRefusals() throws Exception {
        ca("ota-ca");
        ca("other-ca");
        signer("release", "ota-ca");
        signer("intruder", "other-ca");
        Path dp = deploymentPackage();
        String t = temp.toString() + "/";
        try (GatewayProcess gw = GatewayProcess.copyOfDistribution(temp)) {
            GatewayProcess.Result signed = gw.command(null, "ota", "sign", "--key", t + "release.key", "--cert",
                    t + "release.crt", dp.toString(), t + "signed.dp");
            assertThat(signed.exitCode()).as(signed.output()).isZero();
            assertThat(signed.output()).contains("Signed").contains("CN=release");

            GatewayProcess.Result ok = gw.command(null, "ota", "verify", "--trust", t + "ota-ca.crt",
                    t + "signed.dp", "--json");
            assertThat(ok.exitCode()).as(ok.output()).isZero();
            assertThat(ok.output()).contains("\"valid\":true").contains("\"name\":\"demo.feature\"")
                    .contains("\"signer\":\"CN=release\"").contains("demo.bundle");

            GatewayProcess.Result unsigned = gw.command(null, "ota", "verify", "--trust", t + "ota-ca.crt",
                    dp.toString());
            assertThat(unsigned.exitCode()).isEqualTo(1);
            assertThat(unsigned.output()).contains("REFUSED (ota.unsigned)").contains("Fix: Sign the package");

            assertThat(gw.command(null, "ota", "sign", "--key", t + "intruder.key", "--cert", t + "intruder.crt",
                    dp.toString(), t + "foreign.dp").exitCode()).isZero();
            GatewayProcess.Result foreign = gw.command(null, "ota", "verify", "--trust", t + "ota-ca.crt",
                    t + "foreign.dp", "--json");
            assertThat(foreign.exitCode()).isEqualTo(1);
            assertThat(foreign.output()).contains("\"reason\":\"ota.signer.untrusted\"");

            try (java.util.zip.ZipFile z = new java.util.zip.ZipFile(temp.resolve("signed.dp").toFile());
                    java.util.zip.ZipOutputStream zos = new java.util.zip.ZipOutputStream(
                            Files.newOutputStream(temp.resolve("tampered.dp")))) {
                for (ZipEntry e : java.util.Collections.list(z.entries())) {
                    byte[] data = z.getInputStream(e).readAllBytes();
                    zos.putNextEntry(new ZipEntry(e.getName()));
                    zos.write(data);
                    if (e.getName().equals("bundles/demo.bundle.jar")) {
                        zos.write(0); // one byte more: the entry's digest no longer matches
                    }
                    zos.closeEntry();
                }
            }
            GatewayProcess.Result tampered = gw.command(null, "ota", "verify", "--trust", t + "ota-ca.crt",
                    t + "tampered.dp");
            assertThat(tampered.exitCode()).as(tampered.output()).isEqualTo(1);
            assertThat(tampered.output()).contains("REFUSED (ota.tampered.changed)");

            GatewayProcess.Result usage = gw.command(null, "ota", "sign", "--key", t + "release.key");
            assertThat(usage.exitCode()).isEqualTo(2);
            assertThat(gw.command(null, "ota", "verify", "--trust", t + "nothing.pem", t + "signed.dp").exitCode())
                    .isEqualTo(2);

            gw.start();
            gw.awaitOutput(s -> s.contains("OTA updates ready"), "the OTA service");
        }
    }
}
