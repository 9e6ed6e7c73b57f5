package io.uplink.modem.nordic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import io.uplink.modem.Modem;
import io.uplink.modem.ModemCredentials;
import io.uplink.modem.ModemException;
import io.uplink.modem.ModemTls;
import io.uplink.modem.ModemTlsProfile;
import io.uplink.modem.ModemTlsProfile.Verification;
import io.uplink.modem.ProvisioningListener;
import io.uplink.transport.Connection;
import io.uplink.transport.TransportException;
import io.uplink.transport.TransportException.Reason;

import org.junit.jupiter.api.Test;

/** Plain and TLS sockets over a scripted Serial LTE Modem. */
class NordicSocketsTest {

    private static final Duration T = Duration.ofSeconds(5);

    private static Modem attached(FakeSlm slm) throws ModemException {
        return new NordicSlmDialect().attach(slm, NordicSlmDialectTest.NRF9160, NordicSlmDialectTest.settings(""));
    }

    @Test
    void bytesGoOutInDataModeAndComeBackThroughXrecv() throws Exception {
        FakeSlm slm = new FakeSlm();
        try (Connection c = attached(slm).transport().connect("echo.example", 7, T)) {
            byte[] data = "binary\r\nOK\r\n\u0000\"quoted\", a+b ++ +++ end+".getBytes(StandardCharsets.ISO_8859_1);
            c.output().write(data);
            assertThat(c.input().readNBytes(data.length)).isEqualTo(data);
            assertThat(slm.sent.toByteArray()).isEqualTo(data);
        }
        assertThat(slm.commands).containsSubsequence("AT#XSOCKET=1,1,0", "AT#XCONNECT=\"echo.example\",7", "AT#XSEND",
                "AT#XSEND=\"+++\"", "AT#XRECV=1,64", "AT#XSOCKET=0");
        assertThat(slm.connects).containsExactly("echo.example sni=null");
    }

    @Test
    void aReadWaitsForDataPollingAndTimesOut() throws Exception {
        FakeSlm slm = new FakeSlm();
        slm.peer = b -> null;
        try (Connection c = attached(slm).transport().connect("quiet.example", 7, T)) {
            c.setReadTimeout(Duration.ofMillis(300));
            assertThatThrownBy(() -> c.input().read()).isInstanceOf(java.net.SocketTimeoutException.class);
            assertThat(slm.count("AT#XRECV=")).isGreaterThan(1);
        }
    }

    @Test
    void anOrderlyCloseByThePeerIsLoudNotAQuietEndOfStream() throws Exception {
        FakeSlm slm = new FakeSlm();
        slm.peerClosed = true;
        Connection c = attached(slm).transport().connect("gone.example", 7, T);
        assertThatThrownBy(() -> c.input().read()).isInstanceOf(ModemException.class)
                .hasMessageContaining("closed").hasMessageContaining("gone.example:7");
        assertThat(c.isOpen()).isFalse();
        c.close();
    }

    @Test
    void aRefusedConnectClosesTheSocketAndSaysWhatToCheck() throws Exception {
        FakeSlm slm = new FakeSlm();
        slm.on("AT#XCONNECT=", FakeSlm::error);
        Modem modem = attached(slm);
        assertThatThrownBy(() -> modem.transport().connect("nowhere.example", 1883, T))
                .isInstanceOf(TransportException.class).hasMessageContaining("nowhere.example:1883")
                .satisfies(e -> assertThat(((TransportException) e).reason()).isEqualTo(Reason.REFUSED));
        assertThat(slm.commands).containsSubsequence("AT#XCONNECT=\"nowhere.example\",1883", "AT#XSOCKET=0");
    }

    @Test
    void aConnectThatOutlivesItsTimeoutLeavesNoSocketBehind() throws Exception {
        FakeSlm slm = new FakeSlm();
        io.uplink.modem.AtChannel failing = new io.uplink.modem.AtChannel() {
            @Override
            public io.uplink.modem.AtResponse execute(io.uplink.modem.AtCommand c) throws ModemException {
                if (c.line().startsWith("AT#XCONNECT=")) {
                    throw new ModemException("no final result in time", "", "", "");
                }
                return slm.execute(c);
            }

            @Override
            public io.uplink.modem.UrcSubscription onUrc(String p, io.uplink.modem.UrcListener l) {
                return slm.onUrc(p, l);
            }

            @Override
            public String portName() {
                return "failing";
            }

            @Override
            public boolean isOpen() {
                return true;
            }
        };
        NordicSockets viaFailing = new NordicSockets(failing, NordicSlmDialectTest.NRF9160);
        assertThatThrownBy(() -> viaFailing.connect("slow.example", 1883, T)).isInstanceOf(TransportException.class)
                .hasMessageContaining("no final result in time");
        assertThat(slm.commands).containsSubsequence("AT#XSOCKET=1,1,0", "AT#XSOCKET=0");
    }

    @Test
    void twoSocketsSelectTheirOwnBeforeEachOperation() throws Exception {
        FakeSlm slm = new FakeSlm();
        Modem modem = attached(slm);
        try (Connection a = modem.transport().connect("a.example", 7, T);
                Connection b = modem.transport().connect("b.example", 7, T)) {
            a.output().write("to a".getBytes());
            assertThat(new String(a.input().readNBytes(4))).isEqualTo("to a");
            b.output().write("to b".getBytes());
            assertThat(new String(b.input().readNBytes(4))).isEqualTo("to b");
        }
        assertThat(slm.commands).containsSubsequence("AT#XSOCKETSELECT=0", "AT#XSEND", "AT#XSOCKETSELECT=1",
                "AT#XSEND");
    }

    @Test
    void modemTlsSetsTheEndpointHostAsTlsHostnameAndUsesTheSetsTag() throws Exception {
        FakeSlm slm = new FakeSlm();
        ModemTls tls = attached(slm).tls().orElseThrow();
        tls.provision(ModemCredentials.trust("broker-ca", "-----BEGIN CERTIFICATE-----\nAA\n-----END CERTIFICATE-----\n"
                .getBytes()), ProvisioningListener.NONE);
        ModemTlsProfile profile = ModemTlsProfile.builder().serverName("broker.example").trustSet("broker-ca").build();
        try (Connection c = tls.connect("broker.example", 8883, T, profile)) {
            c.output().write("x".getBytes());
            assertThat(c.input().read()).isEqualTo('x');
        }
        long tag = NordicCmng.tag("broker-ca");
        assertThat(slm.commands).containsSubsequence("AT#XSSOCKET=1,1,0," + tag + ",2",
                "AT#XSSOCKETOPT=1,2,\"broker.example\"", "AT#XCONNECT=\"broker.example\",8883");
        assertThat(slm.connects).containsExactly("broker.example sni=broker.example");
    }

    @Test
    void aConfiguredTlsHostnameIsSentInsteadOfTheHost() throws Exception {
        FakeSlm slm = new FakeSlm();
        ModemTls tls = attached(slm).tls().orElseThrow();
        ModemTlsProfile profile = ModemTlsProfile.builder().serverName("other.example").trustSet("16842753").build();
        tls.connect("10.1.2.3", 8883, T, profile).close();
        assertThat(slm.connects).containsExactly("10.1.2.3 sni=other.example");
        assertThat(slm.commands).contains("AT#XSSOCKET=1,1,0,16842753,2");
    }

    @Test
    void withoutAServerNameNoTlsHostnameIsSetAndNoVerificationMeansPeerVerifyZero() throws Exception {
        FakeSlm slm = new FakeSlm();
        ModemTls tls = attached(slm).tls().orElseThrow();
        ModemTlsProfile profile = ModemTlsProfile.builder().verification(Verification.NONE).trustSet("7").build();
        tls.connect("10.1.2.3", 8883, T, profile).close();
        assertThat(slm.commands).contains("AT#XSSOCKET=1,1,0,7,0").noneMatch(l -> l.startsWith("AT#XSSOCKETOPT"));
    }

    @Test
    void mutualTlsWithSeparateSetsCopiesTheCaIntoTheIdentitysTagOnce() throws Exception {
        FakeSlm slm = new FakeSlm();
        slm.cfun = 1;
        ModemTls tls = attached(slm).tls().orElseThrow();
        byte[] ca = "-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n".getBytes();
        tls.provision(ModemCredentials.trust("trust", ca), ProvisioningListener.NONE);
        long id = NordicCmng.tag("identity");
        slm.cmng.put(id + ",1", "cert");
        slm.cmng.put(id + ",2", "key");
        ModemTlsProfile profile = ModemTlsProfile.builder().serverName("broker.example").trustSet("trust")
                .identitySet("identity").verification(Verification.MUTUAL).build();
        tls.connect("broker.example", 8883, T, profile).close();
        assertThat(slm.cmng.get(id + ",0")).isEqualTo(new String(ca));
        assertThat(slm.commands).contains("AT#XSSOCKET=1,1,0," + id + ",2");
        slm.commands.clear();
        tls.connect("broker.example", 8883, T, profile).close();
        assertThat(slm.count("AT%CMNG=0,")).isZero();
        assertThat(slm.count("AT+CFUN=")).isZero();
    }

    @Test
    void theCaIsReadBackFromTheModemWhenThisGatewayDidNotProvisionIt() throws Exception {
        FakeSlm slm = new FakeSlm();
        ModemTls tls = attached(slm).tls().orElseThrow();
        String ca = "-----BEGIN CERTIFICATE-----\nREAD\nBACK\n-----END CERTIFICATE-----\n";
        slm.cmng.put("100,0", ca);
        ModemTlsProfile profile = ModemTlsProfile.builder().trustSet("100").identitySet("200")
                .verification(Verification.MUTUAL).build();
        tls.connect("10.0.0.1", 8883, T, profile).close();
        assertThat(slm.cmng.get("200,0")).isEqualTo(ca);
        assertThat(slm.commands).contains("AT%CMNG=2,100,0");
    }

    @Test
    void tls13OnlyIsRefusedWithTheFix() throws Exception {
        FakeSlm slm = new FakeSlm();
        ModemTls tls = attached(slm).tls().orElseThrow();
        ModemTlsProfile profile = ModemTlsProfile.builder().versions(java.util.Set.of("TLSv1.3")).trustSet("1").build();
        assertThatThrownBy(() -> tls.connect("broker.example", 8883, T, profile))
                .isInstanceOf(TransportException.class).hasMessageContaining("TLS 1.2 only")
                .satisfies(e -> assertThat(((TransportException) e).fix()).contains("host TLS"));
    }

    @Test
    void aFailedModemHandshakeSendsTheUserToTheDoctor() throws Exception {
        FakeSlm slm = new FakeSlm();
        slm.on("AT#XCONNECT=", FakeSlm::error);
        ModemTls tls = attached(slm).tls().orElseThrow();
        ModemTlsProfile profile = ModemTlsProfile.builder().serverName("broker.example").trustSet("1").build();
        assertThatThrownBy(() -> tls.connect("broker.example", 8883, T, profile))
                .isInstanceOf(TransportException.class).hasMessageContaining("does not say why")
                .satisfies(e -> assertThat(((TransportException) e).fix()).contains("uplink doctor --tls modem"));
    }

    @Test
    void capabilitiesAreTls12EcdheAesWithoutChaCha() throws Exception {
        ModemTls tls = attached(new FakeSlm()).tls().orElseThrow();
        assertThat(tls.capabilities().versions()).containsExactly("TLSv1.2");
        assertThat(tls.capabilities().cipherSuites()).contains(0xC02B, 0xC02F, 0xC009)
                .doesNotContain(0xCCA8, 0xCCA9, 0x009C, 0x002F);
        assertThat(tls.capabilities().sni()).isTrue();
        assertThat(tls.pemStyle().crlf()).isFalse();
    }
}
