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
import io.uplink.modem.emulator.Faults;
import io.uplink.modem.emulator.LinkModel;
import io.uplink.modem.emulator.Nrf9160Emulator;
import io.uplink.modem.nordic.NordicSlmDialect;
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

/**
 * Issue 12's nRF91 promises over the real serial path (jSerialComm on a socat pseudo-terminal) to emulator:nrf9160:
 * host TLS (TLS 1.3 by the gateway over the modem's #XSOCKET sockets) and the modem's own TLS (mutual TLS 1.2 with
 * #XSSOCKET, credentials provisioned with %CMNG while the modem is online, so through CFUN=4 and back) each deliver
 * QoS 1 messages to a real mosquitto; provisioning the same credentials again sends nothing.
 */
class NordicEndToEndTest {

    @TempDir
    Path dir;

    private static final class Rig implements AutoCloseable {
        final PtyPair pty;
        final Nrf9160Emulator emulator;
        final SerialAtChannel at;
        final Modem modem;

        Rig(Path dir) throws Exception {
            pty = new PtyPair(dir);
            emulator = new Nrf9160Emulator(pty.modemLink(), LinkModel.INSTANT, Faults.NONE, "");
            at = new SerialAtChannel(JSerialCommLink.open(pty.gatewayEnd.toString(), 115200, false));
            modem = new NordicSlmDialect().attach(at, ModemIdentification.identify(at),
                    new ModemSettings("iot.emulated", "", "", "", 1, Map.of("registration.timeout.s", "20")));
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

    /** Publishes {@code count} QoS 1 messages through a connection and waits until the subscriber has them all. */
    private static void deliver(MqttCloudConnection c, Set<String> received, String topic, int count)
            throws Exception {
        for (int i = 0; i < count; i++) {
            c.publish(topic, ("m" + i).getBytes(StandardCharsets.UTF_8), 1, false);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while ((received.size() < count || c.queuedMessages() > 0) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(received).as("delivered: " + c.lastProblem()).hasSize(count);
        assertThat(c.queuedMessages()).isZero();
    }

    @Test
    void hostTls13AndMutualModemTls12BothDeliverQos1ToMosquitto() throws Exception {
        TestPki.Pki pki = TestPki.create(dir, false, "localhost");
        int tlsPort = ExternalProcess.freePort();
        int plainPort = ExternalProcess.freePort();
        ExternalProcess broker = mosquitto(pki, tlsPort, plainPort, "require_certificate true");
        Set<String> hostReceived = ConcurrentHashMap.newKeySet();
        Set<String> modemReceived = ConcurrentHashMap.newKeySet();
        MqttClient subscriber = new MqttClient("tcp://127.0.0.1:" + plainPort, "nrf-e2e-sub", new MemoryPersistence());
        try (Rig rig = new Rig(dir)) {
            subscriber.connect();
            subscriber.subscribe("e2e/nrf/host", 1,
                    (t, m) -> hostReceived.add(new String(m.getPayload(), StandardCharsets.UTF_8)));
            subscriber.subscribe("e2e/nrf/modem", 1,
                    (t, m) -> modemReceived.add(new String(m.getPayload(), StandardCharsets.UTF_8)));

            // Host TLS: the gateway's TLS 1.3 over the modem's plain sockets.
            EndpointSettings host = new EndpointSettings("nrf-host", EndpointProfile.GENERIC, "localhost", tlsPort,
                    "uplink-nrf-host", 30, true, "", null, "host", "localhost", List.of(), Duration.ofSeconds(60), 8,
                    10_000, 1L << 24);
            BcTlsEngine engine = new BcTlsEngine(List.of(), 0, Clock.systemUTC());
            io.uplink.credentials.ClientIdentity id = new io.uplink.credentials.ClientIdentity("e2e-id",
                    List.of(pki.client().cert()), pki.client().key());
            try (MqttCloudConnection c = new MqttCloudConnection(host, dir.resolve("host.queue"), rig.modem::transport,
                    () -> engine, () -> TlsClientProfile.builder("localhost").trustAnchors(List.of(pki.ca().cert()))
                            .clientIdentity(id))) {
                deliver(c, hostReceived, "e2e/nrf/host", 20);
                assertThat(c.path()).contains("TLSv1.3").contains("nRF9160");
            }

            // Modem TLS: provisioned while online (through CFUN=4 and back), then #XSSOCKET with TLS_HOSTNAME.
            EndpointSettings modemTls = new EndpointSettings("nrf-modem", EndpointProfile.GENERIC, "localhost",
                    tlsPort, "uplink-nrf-modem", 30, true, "", null, "modem", "localhost", List.of(),
                    Duration.ofSeconds(60), 8, 10_000, 1L << 24);
            ModemTlsPath path = new ModemTlsPath(modemTls.endpointId(), () -> rig.modem, files(pki), "localhost");
            try (MqttCloudConnection c = new MqttCloudConnection(modemTls, dir.resolve("modem.queue"),
                    rig.modem::transport, () -> null, null, () -> null, path)) {
                deliver(c, modemReceived, "e2e/nrf/modem", 20);
                assertThat(c.path()).containsIgnoringCase("modem's own TLS").contains("TLSv1.2");
            }

            // A TLS_HOSTNAME the server's certificate does not name fails the modem's handshake (the name is checked).
            io.uplink.modem.ModemTlsProfile wrong = io.uplink.modem.ModemTlsProfile.builder()
                    .serverName("wrong.example").trustSet("e2e-ca").build();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> rig.tls().connect("localhost", tlsPort,
                    Duration.ofSeconds(20), wrong)).isInstanceOf(io.uplink.transport.TransportException.class)
                    .hasMessageContaining("wrong.example");

            // The same credentials again: compared by the listed SHA-256, nothing written.
            ProvisioningReport again = rig.tls().provision(files(pki).identity(rig.tls().pemStyle()),
                    ProvisioningListener.NONE);
            ProvisioningReport trustAgain = rig.tls().provision(files(pki).trust(rig.tls().pemStyle()),
                    ProvisioningListener.NONE);
            assertThat(again.unchanged()).as(again.toString()).isTrue();
            assertThat(trustAgain.unchanged()).as(trustAgain.toString()).isTrue();
            assertThat(again.bytesSent() + trustAgain.bytesSent()).isZero();
        } finally {
            if (subscriber.isConnected()) {
                subscriber.disconnect();
            }
            subscriber.close();
            broker.close();
        }
    }
}
