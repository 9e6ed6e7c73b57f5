package io.uplink.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.uplink.tls.TlsClientProfile;
import io.uplink.tls.bc.BcTlsEngine;
import io.uplink.transport.Connection;
import io.uplink.transport.Transport;

/** Server answers found by {@link ServerHelloFuzzer} that the probe counted as an accepted suite. */
class ProbeServerHelloTest {

    private static BrokerProbe.Attempt attempt(String suite, int... server) throws IOException {
        byte[] bytes = new byte[server.length];
        for (int i = 0; i < server.length; i++) {
            bytes[i] = (byte) server[i];
        }
        Connection c = new FuzzedConnection(bytes, false);
        Transport t = new Transport() {
            @Override
            public Connection connect(String host, int port, Duration timeout) {
                return c;
            }

            @Override
            public String describe() {
                return "test";
            }

            @Override
            public int maxConnections() {
                return 1;
            }
        };
        return new BrokerProbe(new BcTlsEngine(List.of(), 0, Clock.systemUTC()), t, Duration.ofSeconds(5))
                .attempt("192.0.2.1", 8883, "192.0.2.1", Set.of(TlsClientProfile.TLS_1_2), List.of(suite));
    }

    @Test
    void anEmptyServerHelloIsNoAcceptance() throws IOException {
        // Fuzzer input: a handshake record (16 00 00 00 09) holding a ServerHello of length 0, then garbage. Was:
        // "accepted", because the hello was seen before the engine failed to read it.
        BrokerProbe.Attempt a = attempt("TLS_RSA_WITH_3DES_EDE_CBC_SHA", 0x16, 0x00, 0x00, 0x00, 0x09, 0x02, 0x00,
                0x00, 0x00, 0x00, 0x00, 0x27, 0x00, 0x01, 0x00, 0x69);
        assertThat(a.kind()).isNotEqualTo(BrokerProbe.Kind.ACCEPTED);
        assertThat(a.outcome()).isNotEqualTo("ok");
    }

    @Test
    void aServerHelloChoosingASuiteNotOfferedIsNoAcceptance() throws IOException {
        // A well-formed TLS 1.2 ServerHello choosing TLS_RSA_WITH_AES_128_CBC_SHA (00 2F) when only 3DES was offered.
        int[] hello = new int[5 + 4 + 2 + 32 + 1 + 2 + 1];
        int[] head = { 0x16, 0x03, 0x03, 0x00, 4 + 2 + 32 + 1 + 2 + 1, 0x02, 0x00, 0x00, 2 + 32 + 1 + 2 + 1, 0x03,
            0x03 };
        System.arraycopy(head, 0, hello, 0, head.length);
        hello[5 + 4 + 2 + 32 + 1] = 0x00;
        hello[5 + 4 + 2 + 32 + 2] = 0x2F;
        assertThat(attempt("TLS_RSA_WITH_3DES_EDE_CBC_SHA", hello).kind()).isNotEqualTo(BrokerProbe.Kind.ACCEPTED);
    }

    @Test
    void theChoiceIsReadFromTheEnginesNotes() {
        Set<String> v12 = Set.of(TlsClientProfile.TLS_1_2);
        List<String> aes = List.of("TLS_RSA_WITH_AES_128_CBC_SHA");
        assertThat(BrokerProbe.choseOffered("182-byte message; server chose TLSv1.2; suite TLS_RSA_WITH_AES_128_CBC_SHA",
                v12, aes)).isTrue();
        assertThat(BrokerProbe.choseOffered("182-byte message", v12, aes)).isFalse();
        assertThat(BrokerProbe.choseOffered("x; server chose TLSv1.3; suite TLS_RSA_WITH_AES_128_CBC_SHA", v12, aes))
                .isFalse();
        assertThat(BrokerProbe.choseOffered("x; suite TLS_AES_128_GCM_SHA256", v12, aes)).isFalse();
        assertThat(BrokerProbe.choseOffered("x; suite TLS_AES_128_GCM_SHA256", v12, List.of())).isTrue();
    }
}
