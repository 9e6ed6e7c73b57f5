package io.uplink.cloud.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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
import io.uplink.modem.ModemException;
import io.uplink.modem.ModemSettings;
import io.uplink.modem.ModemTls;
import io.uplink.modem.ProvisioningListener;
import io.uplink.modem.ProvisioningReport;
import io.uplink.modem.emulator.Bg95Emulator;
import io.uplink.modem.emulator.Faults;
import io.uplink.modem.emulator.LinkModel;
import io.uplink.modem.serial.PtyPair;
import io.uplink.modem.quectel.QuectelBg9xDialect;
import io.uplink.modem.serial.JSerialCommLink;
import io.uplink.modem.serial.ModemIdentification;
import io.uplink.modem.serial.SerialAtChannel;
import io.uplink.tls.bc.ExternalProcess;
import io.uplink.tls.bc.TestPki;

import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 11's promises over the real serial path (jSerialComm on a socat pseudo-terminal) to the emulated BG95, whose
 * own TLS client is real: mutual TLS 1.2 in the modem to a mosquitto that requires client certificates, with RSA and
 * ECDSA chains; a second provisioning of the same credentials is {@code unchanged} and sends no file byte; a corrupted
 * upload is caught by the read-back and nothing half-stored is used.
 */
class ModemTlsEndToEndTest {

    @TempDir
    Path dir;

    /** The gateway's side: the BG95 on a pty with its emulator on the other end. */
    private static final class Rig implements AutoCloseable {
        final PtyPair pty;
        final Bg95Emulator emulator;
        final SerialAtChannel at;
        final Modem modem;

        Rig(Path dir) throws Exception {
            pty = new PtyPair(dir);
            emulator = new Bg95Emulator(pty.modemLink(), LinkModel.INSTANT, Faults.NONE, "");
            at = new SerialAtChannel(JSerialCommLink.open(pty.gatewayEnd.toString(), 115200, false));
            modem = new QuectelBg9xDialect().attach(at, ModemIdentification.identify(at),
                    new ModemSettings("iot.emulated", "", "", "", 1, Map.of("registration.timeout.s", "10")));
        }

        ModemTls tls() {
            return modem.tls().orElseThrow();
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

    private static byte[] modemPem(String pem, PemStyle style) {
        String lf = pem.replace("\r\n", "\n");
        return (style.crlf() ? lf.replace("\n", "\r\n") : lf).getBytes(StandardCharsets.US_ASCII);
    }

    private static ModemTlsPath.CredentialSource files(TestPki.Pki pki) {
        return new ModemTlsPath.CredentialSource() {
            @Override
            public ModemCredentials trust(PemStyle style) throws IOException {
                return ModemCredentials.trust("e2e-ca", modemPem(Files.readString(pki.file("ca.pem")), style));
            }

            @Override
            public ModemCredentials identity(PemStyle style) throws IOException {
                return ModemCredentials.identity("e2e-id", null, modemPem(Files.readString(pki.file("client.pem")),
                        style), modemPem(Files.readString(pki.file("client.key")), style));
            }

            @Override
            public String describe() {
                return "trust e2e-ca, identity e2e-id (test files)";
            }
        };
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "RSA", "ECDSA" })
    void mutualTls12InTheModemDeliversQos1AndReprovisioningSendsNothing(String keys) throws Exception {
        TestPki.Pki pki = TestPki.create(dir, keys.equals("RSA"), "localhost");
        int tlsPort = ExternalProcess.freePort();
        int plainPort = ExternalProcess.freePort();
        ExternalProcess broker = mosquitto(pki, tlsPort, plainPort, "require_certificate true",
                "tls_version tlsv1.2");
        Set<String> received = ConcurrentHashMap.newKeySet();
        MqttClient subscriber = new MqttClient("tcp://127.0.0.1:" + plainPort, "e2e-sub-" + keys,
                new MemoryPersistence());
        try (Rig rig = new Rig(dir)) {
            subscriber.connect();
            subscriber.subscribe("e2e/modem-tls", 1,
                    (t, m) -> received.add(new String(m.getPayload(), StandardCharsets.UTF_8)));
            EndpointSettings settings = new EndpointSettings("e2e-" + keys, EndpointProfile.GENERIC, "localhost",
                    tlsPort, "uplink-e2e-" + keys, 30, true, "", null, "modem", "localhost", List.of(),
                    Duration.ofSeconds(60), 8, 10_000, 1L << 24);
            ModemTlsPath path = new ModemTlsPath(settings.endpointId(), () -> rig.modem, files(pki), "localhost");
            try (MqttCloudConnection c = new MqttCloudConnection(settings, dir.resolve("e2e.queue"),
                    rig.modem::transport, () -> null, null, () -> null, path)) {
                for (int i = 0; i < 20; i++) {
                    c.publish("e2e/modem-tls", ("m" + i).getBytes(StandardCharsets.UTF_8), 1, false);
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                while ((received.size() < 20 || c.queuedMessages() > 0) && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                assertThat(received).as("delivered through the modem's TLS: " + c.lastProblem()).hasSize(20);
                assertThat(c.queuedMessages()).isZero();
                assertThat(c.path()).contains("TLS").containsIgnoringCase("modem");
            }
            assertThat(rig.emulator.storedFiles()).as("the module holds the CA, certificate and key").hasSize(3);

            // The same credentials again: compared, nothing sent.
            long before = rig.emulator.fileBytesReceived();
            ProvisioningReport again = rig.tls().provision(files(pki).identity(rig.tls().pemStyle()),
                    ProvisioningListener.NONE);
            ProvisioningReport trustAgain = rig.tls().provision(files(pki).trust(rig.tls().pemStyle()),
                    ProvisioningListener.NONE);
            assertThat(again.unchanged()).as(again.toString()).isTrue();
            assertThat(trustAgain.unchanged()).as(trustAgain.toString()).isTrue();
            assertThat(again.bytesSent() + trustAgain.bytesSent()).isZero();
            assertThat(rig.emulator.fileBytesReceived() - before).as("file bytes over the serial line").isZero();
        } finally {
            if (subscriber.isConnected()) {
                subscriber.disconnect();
            }
            subscriber.close();
            broker.close();
        }
    }

    @Test
    void aCorruptedUploadIsCaughtByTheReadBackAndNothingHalfStoredIsUsed() throws Exception {
        TestPki.Pki pki = TestPki.create(dir, false, "localhost");
        try (Rig rig = new Rig(dir)) {
            rig.emulator.setUploadCorruption(true);
            ModemCredentials id = files(pki).identity(rig.tls().pemStyle());
            assertThatThrownBy(() -> rig.tls().provision(id, ProvisioningListener.NONE))
                    .isInstanceOf(ModemException.class).hasMessageContaining("checksum");
            assertThat(rig.tls().stored()).as("nothing half-stored is listed as usable")
                    .noneMatch(s -> s.name().equals("e2e-id"));
            rig.emulator.setUploadCorruption(false);
            ProvisioningReport ok = rig.tls().provision(id, ProvisioningListener.NONE);
            assertThat(ok.unchanged()).isFalse();
            assertThat(rig.tls().stored()).anyMatch(s -> s.name().equals("e2e-id"));
        }
    }
}
