package io.uplink.itest;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.uplink.cloud.CloudConnection;
import io.uplink.cloud.ConnectionState;
import io.uplink.credentials.CredentialStore;
import io.uplink.tls.TlsEngine;

import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.context.BundleContextExtension;
import org.osgi.test.junit5.service.ServiceExtension;
import org.osgi.util.tracker.ServiceTracker;

/**
 * Host TLS in the framework: an endpoint whose client certificate and CA come from the credential store publishes to
 * mosquitto requiring client certificates; the TLS bundle is stopped and started mid-stream. The connection is closed
 * when its engine goes away, made again with the new one, and nothing is lost. The PKI is made with openssl.
 */
@ExtendWith(BundleContextExtension.class)
@ExtendWith(ServiceExtension.class)
class TlsRestartTest {

    private static final long WAIT_MILLIS = TimeUnit.SECONDS.toMillis(90);
    private static final int MESSAGES = 400;

    @InjectBundleContext
    BundleContext context;

    @InjectService
    ConfigurationAdmin configAdmin;

    @InjectService
    CredentialStore credentials;

    private Path dir;
    private Process mosquitto;
    private int port;
    private int plainPort;
    private Configuration endpoint;

    @BeforeEach
    void pkiAndBroker() throws Exception {
        ItestPki pki = ItestPki.create("uplink-itest-tls", "uplink-itest-tls", false);
        dir = pki.dir();
        credentials.importCredential("itest-ca", Files.readAllBytes(pki.file("ca.pem")), null);
        credentials.importCredential("itest-device", pki.deviceIdentity(), null);

        try (ServerSocket s = new ServerSocket(0); ServerSocket t = new ServerSocket(0)) {
            port = s.getLocalPort();
            plainPort = t.getLocalPort();
        }
        Path conf = dir.resolve("mosquitto.conf");
        Files.writeString(conf, String.join("\n", "listener " + port + " 127.0.0.1", "allow_anonymous true",
                "cafile " + dir.resolve("ca.pem"), "certfile " + dir.resolve("server.pem"), "keyfile "
                        + dir.resolve("server.key"), "require_certificate true", "max_queued_messages 100000",
                "listener " + plainPort + " 127.0.0.1", "allow_anonymous true", ""));
        mosquitto = Fixtures.startMosquitto(conf, port);
    }

    @AfterEach
    void cleanUp() throws Exception {
        if (endpoint != null) {
            endpoint.delete();
        }
        credentials.delete("itest-ca");
        credentials.delete("itest-device");
        mosquitto.destroy();
        mosquitto.waitFor(20, TimeUnit.SECONDS);
    }

    @Test
    void publishesThroughARestartOfTheTlsBundleWithoutLoss() throws Exception {
        Set<String> received = ConcurrentHashMap.newKeySet();
        // The counting subscriber stays on a plain listener of the same broker, unaffected by the swap.
        MqttClient subscriber = new MqttClient("tcp://127.0.0.1:" + plainPort, "itest-tls-sub",
                new MemoryPersistence());
        subscriber.connect();
        subscriber.subscribe("itest/tls", 1,
                (topic, message) -> received.add(new String(message.getPayload(), StandardCharsets.UTF_8)));
        endpoint = configAdmin.createFactoryConfiguration("io.uplink.cloud.mqtt", "?");
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("cloud.endpoint.id", "itest-tls");
        props.put("host", "localhost");
        props.put("port", port);
        props.put("client.id", "uplink-itest-tls");
        props.put("tls.mode", "host");
        props.put("transport", "os");
        props.put("credentials.alias", "itest-device");
        props.put("trust.alias", "itest-ca");
        endpoint.update(props);
        ServiceTracker<CloudConnection, CloudConnection> tracker = new ServiceTracker<>(context,
                context.createFilter("(&(objectClass=" + CloudConnection.class.getName() + ")("
                        + CloudConnection.ENDPOINT_ID + "=itest-tls))"), null);
        tracker.open();
        ServiceTracker<TlsEngine, TlsEngine> engines = new ServiceTracker<>(context, TlsEngine.class, null);
        engines.open();
        Bundle tls = Fixtures.bundle(context, "io.uplink.tls.bc");
        try {
            CloudConnection cloud = tracker.waitForService(WAIT_MILLIS);
            assertThat(cloud).as("CloudConnection for the configured endpoint").isNotNull();
            for (int i = 0; i < MESSAGES; i++) {
                cloud.publish("itest/tls", Integer.toString(i).getBytes(StandardCharsets.UTF_8), 1, false);
                if (i == MESSAGES / 4) {
                    awaitDelivered(received, i / 2); // flowing over TLS
                    tls.stop();
                    Fixtures.awaitGone(engines, WAIT_MILLIS);
                } else if (i == MESSAGES / 2) {
                    tls.start();
                }
            }
            awaitDelivered(received, MESSAGES);
            assertThat(received).as("distinct messages at the subscriber").hasSize(MESSAGES);
            assertThat(cloud.state()).isEqualTo(ConnectionState.CONNECTED);
            long sessions = Files.readAllLines(dir.resolve("mosquitto.log")).stream()
                    .filter(l -> l.contains("New client connected") && l.contains("uplink-itest-tls")).count();
            assertThat(sessions).as("TLS sessions (the engine's departure closed the first)").isGreaterThan(1);
        } finally {
            if (tls.getState() != Bundle.ACTIVE) {
                tls.start();
            }
            engines.close();
            tracker.close();
            subscriber.disconnect();
            subscriber.close();
        }
    }

    private static void awaitDelivered(Set<String> received, int count) throws InterruptedException {
        Fixtures.awaitSize(received, count, WAIT_MILLIS);
    }
}
