package io.uplink.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
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

    private OtaFixtures fixtures() {
        return new OtaFixtures(temp);
    }

    @Test
    void signVerifyAndRefusals() throws Exception {
        fixtures().ca("ota-ca");
        fixtures().ca("other-ca");
        fixtures().signer("release", "ota-ca");
        fixtures().signer("intruder", "other-ca");
        Path dp = fixtures().deploymentPackage("demo.feature", "demo.bundle", "1.2.3", 0, null);
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
