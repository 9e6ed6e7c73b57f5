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
import io.uplink.modem.ModemIdentity;
import io.uplink.modem.ModemSettings;
import io.uplink.modem.ModemTls;
import io.uplink.modem.ProvisioningListener;
import io.uplink.modem.ProvisioningReport;
import io.uplink.modem.emulator.EmulatedModule;
import io.uplink.modem.emulator.ModuleSettings;
import io.uplink.modem.emulator.Personalities;
import io.uplink.modem.serial.JSerialCommLink;
import io.uplink.modem.serial.ModemIdentification;
import io.uplink.modem.serial.PtyPair;
import io.uplink.modem.serial.SerialAtChannel;
import io.uplink.modem.sierra.SierraHl78Dialect;
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
 * Issue 12's promise for the Sierra HL78xx over the real serial path: jSerialComm on a socat pseudo-terminal to
 * {@code emulator:hl7800} (its personality written from the same manual by another hand), identified by its answers
 * and attached by the HL78xx dialect, QoS 1 messages delivered to a real mosquitto: with host TLS (TLS 1.3 from the
 * gateway over the module's plain KTCP sessions) and with the module's own TLS (mutual TLS 1.2, RSA and ECDSA chains),
 * where a second provisioning of the same credentials sends nothing.
 */
class SierraEndToEndTest {

    @TempDir
    Path dir;

    /** The gateway's side: the HL7800 on a pty with the emulated module on the other end. */
    private static final class Rig implements AutoCloseable {
        final PtyPair pty;
        final EmulatedModule module;
        final SerialAtChannel at;
        final ModemIdentity identity;
        final Modem modem;

        Rig(Path dir) throws Exception {
            pty = new PtyPair(dir);
            module = Personalities.start("emulator:hl7800", pty.modemLink(), ModuleSettings.INSTANT);
            at = new SerialAtChannel(JSerialCommLink.open(pty.gatewayEnd.toString(), 115200, false));
            identity = ModemIdentification.identify(at);
            SierraHl78Dialect dialect = new SierraHl78Dialect();
            assertThat(dialect.matches(identity)).as("the HL78xx dialect recognises " + identity).isTrue();
            modem = dialect.attach(at, identity, new ModemSettings("iot.emulated", "", "", "", 1,
                    Map.of("registration.timeout.s", "10")));
        }

        ModemTls tls() {
            return modem.tls().orElseThrow();
        }

        @Override
        public void close() throws Exception {
            modem.detach();
            at.close();
            module.close();
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

    private static ModemTlsPath.CredentialSource files(TestPki.Pki pki) {
        return new ModemTlsPath.CredentialSource() {
            @Override
            public ModemCredentials trust(PemStyle style) throws IOException {
                return ModemCredentials.trust("e2e-ca", Files.readAllBytes(pki.file("ca.pem")));
            }

            @Override
            public ModemCredentials identity(PemStyle style) throws IOException {
                return ModemCredentials.identity("e2e-id", null, Files.readAllBytes(pki.file("client.pem")),
                        Files.readAllBytes(pki.file("client.key")));
            }

            @Override
            public String describe() {
                return "trust e2e-ca, identity e2e-id (test files)";
            }
        };
    }

    /** Publishes 20 QoS 1 messages and waits until the subscriber has all of them and the queue is empty. */
    private static void deliver(MqttCloudConnection c, Set<String> received, String topic) throws Exception {
        for (int i = 0; i < 20; i++) {
            c.publish(topic, ("m" + i).getBytes(StandardCharsets.UTF_8), 1, false);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while ((received.size() < 20 || c.queuedMessages() > 0) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(received).as("delivered: " + c.lastProblem()).hasSize(20);
        assertThat(c.queuedMessages()).isZero();
    }

    private static MqttClient subscriber(int plainPort, String id, String topic, Set<String> received)
            throws Exception {
        MqttClient s = new MqttClient("tcp://127.0.0.1:" + plainPort, id, new MemoryPersistence());
        s.connect();
        s.subscribe(topic, 1, (t, m) -> received.add(new String(m.getPayload(), StandardCharsets.UTF_8)));
        return s;
    }

    private static void close(MqttClient s) throws Exception {
        if (s.isConnected()) {
            s.disconnect();
        }
        s.close();
    }

    @Test
    void hostTls13OverTheModulesPlainSessionsDeliversQos1() throws Exception {
        TestPki.Pki pki = TestPki.create(dir, false, "localhost");
        int tlsPort = ExternalProcess.freePort();
        int plainPort = ExternalProcess.freePort();
        ExternalProcess broker = mosquitto(pki, tlsPort, plainPort, "tls_version tlsv1.3");
        Set<String> received = ConcurrentHashMap.newKeySet();
        MqttClient sub = subscriber(plainPort, "e2e-sub-host", "e2e/sierra-host", received);
        try (Rig rig = new Rig(dir)) {
            EndpointSettings settings = new EndpointSettings("e2e-host", EndpointProfile.GENERIC, "localhost",
                    tlsPort, "uplink-e2e-host", 30, true, "", null, "host", "localhost", List.of(),
                    Duration.ofSeconds(60), 8, 10_000, 1L << 24);
            BcTlsEngine engine = new BcTlsEngine(List.of(), 0, Clock.systemUTC());
            try (MqttCloudConnection c = new MqttCloudConnection(settings, dir.resolve("host.queue"),
                    rig.modem::transport, () -> engine, () -> TlsClientProfile.builder("localhost")
                            .trustAnchors(List.of(pki.ca().cert())).versions(Set.of("TLSv1.3")))) {
                deliver(c, received, "e2e/sierra-host");
                assertThat(c.path()).contains("TLSv1.3").contains("Sierra Wireless");
            }
        } finally {
            close(sub);
            broker.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "RSA", "ECDSA" })
    void mutualTls12InTheModuleDeliversQos1AndReprovisioningSendsNothing(String keys) throws Exception {
        TestPki.Pki pki = TestPki.create(dir, keys.equals("RSA"), "localhost");
        int tlsPort = ExternalProcess.freePort();
        int plainPort = ExternalProcess.freePort();
        ExternalProcess broker = mosquitto(pki, tlsPort, plainPort, "require_certificate true",
                "tls_version tlsv1.2");
        Set<String> received = ConcurrentHashMap.newKeySet();
        MqttClient sub = subscriber(plainPort, "e2e-sub-" + keys, "e2e/sierra-modem", received);
        try (Rig rig = new Rig(dir)) {
            EndpointSettings settings = new EndpointSettings("e2e-" + keys, EndpointProfile.GENERIC, "localhost",
                    tlsPort, "uplink-e2e-" + keys, 30, true, "", null, "modem", "localhost", List.of(),
                    Duration.ofSeconds(60), 8, 10_000, 1L << 24);
            ModemTlsPath path = new ModemTlsPath(settings.endpointId(), () -> rig.modem, files(pki), "localhost");
            try (MqttCloudConnection c = new MqttCloudConnection(settings, dir.resolve("modem.queue"),
                    rig.modem::transport, () -> null, null, () -> null, path)) {
                deliver(c, received, "e2e/sierra-modem");
                assertThat(c.path()).contains("TLS").containsIgnoringCase("modem");
            }
            assertThat(rig.tls().stored()).extracting(s -> s.name() + ":" + s.kind()).containsExactlyInAnyOrder(
                    "e2e-ca:CA_CERTIFICATES", "e2e-id:CLIENT_CERTIFICATE", "e2e-id:PRIVATE_KEY");

            ProvisioningReport again = rig.tls().provision(files(pki).identity(rig.tls().pemStyle()),
                    ProvisioningListener.NONE);
            ProvisioningReport trustAgain = rig.tls().provision(files(pki).trust(rig.tls().pemStyle()),
                    ProvisioningListener.NONE);
            assertThat(again.unchanged()).as(again.toString()).isTrue();
            assertThat(trustAgain.unchanged()).as(trustAgain.toString()).isTrue();
            assertThat(again.bytesSent() + trustAgain.bytesSent()).isZero();
        } finally {
            close(sub);
            broker.close();
        }
    }
}
