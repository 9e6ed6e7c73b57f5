package io.uplink.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code uplink creds} on material made by openssl, the way users get it; and the running gateway sees what the
 * command line stored.
 */
class CredsCommandIT {

    @TempDir
    Path temp;

    private void openssl(String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(temp.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("openssl %s: %s", String.join(" ", args), out).isZero();
    }

    private void device(String name) throws Exception {
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
                name + ".key", "-out", name + ".crt", "-days", "30", "-subj", "/CN=" + name, "-addext",
                "extendedKeyUsage=clientAuth", "-addext", "keyUsage=critical,digitalSignature");
    }

    @Test
    void checkImportListDeleteAndTheGatewaySeesTheStore() throws Exception {
        device("dev-a");
        device("dev-b");
        openssl("pkcs8", "-topk8", "-v2", "aes-256-cbc", "-in", "dev-a.key", "-out", "dev-a.enc.key", "-passout",
                "pass:hunter2-long");
        openssl("pkcs12", "-export", "-in", "dev-b.crt", "-inkey", "dev-b.key", "-out", "dev-b.p12", "-passout",
                "pass:p12-pass");
        String a = temp.resolve("dev-a").toString();
        try (GatewayProcess gw = GatewayProcess.copyOfDistribution(temp)) {
            GatewayProcess.Result ok = gw.command(null, "creds", "check", "--cert", a + ".crt", "--key", a + ".key");
            assertThat(ok.exitCode()).as(ok.output()).isZero();
            assertThat(ok.output()).contains("private key: EC P-256, matches CN=dev-a").contains("Verdict: usable");

            GatewayProcess.Result mismatch = gw.command(null, "creds", "check", "--json", "--cert", a + ".crt",
                    "--key", temp.resolve("dev-b.key").toString());
            assertThat(mismatch.exitCode()).isEqualTo(1);
            assertThat(mismatch.output()).contains("\"usable\":false").contains("\"code\":\"key-mismatch\"");

            GatewayProcess.Result encrypted = gw.command("hunter2-long\n", "creds", "check", "--passphrase-stdin",
                    "--cert", a + ".crt", "--key", a + ".enc.key");
            assertThat(encrypted.exitCode()).as(encrypted.output()).isZero();
            GatewayProcess.Result noPass = gw.command(null, "creds", "check", "--cert", a + ".crt", "--key",
                    a + ".enc.key");
            assertThat(noPass.exitCode()).isEqualTo(2);
            assertThat(noPass.output()).contains("passphrase-required").doesNotContain("hunter2");

            GatewayProcess.Result imported = gw.command(null, "creds", "import", "--alias", "device-a", "--cert",
                    a + ".crt", "--key", a + ".key");
            assertThat(imported.exitCode()).as(imported.output()).isZero();
            GatewayProcess.Result p12 = gw.command("p12-pass\n", "creds", "import", "--alias", "device-b",
                    "--passphrase-stdin", "--p12", temp.resolve("dev-b.p12").toString());
            assertThat(p12.exitCode()).as(p12.output()).isZero();
            assertThat(gw.command(null, "creds", "list", "--json").output()).contains("\"alias\":\"device-a\"")
                    .contains("\"alias\":\"device-b\"").contains("\"privateKey\":true");

            gw.start();
            gw.awaitOutput(s -> s.contains("Credential store open"), "the credential store");
            assertThat(gw.output()).contains("(2 aliases)");
            // The command line may work on the store while the gateway runs.
            assertThat(gw.command(null, "creds", "delete", "--alias", "device-b").exitCode()).isZero();
            gw.stop();

            assertThat(gw.command(null, "creds", "list").output()).contains("device-a").doesNotContain("device-b");
            Path store = gw.home.resolve("data/credentials/credentials.bcfks");
            assertThat(new String(Files.readAllBytes(store), java.nio.charset.StandardCharsets.ISO_8859_1))
                    .doesNotContain("dev-a");

            assertThat(gw.command(null, "creds").exitCode()).isEqualTo(2);
            assertThat(gw.command(null, "creds", "import", "--cert", a + ".crt").output())
                    .contains("needs --alias");
            assertThat(gw.command(null, "creds", "--help").output()).contains("Exit codes");
        }
    }
}
