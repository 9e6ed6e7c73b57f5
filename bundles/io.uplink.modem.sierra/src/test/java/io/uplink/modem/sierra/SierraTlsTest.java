package io.uplink.modem.sierra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.uplink.modem.CredentialKind;
import io.uplink.modem.Modem;
import io.uplink.modem.ModemCredentials;
import io.uplink.modem.ModemException;
import io.uplink.modem.ModemTls;
import io.uplink.modem.ModemTlsProfile;
import io.uplink.modem.ModemTlsProfile.Verification;
import io.uplink.modem.ProvisioningListener;
import io.uplink.modem.ProvisioningReport;
import io.uplink.modem.ProvisioningReport.Outcome;
import io.uplink.transport.Connection;
import io.uplink.transport.TransportException;
import io.uplink.transport.TransportException.Reason;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The module's own TLS: credential slots (compare, upload, verify, record) and TLS sessions with a KSSLCRYPTO profile. */
class SierraTlsTest {

    @TempDir
    static Path pki;
    static byte[] ca;
    static byte[] cert;
    static byte[] key;
    static byte[] p521Cert;

    @TempDir
    Path dir;

    private final FakeHl78 fake = new FakeHl78();
    private Modem modem;

    @BeforeAll
    static void makePki() throws Exception {
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
                "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=test CA");
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
                "device.key", "-out", "device.pem", "-days", "2", "-subj", "/CN=device");
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-521", "-nodes", "-keyout",
                "p521.key", "-out", "p521.pem", "-days", "2", "-subj", "/CN=p521");
        ca = Files.readAllBytes(pki.resolve("ca.pem"));
        cert = Files.readAllBytes(pki.resolve("device.pem"));
        key = Files.readAllBytes(pki.resolve("device.key"));
        p521Cert = Files.readAllBytes(pki.resolve("p521.pem"));
    }

    private Modem attach(SierraCredentialLedger ledger) throws Exception {
        modem = new SierraHl78Dialect(ledger).attach(fake, SierraDialectTest.HL7800,
                SierraDialectTest.settings(Map.of()));
        fake.sent.clear();
        return modem;
    }

    private ModemTls tls() throws Exception {
        return attach(new SierraCredentialLedger(null)).tls().orElseThrow();
    }

    @AfterEach
    void close() throws Exception {
        if (modem != null) {
            modem.detach();
        }
        fake.close();
    }

    /** The whole PEM on one line with CRLF around it: what a web form or a JSON field often gives. */
    private static byte[] oneLine(byte[] pem) {
        String s = new String(pem, StandardCharsets.US_ASCII);
        String body = s.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        String label = s.substring(s.indexOf("BEGIN ") + 6, s.indexOf("-----", s.indexOf("BEGIN ")));
        return ("\r\n-----BEGIN " + label + "-----" + body + "-----END " + label + "-----\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void provisioningLaysPemOutInLinesAndUploadsExactByteCountsThenVerifiesByTheListing() throws Exception {
        ModemTls tls = tls();
        ProvisioningReport report = tls.provision(ModemCredentials.identity("broker", oneLine(ca), oneLine(cert),
                key), ProvisioningListener.NONE);
        byte[] storedCa = fake.slots.get("root_cert");
        assertThat(new String(storedCa, StandardCharsets.US_ASCII)).startsWith("-----BEGIN CERTIFICATE-----\n")
                .endsWith("-----END CERTIFICATE-----\n").doesNotContain("\r");
        assertThat(new String(storedCa, StandardCharsets.US_ASCII).lines())
                .allMatch(l -> l.length() <= 64 || l.startsWith("-----"));
        assertThat(fake.lines()).contains("AT+KCERTSTORE=0," + storedCa.length,
                "AT+KCERTSTORE=1," + fake.slots.get("local_cert").length,
                "AT+KPRIVKSTORE=0," + fake.slots.get("private_key").length);
        assertThat(fake.sent.stream().filter(c -> c.line().startsWith("AT+KPRIVKSTORE=")).findFirst().orElseThrow()
                .isSensitive()).isTrue();
        assertThat(report.items()).extracting(ProvisioningReport.Item::outcome).containsOnly(Outcome.UPLOADED);
        assertThat(report.items().get(0).verification()).contains("accepted exactly " + storedCa.length)
                .contains("root_cert,0," + storedCa.length);
        assertThat(report.bytesSent()).isEqualTo(storedCa.length + fake.slots.get("local_cert").length
                + fake.slots.get("private_key").length);
        assertThat(tls.stored()).extracting(s -> s.name() + ":" + s.kind()).containsExactly(
                "broker:CA_CERTIFICATES", "broker:CLIENT_CERTIFICATE", "broker:PRIVATE_KEY");
    }

    @Test
    void identicalContentIsNotUploadedAgainAndTheReportSaysOnWhatGrounds() throws Exception {
        ModemTls tls = tls();
        ModemCredentials set = ModemCredentials.identity("broker", ca, cert, key);
        tls.provision(set, ProvisioningListener.NONE);
        fake.sent.clear();
        List<String> steps = new ArrayList<>();
        ProvisioningReport again = tls.provision(set, (kind, done, total, what) -> steps.add(what));
        assertThat(again.unchanged()).isTrue();
        assertThat(again.bytesSent()).isZero();
        assertThat(fake.lines()).noneMatch(l -> l.startsWith("AT+KCERTSTORE=") || l.startsWith("AT+KPRIVKSTORE="));
        assertThat(again.items().get(0).verification()).contains("same SHA-256").contains("shows no content");
        assertThat(steps).containsOnly("comparing", "unchanged");
    }

    @Test
    void sameSizeOtherContentIsCaughtOnlyWhereTheModuleShowsContent() throws Exception {
        ModemTls tls = tls();
        tls.provision(ModemCredentials.trust("broker", ca), ProvisioningListener.NONE);
        byte[] before = fake.slots.get("root_cert");
        // same size, other content: what a module swapped by another tool might hold
        byte[] other = before.clone();
        other[40] = (byte) (other[40] == 'A' ? 'B' : 'A');
        fake.slots.put("root_cert", other);
        fake.sent.clear();
        ProvisioningReport again = tls.provision(ModemCredentials.trust("broker", ca), ProvisioningListener.NONE);
        // the listing shows the same byte count; only the gateway's record of the content tells them apart ... and
        // that record says the module holds what was sent. So the module's own word, the count, is what is checked.
        assertThat(again.items().get(0).outcome()).isEqualTo(Outcome.UNCHANGED);
        fake.listing = FakeHl78.Listing.CONTENT;
        ProvisioningReport shown = tls.provision(ModemCredentials.trust("broker", ca), ProvisioningListener.NONE);
        assertThat(shown.items().get(0).outcome()).isEqualTo(Outcome.UPLOADED);
        assertThat(shown.items().get(0).verification()).contains("read back").contains("identical");
        assertThat(fake.slots.get("root_cert")).isEqualTo(before);
    }

    @Test
    void firmwareThatShowsThePemIsComparedByContentWithoutAnyRecord() throws Exception {
        fake.listing = FakeHl78.Listing.CONTENT;
        tls().provision(ModemCredentials.trust("broker", ca), ProvisioningListener.NONE);
        modem.detach();
        fake.sent.clear();
        ProvisioningReport fresh = tls().provision(ModemCredentials.trust("broker", ca), ProvisioningListener.NONE);
        assertThat(fresh.items().get(0).outcome()).isEqualTo(Outcome.UNCHANGED);
        assertThat(fresh.items().get(0).verification()).contains("read back").contains("nothing sent");
    }

    @Test
    void withoutAListingTheUploadIsVouchedForByTheModulesOkAndTheRecordDecidesWhatIsUnchanged() throws Exception {
        fake.listing = FakeHl78.Listing.NONE;
        ModemTls tls = tls();
        ProvisioningReport first = tls.provision(ModemCredentials.trust("broker", ca), ProvisioningListener.NONE);
        assertThat(first.items().get(0).verification()).contains("accepted exactly").contains("offers no read-back")
                .contains("AT+KCERTSTORE? answered +CME ERROR: 4");
        ProvisioningReport again = tls.provision(ModemCredentials.trust("broker", ca), ProvisioningListener.NONE);
        assertThat(again.items().get(0).outcome()).isEqualTo(Outcome.UNCHANGED);
        assertThat(again.items().get(0).verification()).contains("offers no listing").contains("record alone");
    }

    @Test
    void theRecordSurvivesARestartOfTheGatewayInItsFile() throws Exception {
        Path file = dir.resolve("ledger.properties");
        attach(new SierraCredentialLedger(file)).tls().orElseThrow()
                .provision(ModemCredentials.identity("broker", ca, cert, key), ProvisioningListener.NONE);
        modem.detach();
        fake.sent.clear();
        ProvisioningReport again = attach(new SierraCredentialLedger(file)).tls().orElseThrow()
                .provision(ModemCredentials.identity("broker", ca, cert, key), ProvisioningListener.NONE);
        assertThat(again.unchanged()).isTrue();
        assertThat(again.items().get(0).verification()).contains("bundle's data area");
        assertThat(Files.readString(file)).contains("354616090000011.CA_CERTIFICATES=broker,")
                .doesNotContain("BEGIN");
    }

    @Test
    void aModuleThatKeepsFewerBytesThanSentFailsVerificationAndTheSetIsRemoved() throws Exception {
        ModemTls tls = tls();
        fake.storeKeeps = 100;
        assertThatThrownBy(() -> tls.provision(ModemCredentials.trust("broker", ca), ProvisioningListener.NONE))
                .isInstanceOf(ModemException.class).hasMessageContaining("lists 100 bytes")
                .hasMessageContaining("deleted again");
        assertThat(fake.slots).doesNotContainKey("root_cert");
        assertThat(tls.stored()).isEmpty();
    }

    @Test
    void error931And930AreExplainedAsTheFieldKnowsThemAndNothingHalfStoredRemains() throws Exception {
        ModemTls tls = tls();
        fake.storeError = 931;
        assertThatThrownBy(() -> tls.provision(ModemCredentials.identity("broker", ca, cert, key),
                ProvisioningListener.NONE))
                .isInstanceOf(ModemException.class).hasMessageContaining("+CME ERROR: 931")
                .hasMessageContaining("undocumented").hasMessageContaining("without line breaks")
                .satisfies(e -> assertThat(((ModemException) e).dialectCode()).isEqualTo("931"));
        assertThat(fake.lines()).contains("AT+KCERTDELETE=0", "AT+KCERTDELETE=1", "AT+KPRIVKDELETE=0");
        fake.storeError = 930;
        assertThatThrownBy(() -> tls.provision(ModemCredentials.trust("broker", ca), ProvisioningListener.NONE))
                .isInstanceOf(ModemException.class).hasMessageContaining("fewer bytes arrived than announced");
    }

    @Test
    void whatTheModuleCannotTakeIsRefusedBeforeAnyUpload() throws Exception {
        ModemTls tls = tls();
        assertThatThrownBy(() -> tls.provision(ModemCredentials.trust("x", "not a certificate".getBytes()),
                ProvisioningListener.NONE)).isInstanceOf(ModemException.class).hasMessageContaining("not PEM");
        StringBuilder bundle = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            bundle.append(new String(ca, StandardCharsets.US_ASCII));
        }
        assertThatThrownBy(() -> tls.provision(ModemCredentials.trust("x", bundle.toString().getBytes()),
                ProvisioningListener.NONE)).isInstanceOf(ModemException.class).hasMessageContaining("at most 4096");
        assertThatThrownBy(() -> tls.provision(ModemCredentials.identity("x", null, p521Cert, key),
                ProvisioningListener.NONE)).isInstanceOf(ModemException.class).hasMessageContaining("EC-P521");
        assertThat(fake.lines()).noneMatch(l -> l.startsWith("AT+KCERTSTORE=") || l.startsWith("AT+KPRIVKSTORE="));
    }

    @Test
    void removeDeletesOnlyTheNamedSet() throws Exception {
        ModemTls tls = tls();
        tls.provision(ModemCredentials.identity("broker", ca, cert, key), ProvisioningListener.NONE);
        assertThat(tls.remove("other")).isFalse();
        assertThat(tls.remove("broker")).isTrue();
        assertThat(fake.slots).isEmpty();
    }

    @Test
    void capabilitiesAreTls12WithTheEcdheSuitesInIanaCodes() throws Exception {
        var caps = tls().capabilities();
        assertThat(caps.versions()).containsExactly("TLSv1.2");
        assertThat(caps.cipherSuites()).containsExactly(0xC02F, 0xC0AC, 0xC0AD, 0xC0AE, 0xC0AF, 0xC02B, 0xC02C);
        assertThat(caps.maxCertificateBytes()).isEqualTo(4096);
        assertThat(caps.acceptsKey("EC-P256")).isTrue();
        assertThat(caps.acceptsKey("EC-P521")).isFalse();
    }

    @Test
    void aMutualTlsSessionWritesVersionAndProfileThenOpensType3() throws Exception {
        ModemTls tls = tls();
        tls.provision(ModemCredentials.identity("broker", ca, cert, key), ProvisioningListener.NONE);
        fake.sent.clear();
        ModemTlsProfile profile = ModemTlsProfile.builder().serverName("broker.example").trustSet("broker")
                .identitySet("broker").verification(Verification.MUTUAL).build();
        try (Connection c = tls.connect("broker.example", 8883, Duration.ofSeconds(10), profile)) {
            c.output().write(new byte[] { 16, 0 });
            assertThat(c.input().readNBytes(2)).containsExactly(16, 0);
        }
        assertThat(fake.lines()).startsWith("AT+KSSLCFG=0,3", "AT+KSSLCRYPTO=1,8,3,25392,12,4,3,0",
                "AT+KTCPCFG=1,3,\"broker.example\",8883,,,,0,1,0", "AT+KTCPCNX=1");
    }

    @Test
    void namedSuitesBecomeTheSmallestMasksAndServerOnlyVerificationIsAuth1() throws Exception {
        ModemTls tls = tls();
        ModemTlsProfile rsaOnly = ModemTlsProfile.builder().trustSet("broker").cipherSuites(List.of(0xC02F))
                .build();
        tls.connect("broker.example", 8883, Duration.ofSeconds(10), rsaOnly).close();
        assertThat(fake.lines()).contains("AT+KSSLCRYPTO=1,8,1,8192,4,4,1,0");
        ModemTlsProfile none = ModemTlsProfile.builder().verification(Verification.NONE)
                .cipherSuites(List.of(0xC0AC, 0xC02C)).build();
        tls.connect("broker.example", 8883, Duration.ofSeconds(10), none).close();
        assertThat(fake.lines()).contains("AT+KSSLCRYPTO=1,8,2,16400,8,4,0,0");
    }

    @Test
    void firmwareBefore46GetsTheSevenFieldProfile() throws Exception {
        fake.eightFieldCrypto = false;
        ModemTls tls = tls();
        tls.connect("broker.example", 8883, Duration.ofSeconds(10), ModemTlsProfile.builder()
                .verification(Verification.NONE).build()).close();
        assertThat(fake.lines()).containsSubsequence("AT+KSSLCRYPTO=1,8,3,25392,12,4,0,0",
                "AT+KSSLCRYPTO=1,8,3,25392,12,4,0", "AT+KTCPCFG=1,3,\"broker.example\",8883,,,,0,1,0");
    }

    @Test
    void whatTheModulesTlsCannotDoIsRefusedBeforeAnyCommand() throws Exception {
        ModemTls tls = tls();
        ModemTlsProfile base = ModemTlsProfile.builder().verification(Verification.NONE).build();
        assertThatThrownBy(() -> tls.connect("h", 1, Duration.ofSeconds(1), ModemTlsProfile.builder()
                .verification(Verification.NONE).versions(Set.of("TLSv1.3")).build()))
                .isInstanceOf(TransportException.class).hasMessageContaining("TLS 1.2 only");
        assertThatThrownBy(() -> tls.connect("h", 1, Duration.ofSeconds(1), ModemTlsProfile.builder()
                .verification(Verification.NONE).cipherSuites(List.of(0x1301, 0xC02F)).build()))
                .isInstanceOf(TransportException.class).hasMessageContaining("0x1301");
        assertThatThrownBy(() -> tls.connect("10.0.0.1", 1, Duration.ofSeconds(1), ModemTlsProfile.builder()
                .verification(Verification.NONE).serverName("broker.example").build()))
                .isInstanceOf(TransportException.class).hasMessageContaining("naming broker.example");
        assertThat(fake.sent).isEmpty();
        assertThat(base.verification()).isEqualTo(Verification.NONE);
    }

    @Test
    void aSetThatIsNotTheOneStoredIsRefused() throws Exception {
        ModemTls tls = tls();
        tls.provision(ModemCredentials.trust("one", ca), ProvisioningListener.NONE);
        assertThatThrownBy(() -> tls.connect("h", 1, Duration.ofSeconds(1), ModemTlsProfile.builder()
                .trustSet("two").build())).isInstanceOf(TransportException.class)
                .hasMessageContaining("from set 'one', not 'two'");
    }

    @Test
    void aCertificateErrorOnTheHandshakeIsNamed() throws Exception {
        ModemTls tls = tls();
        fake.connectNotification = 15;
        assertThatThrownBy(() -> tls.connect("broker.example", 8883, Duration.ofSeconds(5), ModemTlsProfile
                .builder().verification(Verification.NONE).build()))
                .isInstanceOf(TransportException.class).hasMessageContaining("modem's TLS failed")
                .hasMessageContaining("+KTCP_NOTIF: 1,15").hasMessageContaining("did not verify")
                .satisfies(e -> assertThat(((TransportException) e).reason()).isEqualTo(Reason.REFUSED));
    }

    @Test
    void storedNamesUnknownContentAsUnknown() throws Exception {
        ModemTls tls = tls();
        fake.slots.put("root_cert", ca);
        assertThat(tls.stored()).singleElement().satisfies(s -> {
            assertThat(s.name()).isEqualTo("unknown");
            assertThat(s.kind()).isEqualTo(CredentialKind.CA_CERTIFICATES);
            assertThat(s.bytes()).isEqualTo(ca.length);
        });
    }

    private static void openssl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(pki.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
    }
}
