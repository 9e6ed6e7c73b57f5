package io.uplink.tls.bc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import io.uplink.tls.TlsClientProfile;
import io.uplink.tls.TlsSession;
import io.uplink.tls.TraceEvent;
import io.uplink.transport.ConnectionSocketFactory;
import io.uplink.transport.os.OsSocketTransport;
import io.uplink.transport.os.SocketSettings;

import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real mosquitto listeners (TLS 1.3 only; TLS 1.2 with ChaCha20 only; client certificates required with RSA-2048
 * and ECDSA P-256 chains): the engine connects through Paho and the SocketFactory, MQTT messages make the round
 * trip, and the trace shows what was negotiated.
 */
class MosquittoTlsTest {

    @TempDir
    Path dir;

    private final OsSocketTransport transport = new OsSocketTransport(SocketSettings.DEFAULTS);
    private final BcTlsEngine engine = new BcTlsEngine(List.of(), 16, Clock.systemUTC());

    private ExternalProcess mosquitto(TestPki.Pki pki, List<String> tlsLines, Map<String, String> env)
            throws Exception {
        int port = ExternalProcess.freePort();
        List<String> conf = new ArrayList<>(List.of("per_listener_settings true", "listener " + port + " 127.0.0.1",
                "allow_anonymous true", "certfile " + pki.file("server.pem"), "keyfile " + pki.file("server.key"),
                "cafile " + pki.file("ca.pem")));
        conf.addAll(tlsLines);
        Path file = pki.dir().resolve("mosquitto-" + port + ".conf");
        Files.write(file, conf);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        return ExternalProcess.startOnPort(dir, List.of("mosquitto", "-c", file.toString()), env, port);
    }

    /** Publishes through the broker and receives the message back, over our TLS, with Paho. */
    private TlsSession roundTrip(int port, TlsClientProfile profile) throws Exception {
        List<TlsSession> sessions = new ArrayList<>();
        io.uplink.tls.TlsEngine recordingEngine = (c, p) -> {
            TlsSession s = engine.handshake(c, p);
            sessions.add(s);
            return s;
        };
        MqttClient client = new MqttClient("tcp://127.0.0.1:" + port, "uplink-test-" + port, new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setSocketFactory(new ConnectionSocketFactory((host, p, timeout) -> recordingEngine.handshake(
                transport.connect(host, p, timeout), profile)));
        options.setCleanSession(true);
        options.setConnectionTimeout(15);
        BlockingQueue<String> received = new ArrayBlockingQueue<>(4);
        client.connect(options);
        try {
            client.subscribe("uplink/test", 1, (topic, m) -> received.add(new String(m.getPayload(),
                    StandardCharsets.UTF_8)));
            MqttMessage m = new MqttMessage("hello over TLS".getBytes(StandardCharsets.UTF_8));
            m.setQos(1);
            client.publish("uplink/test", m);
            // Stay connected past Paho's 1 s read timeouts: the session must survive them.
            Thread.sleep(1500);
            assertThat(received.poll(15, TimeUnit.SECONDS)).isEqualTo("hello over TLS");
        } finally {
            client.disconnect();
            client.close();
        }
        assertThat(sessions).hasSize(1);
        return sessions.get(0);
    }

    private static String detailOf(TlsSession s, String type) {
        return s.trace().events().stream().filter(e -> e.type().equals(type)).map(TraceEvent::detail)
                .reduce("", (a, b) -> a + " | " + b);
    }

    @Test
    void tls13OnlyBroker() throws Exception {
        TestPki.Pki pki = TestPki.create(dir, false);
        try (ExternalProcess broker = mosquitto(pki, List.of("tls_version tlsv1.3"), Map.of())) {
            TlsSession s = roundTrip(broker.port, TlsClientProfile.builder("localhost")
                    .trustAnchors(List.of(pki.ca().cert())).build());
            assertThat(s.protocol()).isEqualTo("TLSv1.3");
            assertThat(detailOf(s, "ServerHello")).contains("server chose TLSv1.3").contains("suite TLS_AES_");
            assertThat(detailOf(s, "Certificate")).contains("CN=localhost");
            assertThat(s.trace().events()).extracting(TraceEvent::type).contains("ClientHello", "ServerHello",
                    "EncryptedExtensions", "Certificate", "CertificateVerify", "Finished");
        }
    }

    @Test
    void tls12OnlyBrokerWithChaCha20Only() throws Exception {
        TestPki.Pki pki = TestPki.create(dir, true);
        Path opensslConf = dir.resolve("openssl-tls12.cnf");
        Files.writeString(opensslConf, String.join("\n", "openssl_conf = default_conf", "[default_conf]",
                "ssl_conf = ssl_sect", "[ssl_sect]", "system_default = system_default_sect", "[system_default_sect]",
                "MaxProtocol = TLSv1.2", ""));
        Files.setPosixFilePermissions(opensslConf, PosixFilePermissions.fromString("rw-r--r--"));
        try (ExternalProcess broker = mosquitto(pki, List.of("tls_version tlsv1.2",
                "ciphers ECDHE-RSA-CHACHA20-POLY1305"), Map.of("OPENSSL_CONF", opensslConf.toString()))) {
            TlsSession s = roundTrip(broker.port, TlsClientProfile.builder("localhost")
                    .trustAnchors(List.of(pki.ca().cert())).build());
            assertThat(s.protocol()).isEqualTo("TLSv1.2");
            assertThat(s.cipherSuite()).isEqualTo("TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");
            assertThat(detailOf(s, "ServerHello")).contains("TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");
        }
    }

    @Test
    void clientCertificateRequiredWithAnRsa2048Chain() throws Exception {
        mutual(true);
    }

    @Test
    void clientCertificateRequiredWithAnEcdsaP256Chain() throws Exception {
        mutual(false);
    }

    private void mutual(boolean rsa) throws Exception {
        TestPki.Pki pki = TestPki.create(dir, rsa);
        try (ExternalProcess broker = mosquitto(pki, List.of("require_certificate true",
                "use_identity_as_username true"), Map.of())) {
            TlsSession s = roundTrip(broker.port, TlsClientProfile.builder("localhost")
                    .trustAnchors(List.of(pki.ca().cert())).clientIdentity(pki.clientIdentity()).build());
            assertThat(detailOf(s, "CertificateRequest")).contains("sending CN=test-device");
            assertThat(s.trace().events()).anyMatch(e -> e.direction() == TraceEvent.Direction.SENT
                    && e.type().equals("CertificateVerify") && e.size() > 0);
        }
    }
}
