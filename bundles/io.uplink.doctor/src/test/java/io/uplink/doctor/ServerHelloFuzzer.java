package io.uplink.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import io.uplink.credentials.SignedJarsFirst;
import io.uplink.tls.TlsClientProfile;
import io.uplink.tls.bc.BcTlsEngine;
import io.uplink.transport.Connection;
import io.uplink.transport.Transport;

import org.junit.jupiter.api.BeforeAll;

/**
 * Coverage-guided fuzzing of the probe's reading of a server's answer to one ClientHello (docs/FUZZING.md): any
 * bytes (a ServerHello and what follows, garbage, a plain-text service), then a close or silence, through the real
 * TLS engine. The contract of {@link BrokerProbe#attempt}: an answer, never an exception from the server's bytes; the
 * chain it reports is bounded; and a suite counts as accepted only when the server chose that suite.
 */
class ServerHelloFuzzer {

    /** Before Jazzer installs its agent (the fork could deadlock otherwise): see {@link SignedJarsFirst}. */
    @BeforeAll
    static void checkSignedJarsFirst() throws IOException {
        SignedJarsFirst.verifyNow();
    }

    private static final BcTlsEngine ENGINE = new BcTlsEngine(List.of(), 0, Clock.systemUTC());
    private static final String[] SUITES_12 = BrokerProbe.SUITES.get(TlsClientProfile.TLS_1_2).toArray(new String[0]);
    private static final String[] SUITES_13 = BrokerProbe.SUITES.get(TlsClientProfile.TLS_1_3).toArray(new String[0]);

    @FuzzTest
    void readsAnyServerAnswer(FuzzedDataProvider in) throws IOException {
        boolean tls13 = in.consumeBoolean();
        boolean silentAtEnd = in.consumeBoolean();
        String suite = in.pickValue(tls13 ? SUITES_13 : SUITES_12);
        byte[] server = in.consumeRemainingAsBytes();
        FuzzedConnection connection = new FuzzedConnection(server, silentAtEnd);
        Transport transport = new Transport() {
            @Override
            public Connection connect(String host, int port, Duration timeout) {
                return connection;
            }

            @Override
            public String describe() {
                return "fuzz";
            }

            @Override
            public int maxConnections() {
                return 1;
            }
        };
        BrokerProbe probe = new BrokerProbe(ENGINE, transport, Duration.ofSeconds(5));

        BrokerProbe.Attempt a = probe.attempt("192.0.2.1", 8883, "192.0.2.1",
                Set.of(tls13 ? TlsClientProfile.TLS_1_3 : TlsClientProfile.TLS_1_2), List.of(suite));

        assertThat(a.outcome()).isNotBlank().hasSizeLessThan(500);
        assertThat(a.chain().size()).isLessThanOrEqualTo(server.length / 16 + 1);
        if (a.kind() == BrokerProbe.Kind.ACCEPTED) {
            assertThat(chosenSuite(server)).as("the suite the ServerHello chose").isEqualTo(suiteCode(suite));
        }
        assertThat(connection.isOpen()).isFalse();
    }

    /** The cipher suite field of a ServerHello that starts the server's first record, or -1. */
    private static int chosenSuite(byte[] s) {
        // record header (5) + handshake header (4) + legacy version (2) + random (32) + session id length (1)
        int at = 5 + 4 + 2 + 32;
        if (s.length <= at || s[0] != 22 || s[5] != 2) {
            return -1;
        }
        int suiteAt = at + 1 + (s[at] & 0xFF);
        return s.length < suiteAt + 2 ? -1 : (s[suiteAt] & 0xFF) << 8 | s[suiteAt + 1] & 0xFF;
    }

    private static int suiteCode(String name) {
        return switch (name) {
        case "TLS_AES_128_GCM_SHA256" -> 0x1301;
        case "TLS_AES_256_GCM_SHA384" -> 0x1302;
        case "TLS_CHACHA20_POLY1305_SHA256" -> 0x1303;
        case "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256" -> 0xC02B;
        case "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384" -> 0xC02C;
        case "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256" -> 0xCCA9;
        case "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256" -> 0xC02F;
        case "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384" -> 0xC030;
        case "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256" -> 0xCCA8;
        case "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA" -> 0xC009;
        case "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA" -> 0xC013;
        case "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA" -> 0xC014;
        case "TLS_RSA_WITH_AES_128_GCM_SHA256" -> 0x009C;
        case "TLS_RSA_WITH_AES_256_GCM_SHA384" -> 0x009D;
        case "TLS_RSA_WITH_AES_128_CBC_SHA" -> 0x002F;
        case "TLS_RSA_WITH_AES_256_CBC_SHA" -> 0x0035;
        case "TLS_RSA_WITH_3DES_EDE_CBC_SHA" -> 0x000A;
        default -> throw new IllegalArgumentException(name);
        };
    }
}
