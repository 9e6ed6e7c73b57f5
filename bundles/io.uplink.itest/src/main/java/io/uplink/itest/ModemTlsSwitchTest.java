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
import io.uplink.credentials.CredentialStore;
import io.uplink.transport.Transport;

import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.context.BundleContextExtension;
import org.osgi.test.junit5.service.ServiceExtension;
import org.osgi.util.tracker.ServiceTracker;

/**
 * Modem TLS in the framework: an endpoint through the emulated BG95 publishes with host TLS to mosquitto requiring
 * client certificates; while the broker cannot be reached its messages queue; the endpoint is then switched to
 * {@code tls.mode=modem} in ConfigAdmin. The credential store's aliases are provisioned into the modem, the modem's
 * own TLS opens the session, and every queued message arrives.
 */
@ExtendWith(BundleContextExtension.class)
@ExtendWith(ServiceExtension.class)
class ModemTlsSwitchTest {

    private static final long WAIT_MILLIS = TimeUnit.SECONDS.toMillis(120);
    private static final int BEFORE = 20;
    private static final int QUEUED = 30;

    @InjectBundleContext
    BundleContext context;

    @InjectService
    ConfigurationAdmin configAdmin;

    @InjectService
    CredentialStore credentials;

    private ItestPki pki;
    private Process mosquitto;
    private int port;
    private int plainPort;
    private int deadPort;
    private Configuration modem;
    private Configuration endpoint;

    @BeforeEach
    void pkiBrokerAndModem() throws Exception {
        pki = ItestPki.create("uplink-itest-modem-tls", "uplink-itest-modem-tls", false);
        credentials.importCredential("itest-modem-ca", Files.readAllBytes(pki.file("ca.pem")), null);
        credentials.importCredential("itest-modem-device", pki.deviceIdentity(), null);
        try (ServerSocket s = new ServerSocket(0); ServerSocket t = new ServerSocket(0);
                ServerSocket d = new ServerSocket(0)) {
            port = s.getLocalPort();
            plainPort = t.getLocalPort();
            deadPort = d.getLocalPort();
        }
        Path conf = pki.file("mosquitto.conf");
        Files.writeString(conf, String.join("\n", "listener " + port + " 127.0.0.1", "allow_anonymous true",
                "cafile " + pki.file("ca.pem"), "certfile " + pki.file("server.pem"), "keyfile "
                        + pki.file("server.key"), "require_certificate true", "tls_version tlsv1.2",
                "listener " + plainPort + " 127.0.0.1", "allow_anonymous true", ""));
        mosquitto = Fixtures.startMosquitto(conf, port);
        modem = configAdmin.createFactoryConfiguration("io.uplink.modem", "?");
        Dictionary<String, Object> m = new Hashtable<>();
        m.put("port", "emulator:bg95");
        m.put("baud", 921600);
        m.put("apn", "iot.emulated");
        modem.update(m);
    }

    @AfterEach
    void cleanUp() throws Exception {
        if (endpoint != null) {
            endpoint.delete();
        }
        if (modem != null) {
            modem.delete();
        }
        credentials.delete("itest-modem-ca");
        credentials.delete("itest-modem-device");
        mosquitto.destroy();
        mosquitto.waitFor(20, TimeUnit.SECONDS);
    }

    @Test
    void queuedMessagesGoOutThroughTheModemsOwnTlsAfterTheSwitch() throws Exception {
        ServiceTracker<Transport, Transport> transports = new ServiceTracker<>(context, context.createFilter(
                "(&(objectClass=" + Transport.class.getName() + ")(" + Transport.MODEM_PID + "=" + modem.getPid()
                        + "))"), null);
        transports.open();
        assertThat(transports.waitForService(WAIT_MILLIS)).as("the emulated modem attached").isNotNull();

        Set<String> received = ConcurrentHashMap.newKeySet();
        MqttClient subscriber = new MqttClient("tcp://127.0.0.1:" + plainPort, "itest-modem-tls-sub",
                new MemoryPersistence());
        subscriber.connect();
        subscriber.subscribe("itest/modem-tls", 1,
                (topic, message) -> received.add(new String(message.getPayload(), StandardCharsets.UTF_8)));
        endpoint = configAdmin.createFactoryConfiguration("io.uplink.cloud.mqtt", "?");
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("cloud.endpoint.id", "itest-modem-tls");
        props.put("host", "localhost");
        props.put("port", port);
        props.put("client.id", "uplink-itest-modem-tls");
        props.put("tls.mode", "host");
        props.put("transport", modem.getPid());
        props.put("credentials.alias", "itest-modem-device");
        props.put("trust.alias", "itest-modem-ca");
        endpoint.update(props);
        ServiceTracker<CloudConnection, CloudConnection> tracker = new ServiceTracker<>(context,
                context.createFilter("(&(objectClass=" + CloudConnection.class.getName() + ")("
                        + CloudConnection.ENDPOINT_ID + "=itest-modem-tls))"), null);
        tracker.open();
        try {
            CloudConnection cloud = tracker.waitForService(WAIT_MILLIS);
            assertThat(cloud).as("CloudConnection for the endpoint").isNotNull();
            for (int i = 0; i < BEFORE; i++) {
                cloud.publish("itest/modem-tls", ("host-" + i).getBytes(StandardCharsets.UTF_8), 1, false);
            }
            Fixtures.awaitSize(received, BEFORE, WAIT_MILLIS);
            assertThat(received).as("delivered with host TLS through the modem").hasSize(BEFORE);
            assertThat(cloud.path()).contains("TLS").doesNotContain("modem's own TLS");

            // The broker out of reach: messages queue on disk.
            props.put("port", deadPort);
            endpoint.update(props);
            cloud = awaitReplaced(tracker, cloud);
            for (int i = 0; i < QUEUED; i++) {
                cloud.publish("itest/modem-tls", ("queued-" + i).getBytes(StandardCharsets.UTF_8), 1, false);
            }
            awaitQueued(cloud, QUEUED);

            props.put("port", port);
            props.put("tls.mode", "modem");
            endpoint.update(props);
            cloud = awaitReplaced(tracker, cloud);
            Fixtures.awaitSize(received, BEFORE + QUEUED, WAIT_MILLIS);
            assertThat(received).as("every message, the queued ones through the modem's TLS")
                    .hasSize(BEFORE + QUEUED);
            assertThat(cloud.path()).as("the connection's path").contains("modem's own TLS")
                    .contains("identity 'itest-modem-device'");
            long drained = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (cloud.queuedMessages() > 0 && System.nanoTime() < drained) {
                Thread.sleep(50); // the subscriber can see the last message before its PUBACK reaches the endpoint
            }
            assertThat(cloud.queuedMessages()).isZero();
        } finally {
            tracker.close();
            transports.close();
            subscriber.disconnect();
            subscriber.close();
        }
    }

    /** The endpoint's new service after a configuration change (the component has no modified method). */
    private static CloudConnection awaitReplaced(ServiceTracker<CloudConnection, CloudConnection> tracker,
            CloudConnection before) throws InterruptedException {
        long deadline = System.currentTimeMillis() + WAIT_MILLIS;
        CloudConnection now = tracker.getService();
        while ((now == null || now == before) && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
            now = tracker.getService();
        }
        assertThat(now).as("the endpoint's service after the change").isNotNull().isNotSameAs(before);
        return now;
    }

    private static void awaitQueued(CloudConnection cloud, int count) throws InterruptedException {
        long deadline = System.currentTimeMillis() + WAIT_MILLIS;
        while (cloud.queuedMessages() < count && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        assertThat(cloud.queuedMessages()).as("messages queued while the broker is out of reach")
                .isGreaterThanOrEqualTo(count);
    }
}
