package io.uplink.modem.quectel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import io.uplink.modem.Modem;
import io.uplink.modem.ModemCredentials;
import io.uplink.modem.ModemException;
import io.uplink.modem.ModemTls;
import io.uplink.modem.ProvisioningListener;
import io.uplink.modem.emulator.Faults;
import io.uplink.modem.emulator.LinkModel;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Provisioning into the emulated BG95 through the real dialect: what is refused before any byte is uploaded. */
class QuectelTlsProvisioningTest {

    @TempDir
    Path dir;

    @Test
    void aKeyTheModuleCannotUseIsRefusedBeforeAnyUpload() throws Exception {
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-521", "-nodes", "-keyout",
                "device.key", "-out", "device.pem", "-days", "2", "-subj", "/CN=device");
        try (EmulatedModem m = new EmulatedModem(LinkModel.INSTANT, Faults.NONE, "")) {
            Modem modem = m.attach(EmulatedModem.settings(""));
            ModemTls tls = modem.tls().orElseThrow();
            ModemCredentials set = ModemCredentials.identity("p521", Files.readAllBytes(dir.resolve("device.pem")),
                    Files.readAllBytes(dir.resolve("device.pem")), Files.readAllBytes(dir.resolve("device.key")));
            assertThatThrownBy(() -> tls.provision(set, ProvisioningListener.NONE))
                    .isInstanceOf(ModemException.class)
                    .hasMessageContaining("EC-P521").hasMessageContaining("EC-P256")
                    .satisfies(e -> assertThat(((ModemException) e).fix()).contains("host TLS"));
        }
    }

    private void openssl(String... args) throws Exception {
        java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of("openssl"));
        cmd.addAll(java.util.List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
    }
}
