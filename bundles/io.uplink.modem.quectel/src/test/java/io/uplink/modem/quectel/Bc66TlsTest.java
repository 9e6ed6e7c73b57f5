package io.uplink.modem.quectel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import io.uplink.modem.AtCommand;
import io.uplink.modem.CredentialKind;
import io.uplink.modem.Modem;
import io.uplink.modem.ModemCredentials;
import io.uplink.modem.ModemException;
import io.uplink.modem.ModemTls;
import io.uplink.modem.ModemTlsProfile;
import io.uplink.modem.ProvisioningListener;
import io.uplink.modem.ProvisioningReport;
import io.uplink.modem.ProvisioningReport.Outcome;
import io.uplink.modem.StoredCredential;
import io.uplink.transport.Connection;
import io.uplink.transport.TransportException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The BC66/BC660K's own TLS: inline certificates checked by byte count, context-first settings, sessions, codes. */
class Bc66TlsTest {

    static final byte[] CA = ("-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUQ2Vy\n-----END CERTIFICATE-----\n")
            .getBytes(StandardCharsets.US_ASCII);

    private final QuectelBc66Dialect dialect = new QuectelBc66Dialect();

    private ModemTls attach(ScriptedAtChannel at) throws Exception {
        Bc66DialectTest.scriptAttach(at);
        Modem m = dialect.attach(at, Bc66DialectTest.BC660K, Bc66DialectTest.SETTINGS);
        return m.tls().orElseThrow();
    }

    private static String query(long ca, long cert, long key) {
        return "+QSSLCFG: 0,0,\"seclevel\",1\n+QSSLCFG: 0,0,\"cacert\"," + ca + "\n+QSSLCFG: 0,0,\"clientcert\"," + cert
                + "\n+QSSLCFG: 0,0,\"clientkey\"," + key;
    }

    private static void expectQuery(ScriptedAtChannel at, long ca, long cert, long key) {
        at.expect("AT+QSSLCFG=0,0").lines(query(ca, cert, key).split("\n"));
    }

    @Test
    void uploadsInlineChecksTheStoredCountThenKnowsItUnchanged() throws Exception {
        ScriptedAtChannel at = new ScriptedAtChannel();
        ModemTls tls = attach(at);
        expectQuery(at, 0, 0, 0);
        at.expect("AT+QSSLCFG=0,0,\"cacert\"").lines("+QSSLCFG: 0,0,\"cacert\"," + CA.length);
        ProvisioningReport first = tls.provision(ModemCredentials.trust("broker", CA), ProvisioningListener.NONE);
        assertThat(first.items()).singleElement().satisfies(i -> {
            assertThat(i.outcome()).isEqualTo(Outcome.UPLOADED);
            assertThat(i.verification()).contains(CA.length + " bytes stored").contains("only the count is verified");
        });
        assertThat(first.bytesSent()).isEqualTo(CA.length);
        AtCommand upload = at.sent.get(at.sent.size() - 1);
        assertThat(upload.prompt()).isEqualTo(">");
        byte[] payload = upload.payload();
        assertThat(payload[payload.length - 1]).as("Ctrl+Z ends the PEM").isEqualTo((byte) 0x1A);
        assertThat(Arrays.copyOf(payload, payload.length - 1)).isEqualTo(CA);

        expectQuery(at, CA.length, 0, 0);
        ProvisioningReport again = tls.provision(ModemCredentials.trust("broker", CA), ProvisioningListener.NONE);
        assertThat(again.unchanged()).isTrue();
        assertThat(again.bytesSent()).isZero();
        assertThat(again.items().get(0).verification()).contains("nothing sent")
                .contains("a change of the same length made by another tool would not be seen");

        expectQuery(at, CA.length, 0, 0);
        List<StoredCredential> stored = tls.stored();
        assertThat(stored).singleElement().satisfies(s -> {
            assertThat(s.name()).isEqualTo("broker");
            assertThat(s.kind()).isEqualTo(CredentialKind.CA_CERTIFICATES);
            assertThat(s.bytes()).isEqualTo(CA.length);
            assertThat(s.fingerprint()).startsWith("sha256:");
        });
        assertThat(at.done()).isTrue();
    }

    @Test
    void theSameCountWithoutARecordOfTheUploadIsUploadedAgain() throws Exception {
        ScriptedAtChannel at = new ScriptedAtChannel();
        ModemTls tls = attach(at); // a fresh dialect: this gateway never uploaded to the module
        expectQuery(at, CA.length, 0, 0);
        at.expect("AT+QSSLCFG=0,0,\"cacert\"").lines("+QSSLCFG: 0,0,\"cacert\"," + CA.length);
        assertThat(tls.provision(ModemCredentials.trust("broker", CA), ProvisioningListener.NONE).items().get(0)
                .outcome()).isEqualTo(Outcome.UPLOADED);
    }

    @Test
    void aShortStoreIsAnErrorAndForgetsTheRecord() throws Exception {
        ScriptedAtChannel at = new ScriptedAtChannel();
        ModemTls tls = attach(at);
        expectQuery(at, 0, 0, 0);
        at.expect("AT+QSSLCFG=0,0,\"cacert\"").lines("+QSSLCFG: 0,0,\"cacert\"," + (CA.length - 3));
        assertThatThrownBy(() -> tls.provision(ModemCredentials.trust("broker", CA), ProvisioningListener.NONE))
                .isInstanceOf(ModemException.class).hasMessageContaining("stored " + (CA.length - 3) + " bytes of the "
                        + CA.length);
        expectQuery(at, 0, 0, 0);
        at.expect("AT+QSSLCFG=0,0,\"cacert\"").lines("+QSSLCFG: 0,0,\"cacert\",0");
        assertThatThrownBy(() -> tls.provision(ModemCredentials.trust("broker", CA), ProvisioningListener.NONE))
                .isInstanceOf(ModemException.class).hasMessageContaining("stored nothing")
                .satisfies(e -> assertThat(((ModemException) e).fix()).contains("LF line ends"));
    }

    @Test
    void binaryContentIsRefusedBeforeAnythingIsSent() throws Exception {
        ScriptedAtChannel at = new ScriptedAtChannel();
        ModemTls tls = attach(at);
        byte[] bad = Arrays.copyOf(CA, CA.length + 1);
        bad[CA.length] = 0x1A;
        int before = at.sent.size();
        assertThatThrownBy(() -> tls.provision(ModemCredentials.trust("broker", bad), ProvisioningListener.NONE))
                .isInstanceOf(ModemException.class).hasMessageContaining("0x1A");
        assertThat(at.sent).hasSize(before);
    }

    @Test
    void removingAKnownSetSaysTheModuleCannot() throws Exception {
        ScriptedAtChannel at = new ScriptedAtChannel();
        ModemTls tls = attach(at);
        assertThat(tls.remove("never-stored")).isFalse();
        expectQuery(at, 0, 0, 0);
        at.expect("AT+QSSLCFG=0,0,\"cacert\"").lines("+QSSLCFG: 0,0,\"cacert\"," + CA.length);
        tls.provision(ModemCredentials.trust("broker", CA), ProvisioningListener.NONE);
        assertThatThrownBy(() -> tls.remove("broker")).isInstanceOf(ModemException.class)
                .hasMessageContaining("no command that removes");
    }

    private static ModemTlsProfile profile() {
        return ModemTlsProfile.builder().serverName("broker.example").trustSet("broker")
                .handshakeTimeout(Duration.ofSeconds(60)).build();
    }

    private static void expectSettings(ScriptedAtChannel at) {
        expectQuery(at, CA.length, 0, 0);
        at.expect("AT+QSSLCFG=0,0,\"seclevel\",1");
        at.expect("AT+QSSLCFG=0,0,\"sslversion\",4");
        at.expect("AT+QSSLCFG=0,0,\"dataformat\",1,1");
        at.expect("AT+QSSLCFG=0,0,\"timeout\",60");
        at.expect("AT+QSSLCFG=?").lines("+QSSLCFG: (0),(0),\"seclevel\",(0-2)", "+QSSLCFG: (0),(0),\"cacert\"");
    }

    @Test
    void opensConfiguredContextFirstSendsHexAndReadsItsUrcs() throws Exception {
        ScriptedAtChannel at = new ScriptedAtChannel();
        ModemTls tls = attach(at);
        expectSettings(at);
        at.expect("AT+QSSLOPEN=0,0,\"broker.example\",8883,0").thenUrc("+QSSLOPEN: 0,0,0");
        Connection c = tls.connect("broker.example", 8883, Duration.ofSeconds(30), profile());
        assertThat(at.sent).noneMatch(x -> x.line().contains("\"sni\""));

        byte[] data = new byte[1500];
        Arrays.fill(data, (byte) 0x10);
        at.expect("AT+QSSLSEND=0,0,1024").thenUrc("+QSSLSEND: 0,0,0");
        at.expect("AT+QSSLSEND=0,0,476").thenUrc("+QSSLSEND: 0,0,0");
        c.output().write(data);
        List<AtCommand> sends = at.sent.stream().filter(x -> x.line().startsWith("AT+QSSLSEND")).toList();
        assertThat(new String(sends.get(0).payload(), StandardCharsets.US_ASCII)).isEqualTo("10".repeat(1024));
        assertThat(sends.get(1).payload()).hasSize(952);

        at.urc("+QSSLURC: \"recv\",0,0,4,\"20020000\"");
        assertThat(c.input().readNBytes(4)).containsExactly(0x20, 0x02, 0x00, 0x00);
        at.urc("+QSSLURC: \"closed\",0,0");
        assertThatThrownBy(() -> c.input().read()).isInstanceOf(ModemException.class)
                .hasMessageContaining("+QSSLURC: \"closed\",0,0");
        int before = at.sent.size();
        c.close(); // the note: after "closed" the module has closed it; no AT+QSSLCLOSE
        assertThat(at.sent).hasSize(before);
        assertThat(at.done()).isTrue();
    }

    @Test
    void aFailedSendReportsTheCode() throws Exception {
        ScriptedAtChannel at = new ScriptedAtChannel();
        ModemTls tls = attach(at);
        expectSettings(at);
        at.expect("AT+QSSLOPEN=0,0,\"broker.example\",8883,0").thenUrc("+QSSLOPEN: 0,0,0");
        Connection c = tls.connect("broker.example", 8883, Duration.ofSeconds(30), profile());
        at.expect("AT+QSSLSEND=0,0,2").thenUrc("+QSSLSEND: 0,0,-2");
        assertThatThrownBy(() -> c.output().write(new byte[2])).isInstanceOf(ModemException.class)
                .hasMessageContaining("+QSSLSEND: 0,0,-2").hasMessageContaining("connection error");
        at.expect("AT+QSSLCLOSE=0,0").thenUrc("+QSSLCLOSE: 0,0,0");
        c.close();
        assertThat(at.done()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(ints = { -1, -2, -3, -4, -5, -6, -7, -9, -8 })
    void everyOpenCodeIsExplainedWithAFix(int code) throws Exception {
        ScriptedAtChannel at = new ScriptedAtChannel();
        ModemTls tls = attach(at);
        expectSettings(at);
        at.expect("AT+QSSLOPEN=0,0,\"broker.example\",8883,0").thenUrc("+QSSLOPEN: 0,0," + code);
        at.expect("AT+QSSLCLOSE=0,0");
        TransportException e = org.junit.jupiter.api.Assertions.assertThrows(TransportException.class,
                () -> tls.connect("broker.example", 8883, Duration.ofSeconds(30), profile()));
        assertThat(e.getMessage()).contains("+QSSLOPEN: 0,0," + code);
        assertThat(e.fix()).isNotBlank();
        Bc66Errors.Entry entry = Bc66Errors.ofTls(code);
        assertThat(e.getMessage()).contains(entry.words());
        switch (code) {
        case -5 -> {
            assertThat(e.getMessage()).contains("ECDHE").contains("TLS_RSA_WITH_AES_128_CBC_SHA");
            assertThat(e.fix()).contains("host TLS");
        }
        case -9 -> assertThat(e.getMessage()).contains("certificate handling").contains("seed 001");
        case -3 -> assertThat(e.getMessage()).contains("CA");
        case -8 -> assertThat(entry.words()).isEqualTo("not in the SSL note's table");
        default -> assertThat(entry.meaning()).isNotBlank();
        }
        assertThat(at.done()).isTrue();
    }

    @Test
    void profilesTheModuleCannotServeAreRefusedBeforeAnyCommand() throws Exception {
        ScriptedAtChannel at = new ScriptedAtChannel();
        ModemTls tls = attach(at);
        int before = at.sent.size();
        assertThatThrownBy(() -> tls.connect("10.0.0.1", 8883, Duration.ofSeconds(30), profile()))
                .hasMessageContaining("host name only");
        assertThatThrownBy(() -> tls.connect("broker.example", 8883, Duration.ofSeconds(30), ModemTlsProfile
                .builder().serverName("broker.example").trustSet("b").versions(Set.of("TLSv1.3")).build()))
                .hasMessageContaining("not [TLSv1.3]").satisfies(e -> assertThat(((TransportException) e).fix())
                        .contains("TLS 1.3"));
        assertThatThrownBy(() -> tls.connect("broker.example", 8883, Duration.ofSeconds(30), ModemTlsProfile
                .builder().serverName("broker.example").trustSet("b").cipherSuites(List.of(0xC02F)).build()))
                .hasMessageContaining("none of the requested suites");
        assertThat(at.sent).hasSize(before);
    }

    @Test
    void anEmptyCaSlotOrAnotherSetIsSaidBeforeTheHandshake() throws Exception {
        ScriptedAtChannel at = new ScriptedAtChannel();
        ModemTls tls = attach(at);
        expectQuery(at, 0, 0, 0);
        assertThatThrownBy(() -> tls.connect("broker.example", 8883, Duration.ofSeconds(30), profile()))
                .hasMessageContaining("holds no CA certificate");
        expectQuery(at, 0, 0, 0);
        at.expect("AT+QSSLCFG=0,0,\"cacert\"").lines("+QSSLCFG: 0,0,\"cacert\"," + CA.length);
        tls.provision(ModemCredentials.trust("other", CA), ProvisioningListener.NONE);
        expectQuery(at, CA.length, 0, 0);
        assertThatThrownBy(() -> tls.connect("broker.example", 8883, Duration.ofSeconds(30), profile()))
                .hasMessageContaining("holds 'other', not 'broker'");
    }

    @Test
    void sniIsSetOnlyWhereTheFirmwareListsIt() throws Exception {
        ScriptedAtChannel at = new ScriptedAtChannel();
        ModemTls tls = attach(at);
        expectQuery(at, CA.length, 0, 0);
        at.expect("AT+QSSLCFG=0,0,\"seclevel\",1");
        at.expect("AT+QSSLCFG=0,0,\"sslversion\",3");
        at.expect("AT+QSSLCFG=0,0,\"dataformat\",1,1");
        at.expect("AT+QSSLCFG=0,0,\"timeout\",60");
        at.expect("AT+QSSLCFG=?").lines("+QSSLCFG: (0),(0),\"sni\",(0,1)");
        at.expect("AT+QSSLCFG=0,0,\"sni\",1");
        at.expect("AT+QSSLOPEN=0,0,\"broker.example\",8883,0").thenUrc("+QSSLOPEN: 0,0,0");
        tls.connect("broker.example", 8883, Duration.ofSeconds(30), ModemTlsProfile.builder()
                .serverName("broker.example").trustSet("broker").versions(Set.of("TLSv1.2")).build());
        assertThat(tls.capabilities().sni()).isTrue();
        assertThat(at.done()).isTrue();
    }
}
