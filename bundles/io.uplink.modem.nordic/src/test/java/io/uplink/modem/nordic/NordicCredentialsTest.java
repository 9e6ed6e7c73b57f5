package io.uplink.modem.nordic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.uplink.modem.CredentialKind;
import io.uplink.modem.Modem;
import io.uplink.modem.ModemCredentials;
import io.uplink.modem.ModemException;
import io.uplink.modem.ModemTls;
import io.uplink.modem.ProvisioningListener;
import io.uplink.modem.ProvisioningReport;
import io.uplink.modem.ProvisioningReport.Outcome;
import io.uplink.modem.StoredCredential;
import io.uplink.transport.Connection;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** %CMNG provisioning over a scripted Serial LTE Modem: compare first, offline writes, verify, every error code. */
class NordicCredentialsTest {

    @TempDir
    static Path dir;
    static byte[] ca;
    static byte[] cert;
    static byte[] key;

    @BeforeAll
    static void pki() throws Exception {
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
                "device.key", "-out", "device.pem", "-days", "2", "-subj", "/CN=device");
        openssl("ec", "-in", "device.key", "-out", "device-trad.key");
        ca = Files.readAllBytes(dir.resolve("device.pem"));
        cert = ca;
        key = Files.readAllBytes(dir.resolve("device-trad.key"));
    }

    private static Modem attached(FakeSlm slm) throws ModemException {
        slm.cfun = 1;
        return new NordicSlmDialect().attach(slm, NordicSlmDialectTest.NRF9160, NordicSlmDialectTest.settings(""));
    }

    @Test
    void provisioningWhileOnlineGoesOfflineWritesVerifiesAndComesBack() throws Exception {
        FakeSlm slm = new FakeSlm();
        ModemTls tls = attached(slm).tls().orElseThrow();
        List<String> steps = new ArrayList<>();
        ProvisioningReport r = tls.provision(ModemCredentials.identity("dev", ca, cert, key),
                (kind, done, total, what) -> steps.add(kind + " " + what));
        assertThat(r.unchanged()).isFalse();
        assertThat(r.bytesSent()).isEqualTo(ca.length + cert.length + key.length);
        assertThat(r.items()).extracting(ProvisioningReport.Item::outcome).containsOnly(Outcome.UPLOADED);
        assertThat(r.items().get(0).verification()).contains("SHA-256").contains("as computed");
        long tag = NordicCmng.tag("dev");
        assertThat(slm.cmng).containsKeys(tag + ",0", tag + ",1", tag + ",2");
        assertThat(slm.cmng.get(tag + ",2")).isEqualTo(new String(key, StandardCharsets.US_ASCII));
        assertThat(slm.shortCommands()).containsSubsequence("AT+CFUN=4", "AT%CMNG=0," + tag + ",0,", "AT%CMNG=1," + tag,
                "AT+CFUN=1", "AT+CEREG?", "AT+CGACT?");
        assertThat(slm.cfun).isEqualTo(1);
        assertThat(steps).contains("PRIVATE_KEY uploading", "PRIVATE_KEY verifying");
    }

    @Test
    void identicalContentIsLeftAloneWithoutGoingOffline() throws Exception {
        FakeSlm slm = new FakeSlm();
        ModemTls tls = attached(slm).tls().orElseThrow();
        tls.provision(ModemCredentials.identity("dev", ca, cert, key), ProvisioningListener.NONE);
        slm.commands.clear();
        ProvisioningReport again = tls.provision(ModemCredentials.identity("dev", ca, cert, key),
                ProvisioningListener.NONE);
        assertThat(again.unchanged()).isTrue();
        assertThat(again.bytesSent()).isZero();
        assertThat(again.items().get(0).verification()).contains("identical, nothing sent");
        assertThat(slm.commands).containsExactly("AT%CMNG=1," + NordicCmng.tag("dev"));
    }

    @Test
    void onlyTheChangedPartIsWritten() throws Exception {
        FakeSlm slm = new FakeSlm();
        ModemTls tls = attached(slm).tls().orElseThrow();
        tls.provision(ModemCredentials.trust("ca", "-----BEGIN CERTIFICATE-----\nAA\n-----END CERTIFICATE-----\n"
                .getBytes()), ProvisioningListener.NONE);
        slm.commands.clear();
        ProvisioningReport r = tls.provision(ModemCredentials.trust("ca", ca), ProvisioningListener.NONE);
        assertThat(r.items()).singleElement().satisfies(i -> assertThat(i.outcome()).isEqualTo(Outcome.UPLOADED));
        assertThat(slm.count("AT%CMNG=0,")).isOne();
    }

    @Test
    void aCopyThatListsAnotherShaIsDeletedAgainAndNamed() throws Exception {
        FakeSlm slm = new FakeSlm();
        ModemTls tls = attached(slm).tls().orElseThrow();
        slm.on("AT%CMNG=0,", c -> {
            String l = c.line();
            String[] a = l.substring(8).split(",", 4);
            slm.cmng.put(a[1] + "," + a[2], "corrupted");
            return FakeSlm.ok(c);
        });
        assertThatThrownBy(() -> tls.provision(ModemCredentials.trust("ca", ca), ProvisioningListener.NONE))
                .isInstanceOf(ModemException.class).hasMessageContaining("differs from what was sent")
                .hasMessageContaining(NordicCmng.sha256(ca));
        assertThat(slm.cmng).isEmpty();
        assertThat(slm.cfun).isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(ints = { 513, 514, 515, 518, 528 })
    void everyCmngErrorIsExplainedWithAFix(int code) throws Exception {
        FakeSlm slm = new FakeSlm();
        ModemTls tls = attached(slm).tls().orElseThrow();
        slm.on("AT%CMNG=0,", c -> FakeSlm.cme(c, code));
        assertThatThrownBy(() -> tls.provision(ModemCredentials.trust("ca", ca), ProvisioningListener.NONE))
                .isInstanceOf(ModemException.class).hasMessageContaining("+CME ERROR: " + code)
                .hasMessageContaining(NordicErrors.cmng(code).meaning())
                .satisfies(e -> {
                    assertThat(((ModemException) e).dialectCode()).isEqualTo(String.valueOf(code));
                    assertThat(((ModemException) e).fix()).isEqualTo(NordicErrors.cmng(code).fix()).isNotBlank();
                });
        assertThat(slm.cfun).as("back online after the failure").isEqualTo(1);
    }

    @Test
    void aModemThatRefusesToGoOfflineKeepsItsTransportUsable() throws Exception {
        FakeSlm slm = new FakeSlm();
        Modem modem = attached(slm);
        slm.on("AT+CFUN=4", FakeSlm::error);
        assertThatThrownBy(() -> modem.tls().orElseThrow().provision(ModemCredentials.trust("ca", ca),
                ProvisioningListener.NONE)).isInstanceOf(ModemException.class).hasMessageContaining("AT+CFUN=4");
        try (Connection c = modem.transport().connect("broker.example", 1883, java.time.Duration.ofSeconds(5))) {
            assertThat(c.isOpen()).isTrue();
        }
    }

    @Test
    void theErrorTableSaysWhatEachCodeMeans() {
        assertThat(NordicErrors.cmng(513).meaning()).contains("not found");
        assertThat(NordicErrors.cmng(514).meaning()).contains("no access").contains("private key");
        assertThat(NordicErrors.cmng(515).meaning()).contains("memory full");
        assertThat(NordicErrors.cmng(518).fix()).contains("AT+CFUN=4");
        assertThat(NordicErrors.cmng(519).fix()).contains("AT%CMNG=3");
        assertThat(NordicErrors.cmng(528).meaning()).contains("power-off warning");
        assertThat(NordicErrors.cmng(999).meaning()).contains("999");
    }

    @Test
    void alreadyExistsIsDeletedAndWrittenAgain() throws Exception {
        FakeSlm slm = new FakeSlm();
        ModemTls tls = attached(slm).tls().orElseThrow();
        int[] calls = { 0 };
        slm.on("AT%CMNG=0,", c -> calls[0]++ == 0 ? FakeSlm.cme(c, 519) : null);
        long tag = NordicCmng.tag("ca");
        slm.cmng.put(tag + ",0", "old");
        ProvisioningReport r = tls.provision(ModemCredentials.trust("ca", ca), ProvisioningListener.NONE);
        assertThat(r.unchanged()).isFalse();
        assertThat(slm.shortCommands()).containsSubsequence("AT%CMNG=0," + tag + ",0,", "AT%CMNG=3," + tag + ",0",
                "AT%CMNG=0," + tag + ",0,");
    }

    @Test
    void aPlainErrorIsExplainedAsCodesOffOrALineTheModemCouldNotParse() throws Exception {
        FakeSlm slm = new FakeSlm();
        ModemTls tls = attached(slm).tls().orElseThrow();
        slm.on("AT%CMNG=0,", FakeSlm::error);
        assertThatThrownBy(() -> tls.provision(ModemCredentials.trust("ca", ca), ProvisioningListener.NONE))
                .isInstanceOf(ModemException.class).hasMessageContaining("without a code")
                .satisfies(e -> assertThat(((ModemException) e).fix()).contains("AT+CMEE=1"));
    }

    @Test
    void pemWithAQuoteIsRefusedBeforeAnythingIsWritten() throws Exception {
        FakeSlm slm = new FakeSlm();
        ModemTls tls = attached(slm).tls().orElseThrow();
        slm.commands.clear();
        assertThatThrownBy(() -> tls.provision(ModemCredentials.trust("ca", "-----BEGIN \"x\"".getBytes()),
                ProvisioningListener.NONE)).isInstanceOf(ModemException.class).hasMessageContaining("quote");
        assertThat(slm.commands).isEmpty();
    }

    @Test
    void aKeyTheModemCannotUseIsRefusedBeforeAnythingIsWritten() throws Exception {
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-521", "-nodes", "-keyout",
                "p521.key", "-out", "p521.pem", "-days", "2", "-subj", "/CN=device");
        FakeSlm slm = new FakeSlm();
        ModemTls tls = attached(slm).tls().orElseThrow();
        slm.commands.clear();
        assertThatThrownBy(() -> tls.provision(ModemCredentials.identity("p521", null,
                Files.readAllBytes(dir.resolve("p521.pem")), key), ProvisioningListener.NONE))
                .isInstanceOf(ModemException.class).hasMessageContaining("EC-P521")
                .satisfies(e -> assertThat(((ModemException) e).fix()).contains("host TLS"));
        assertThat(slm.commands).isEmpty();
    }

    @Test
    void storedListsUplinksAndOtherTagsAndRemoveDeletesOffline() throws Exception {
        FakeSlm slm = new FakeSlm();
        ModemTls tls = attached(slm).tls().orElseThrow();
        tls.provision(ModemCredentials.trust("broker-ca", ca), ProvisioningListener.NONE);
        slm.cmng.put("16842753,1", "x");
        slm.cmng.put("4294967292,0", "modem's own");
        List<StoredCredential> stored = tls.stored();
        assertThat(stored).extracting(StoredCredential::name).containsExactlyInAnyOrder("broker-ca", "16842753");
        assertThat(stored).filteredOn(s -> s.name().equals("broker-ca")).singleElement()
                .satisfies(s -> assertThat(s.kind()).isEqualTo(CredentialKind.CA_CERTIFICATES))
                .satisfies(s -> assertThat(s.fingerprint()).isEqualTo(NordicCmng.sha256(ca)));
        slm.commands.clear();
        assertThat(tls.remove("16842753")).isTrue();
        assertThat(slm.commands).containsSubsequence("AT+CFUN=4", "AT%CMNG=3,16842753,1", "AT+CFUN=1");
        assertThat(tls.remove("nothing-here")).isFalse();
    }

    @Test
    void goingOfflineClosesOpenConnectionsWithTheReason() throws Exception {
        FakeSlm slm = new FakeSlm();
        Modem modem = attached(slm);
        Connection c = modem.transport().connect("broker.example", 1883, java.time.Duration.ofSeconds(5));
        modem.tls().orElseThrow().provision(ModemCredentials.trust("ca", ca), ProvisioningListener.NONE);
        assertThat(c.isOpen()).isFalse();
        assertThatThrownBy(() -> c.output().write(1)).isInstanceOf(ModemException.class)
                .hasMessageContaining("offline (AT+CFUN=4)");
        assertThat(slm.commands).containsSubsequence("AT#XSOCKET=0", "AT+CFUN=4");
        try (Connection again = modem.transport().connect("broker.example", 1883, java.time.Duration.ofSeconds(5))) {
            assertThat(again.isOpen()).isTrue();
        }
    }

    static void openssl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
    }
}
