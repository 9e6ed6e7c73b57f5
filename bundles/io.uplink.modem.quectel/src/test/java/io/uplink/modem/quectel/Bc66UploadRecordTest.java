package io.uplink.modem.quectel;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import io.uplink.modem.CredentialKind;
import io.uplink.modem.ModemCredentials;
import io.uplink.modem.ModemTls;
import io.uplink.modem.ProvisioningListener;
import io.uplink.modem.ProvisioningReport.Outcome;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The record of certificate uploads: kept in a file, it makes "unchanged" survive a gateway restart. */
class Bc66UploadRecordTest {

    @TempDir
    Path dir;

    @Test
    void aRecordInAFileSurvivesARestartAndADamagedOneCountsAsNone() throws Exception {
        Path file = dir.resolve("data/uploads.properties");
        Bc66UploadRecord first = new Bc66UploadRecord(file);
        Instant when = Instant.parse("2026-12-04T08:00:00Z");
        first.put("IMEI 866123456789012", CredentialKind.CA_CERTIFICATES, new Bc66UploadRecord.Upload("my set",
                "ab".repeat(32), 1216, when));
        Bc66UploadRecord.Upload back = new Bc66UploadRecord(file).get("IMEI 866123456789012",
                CredentialKind.CA_CERTIFICATES);
        assertThat(back).isEqualTo(new Bc66UploadRecord.Upload("my set", "ab".repeat(32), 1216, when));
        assertThat(new Bc66UploadRecord(file).get("IMEI 866123456789012", CredentialKind.PRIVATE_KEY)).isNull();

        first.forget("IMEI 866123456789012", CredentialKind.CA_CERTIFICATES);
        assertThat(new Bc66UploadRecord(file).get("IMEI 866123456789012", CredentialKind.CA_CERTIFICATES)).isNull();

        Files.writeString(file, "IMEI_866123456789012.cacert=zz notanumber never set\n\\u00");
        assertThat(new Bc66UploadRecord(file).get("IMEI 866123456789012", CredentialKind.CA_CERTIFICATES)).isNull();
        Files.writeString(file, "IMEI_866123456789012.cacert=zz notanumber never set\n");
        assertThat(new Bc66UploadRecord(file).get("IMEI 866123456789012", CredentialKind.CA_CERTIFICATES)).isNull();
    }

    @Test
    void afterARestartWithTheRecordFileIdenticalContentIsUnchanged() throws Exception {
        Path file = dir.resolve("uploads.properties");
        ScriptedAtChannel at = new ScriptedAtChannel();
        Bc66DialectTest.scriptAttach(at);
        ModemTls tls = new QuectelBc66Dialect(new Bc66UploadRecord(file)).attach(at, Bc66DialectTest.BC660K,
                Bc66DialectTest.SETTINGS).tls().orElseThrow();
        byte[] ca = Bc66TlsTest.CA;
        at.expect("AT+QSSLCFG=0,0").lines("+QSSLCFG: 0,0,\"cacert\",0");
        at.expect("AT+QSSLCFG=0,0,\"cacert\"").lines("+QSSLCFG: 0,0,\"cacert\"," + ca.length);
        tls.provision(ModemCredentials.trust("broker", ca), ProvisioningListener.NONE);

        // The gateway restarts: a new dialect reads the record from its file.
        ScriptedAtChannel again = new ScriptedAtChannel();
        Bc66DialectTest.scriptAttach(again);
        ModemTls restarted = new QuectelBc66Dialect(new Bc66UploadRecord(file)).attach(again,
                Bc66DialectTest.BC660K, Bc66DialectTest.SETTINGS).tls().orElseThrow();
        again.expect("AT+QSSLCFG=0,0").lines("+QSSLCFG: 0,0,\"cacert\"," + ca.length);
        assertThat(restarted.provision(ModemCredentials.trust("broker", ca), ProvisioningListener.NONE).items()
                .get(0).outcome()).isEqualTo(Outcome.UNCHANGED);
        assertThat(again.done()).isTrue();
    }
}
