package io.uplink.cloud.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.uplink.cloud.EndpointProfile;
import io.uplink.credentials.PemStyle;
import io.uplink.modem.Modem;
import io.uplink.modem.ModemCredentials;
import io.uplink.modem.ModemSettings;
import io.uplink.modem.ModemTls;
import io.uplink.modem.ProvisioningListener;
import io.uplink.modem.ProvisioningReport;
import io.uplink.modem.emulator.Bc660kEmulator;
import io.uplink.modem.emulator.Faults;
import io.uplink.modem.quectel.QuectelBc66Dialect;
import io.uplink.modem.serial.JSerialCommLink;
import io.uplink.modem.serial.ModemIdentification;
import io.uplink.modem.serial.PtyPair;
import io.uplink.modem.serial.SerialAtChannel;
import io.uplink.tls.TlsClientProfile;
import io.uplink.tls.bc.BcTlsEngine;
import io.uplink.tls.bc.ExternalProcess;
import io.uplink.tls.bc.TestPki;

import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The BC66/BC660K dialect over the real serial path (jSerialComm on a socat pseudo-terminal at 9,600 baud) to the
 * emulated BC660K-GL behind an NB-IoT link (300 ms one way, 3,000 bytes/s), written by another hand from the same
 * manual: host TLS 1.3 through its plain sockets, and its own TLS against a mosquitto limited to what it offers (RSA
 * key exchange, AES-CBC, TLS 1.2), each delivering QoS 1 messages; a second provisioning of the same certificates is
 * {@code unchanged} and sends nothing.
 */
class Bc66EndToEndTest {

    private static final int MESSAGES = 10;

    @TempDir
    Path dir;

    /** The gateway's side: the BC660K on a pty at 9,600 baud, its emulator on the other end. */
    private static final class Rig implements AutoCloseable {
        final PtyPair pty;
        final Bc660kEmulator emulator;
        final SerialAtChannel at;
        final Modem modem;

        Rig(Path dir, QuectelBc66Dialect dialect) throws Exception {
            this(dir, dialect, "push");
        }

        Rig(Path dir, QuectelBc66Dialect dialect, String receive) throws Exception {
            pty = new PtyPair(dir);
            emulator = new Bc660kEmulator(pty.modemLink(), Bc660kEmulator.NB_IOT_LINK, Faults.NONE, "");
            at = new SerialAtChannel(JSerialCommLink.open(pty.gatewayEnd.toString(), 9600, false));
            modem = dialect.attach(at, ModemIdentification.identify(at), new ModemSettings("iot.emulated", "", "",
                    "", 0, Map.of("registration.timeout.s", "60", "bc66.receive", receive)));
        }

        @Override
        public void close() throws Exception {
            modem.detach();
            at.close();
            emulator.close();
            pty.close();
        }
    }

    private ExternalProcess mosquitto(TestPki.Pki pki, int tlsPort, int plainPort, String... tlsLines)
            throws Exception {
        List<String> conf = new ArrayList<>(List.of("per_listener_settings true", "listener " + tlsPort,
                "allow_anonymous true", "certfile " + pki.file("server.pem"), "keyfile " + pki.file("server.key"),
                "cafile " + pki.file("ca.pem")));
        conf.addAll(List.of(tlsLines));
        conf.addAll(List.of("listener " + plainPort + " 127.0.0.1", "allow_anonymous true"));
        Path file = pki.dir().resolve("mosquitto-" + tlsPort + ".conf");
        Files.write(file, conf);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        ExternalProcess p = ExternalProcess.startOnPort(dir, List.of("mosquitto", "-c", file.toString()), Map.of(),
                tlsPort);
        awaitPort(plainPort);
        return p;
    }

    private static void awaitPort(int port) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
    }

    private static MqttClient subscribe(int plainPort, String name, Set<String> received) throws Exception {
        MqttClient subscriber = new MqttClient("tcp://127.0.0.1:" + plainPort, name, new MemoryPersistence());
        subscriber.connect();
        subscriber.subscribe("e2e/bc66", 1, (t, m) -> received.add(new String(m.getPayload(), StandardCharsets.UTF_8)));
        return subscriber;
    }

    private static void publishAndAwait(MqttCloudConnection c, Set<String> received) throws Exception {
        for (int i = 0; i < MESSAGES; i++) {
            c.publish("e2e/bc66", ("m" + i).getBytes(StandardCharsets.UTF_8), 1, false);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
        while ((received.size() < MESSAGES || c.queuedMessages() > 0) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(received).as("delivered: " + c.lastProblem()).hasSize(MESSAGES);
        assertThat(c.queuedMessages()).isZero();
    }

    /** Both receive modes: data pushed in the URC, and the module's buffer read with AT+QIRD. */
    @ParameterizedTest(name = "receive {0}")
    @ValueSource(strings = { "push", "buffer" })
    void hostTls13ThroughTheNbIotSocketsDeliversQos1(String receive) throws Exception {
        TestPki.Pki pki = TestPki.create(dir, false, "localhost");
        int tlsPort = ExternalProcess.freePort();
        int plainPort = ExternalProcess.freePort();
        ExternalProcess broker = mosquitto(pki, tlsPort, plainPort, "tls_version tlsv1.3");
        Set<String> received = ConcurrentHashMap.newKeySet();
        MqttClient subscriber = subscribe(plainPort, "bc66-host-sub-" + receive, received);
        try (Rig rig = new Rig(dir, new QuectelBc66Dialect(), receive)) {
            EndpointSettings settings = new EndpointSettings("bc66-host-" + receive, EndpointProfile.GENERIC,
                    "localhost",
                    tlsPort, "uplink-bc66-host-" + receive, 60, true, "", null, "host", "localhost", List.of(),
                    Duration.ofSeconds(120), 8, 10_000, 1L << 24);
            BcTlsEngine engine = new BcTlsEngine(List.of(), 0, Clock.systemUTC());
            try (MqttCloudConnection c = new MqttCloudConnection(settings, dir.resolve("host-" + receive + ".queue"),
                    rig.modem::transport, () -> engine, () -> TlsClientProfile.builder("localhost")
                            .trustAnchors(List.of(pki.ca().cert())))) {
                publishAndAwait(c, received);
                assertThat(c.path()).contains("TLSv1.3").contains("BC660K");
            }
        } finally {
            subscriber.disconnect();
            subscriber.close();
            broker.close();
        }
    }

    private static byte[] modemPem(String pem, PemStyle style) {
        String lf = pem.replace("\r\n", "\n");
        return (style.crlf() ? lf.replace("\n", "\r\n") : lf).getBytes(StandardCharsets.US_ASCII);
    }

    private static ModemTlsPath.CredentialSource files(TestPki.Pki pki) {
        return new ModemTlsPath.CredentialSource() {
            @Override
            public ModemCredentials trust(PemStyle style) throws IOException {
                return ModemCredentials.trust("bc66-ca", modemPem(Files.readString(pki.file("ca.pem")), style));
            }

            @Override
            public ModemCredentials identity(PemStyle style) throws IOException {
                return ModemCredentials.identity("bc66-id", null, modemPem(Files.readString(pki.file("client.pem")),
                        style), modemPem(Files.readString(pki.file("client.key")), style));
            }

            @Override
            public String describe() {
                return "trust bc66-ca, identity bc66-id (test files)";
            }
        };
    }

    @Test
    void mutualTlsInTheModuleToAnRsaKeyExchangeBrokerDeliversQos1AndReprovisioningSendsNothing() throws Exception {
        TestPki.Pki pki = TestPki.create(dir, true, "localhost");
        int tlsPort = ExternalProcess.freePort();
        int plainPort = ExternalProcess.freePort();
        ExternalProcess broker = mosquitto(pki, tlsPort, plainPort, "require_certificate true",
                "tls_version tlsv1.2", "ciphers AES128-SHA");
        Set<String> received = ConcurrentHashMap.newKeySet();
        MqttClient subscriber = subscribe(plainPort, "bc66-modem-sub", received);
        QuectelBc66Dialect dialect = new QuectelBc66Dialect();
        try (Rig rig = new Rig(dir, dialect)) {
            EndpointSettings settings = new EndpointSettings("bc66-modem", EndpointProfile.GENERIC, "localhost",
                    tlsPort, "uplink-bc66-modem", 60, true, "", null, "modem", "localhost", List.of(),
                    Duration.ofSeconds(120), 8, 10_000, 1L << 24);
            ModemTlsPath path = new ModemTlsPath(settings.endpointId(), () -> rig.modem, files(pki), "localhost");
            try (MqttCloudConnection c = new MqttCloudConnection(settings, dir.resolve("modem.queue"),
                    rig.modem::transport, () -> null, null, () -> null, path)) {
                publishAndAwait(c, received);
                assertThat(c.path()).containsIgnoringCase("modem's own TLS");
            }
            assertThat(rig.emulator.storedCertificates()).as("the module holds CA, certificate and key")
                    .containsOnlyKeys("cacert", "clientcert", "clientkey");

            ModemTls tls = rig.modem.tls().orElseThrow();
            ProvisioningReport again = tls.provision(files(pki).identity(tls.pemStyle()), ProvisioningListener.NONE);
            ProvisioningReport trustAgain = tls.provision(files(pki).trust(tls.pemStyle()),
                    ProvisioningListener.NONE);
            assertThat(again.unchanged()).as(again.toString()).isTrue();
            assertThat(trustAgain.unchanged()).as(trustAgain.toString()).isTrue();
            assertThat(again.bytesSent() + trustAgain.bytesSent()).isZero();
        } finally {
            subscriber.disconnect();
            subscriber.close();
            broker.close();
        }
    }
}
