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
import io.uplink.transport.Transport;

import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
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
 * An endpoint configured through ConfigAdmin publishes to a real mosquitto through the emulated BG95; stopping and
 * starting the Quectel dialect bundle mid-stream (which takes the modem's sockets and its Transport away) loses
 * nothing, and the application's CloudConnection reference stays valid throughout.
 */
@ExtendWith(BundleContextExtension.class)
@ExtendWith(ServiceExtension.class)
class CloudConnectorTest {

    /** Bound for connects and drains on a loaded CI machine; a wait bound, not a performance assertion. */
    private static final long WAIT_MILLIS = TimeUnit.SECONDS.toMillis(90);
    private static final int MESSAGES = 600;

    @InjectBundleContext
    BundleContext context;

    @InjectService
    ConfigurationAdmin configAdmin;

    private Path dir;
    private Process mosquitto;
    private int port;
    private Configuration endpoint;
    private Configuration modem;
    private Configuration emulator;

    @BeforeEach
    void broker() throws Exception {
        dir = Files.createTempDirectory("uplink-itest-mqtt");
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path conf = dir.resolve("mosquitto.conf");
        Files.writeString(conf, "listener " + port + " 127.0.0.1\nallow_anonymous true\nmax_queued_messages 100000\n");
        mosquitto = Fixtures.startMosquitto(conf, port);
    }

    @AfterEach
    void cleanUp() throws Exception {
        if (endpoint != null) {
            endpoint.delete();
        }
        if (modem != null) {
            modem.delete();
        }
        if (emulator != null) {
            emulator.delete();
        }
        mosquitto.destroy();
        mosquitto.waitFor(20, TimeUnit.SECONDS);
    }

    @Test
    void publishesThroughARestartOfTheModemDialectBundleWithoutLoss() throws Exception {
        Set<String> received = ConcurrentHashMap.newKeySet();
        MqttClient subscriber = subscriber(received);
        ServiceTracker<Transport, Transport> modemTransport = configureModem();
        ServiceTracker<CloudConnection, CloudConnection> tracker = configureEndpoint();
        try {
            CloudConnection cloud = tracker.waitForService(WAIT_MILLIS);
            assertThat(cloud).as("CloudConnection for the configured endpoint").isNotNull();
            assertThat(cloud.endpointId()).isEqualTo("itest");

            assertThat(modemTransport.waitForService(WAIT_MILLIS)).as("the modem attached").isNotNull();
            Bundle quectel = Fixtures.bundle(context, "io.uplink.modem.quectel");
            for (int i = 0; i < MESSAGES; i++) {
                cloud.publish("itest/seq", Integer.toString(i).getBytes(StandardCharsets.UTF_8), 1, false);
                if (i == MESSAGES / 4) {
                    awaitDelivered(received, i / 2); // the stream is flowing through the modem
                    quectel.stop();
                    Fixtures.awaitGone(modemTransport, WAIT_MILLIS);
                } else if (i == MESSAGES / 2) {
                    quectel.start();
                }
            }
            awaitDelivered(received, MESSAGES);
            assertThat(received).as("distinct messages at the subscriber").hasSize(MESSAGES);
            assertThat(cloud.state()).isEqualTo(ConnectionState.CONNECTED);
            assertThat(tracker.getService()).as("the same service object, kept across the swap").isSameAs(cloud);
        } finally {
            Bundle quectel = Fixtures.bundle(context, "io.uplink.modem.quectel");
            if (quectel.getState() != Bundle.ACTIVE) {
                quectel.start(); // leave the framework as the other tests expect it
            }
            tracker.close();
            modemTransport.close();
            subscriber.disconnect();
            subscriber.close();
        }
    }

    private MqttClient subscriber(Set<String> received) throws Exception {
        MqttClient subscriber = new MqttClient("tcp://127.0.0.1:" + port, "itest-sub", new MemoryPersistence());
        MqttConnectOptions o = new MqttConnectOptions();
        o.setCleanSession(true);
        subscriber.connect(o);
        subscriber.subscribe("itest/seq", 1,
                (topic, message) -> received.add(new String(message.getPayload(), StandardCharsets.UTF_8)));
        return subscriber;
    }

    private ServiceTracker<Transport, Transport> configureModem() throws Exception {
        modem = configAdmin.createFactoryConfiguration("io.uplink.modem", "?");
        Dictionary<String, Object> modemProps = new Hashtable<>();
        modemProps.put("port", "emulator:bg95");
        modemProps.put("baud", 921600);
        modemProps.put("apn", "iot.emulated");
        modem.update(modemProps);
        ServiceTracker<Transport, Transport> modemTransport = new ServiceTracker<>(context, context.createFilter(
                "(&(objectClass=" + Transport.class.getName() + ")(" + Transport.MODEM_PID + "=" + modem.getPid()
                        + "))"), null);
        modemTransport.open();
        return modemTransport;
    }

    private ServiceTracker<CloudConnection, CloudConnection> configureEndpoint() throws Exception {
        endpoint = configAdmin.createFactoryConfiguration("io.uplink.cloud.mqtt", "?");
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("cloud.endpoint.id", "itest");
        props.put("profile", "generic");
        props.put("host", "127.0.0.1");
        props.put("port", port);
        props.put("client.id", "uplink-itest");
        props.put("tls.mode", "none");
        props.put("transport", modem.getPid());
        props.put("keepalive.seconds", 30);
        endpoint.update(props);
        ServiceTracker<CloudConnection, CloudConnection> tracker = new ServiceTracker<>(context,
                context.createFilter("(&(objectClass=" + CloudConnection.class.getName() + ")("
                        + CloudConnection.ENDPOINT_ID + "=itest))"), null);
        tracker.open();
        return tracker;
    }

    @Test
    void publishesThroughAModemLinkThatKeepsDroppingWithoutLoss() throws Exception {
        emulator = configAdmin.getConfiguration("io.uplink.modem.emulator", "?");
        Dictionary<String, Object> link = new Hashtable<>();
        link.put("latency.ms", 20);
        link.put("loss.percent", 5);
        link.put("fault.close.after.bytes", 3000); // the module closes each socket at random around 3 KB
        emulator.update(link);
        Set<String> received = ConcurrentHashMap.newKeySet();
        MqttClient subscriber = subscriber(received);
        ServiceTracker<Transport, Transport> modemTransport = configureModem();
        ServiceTracker<CloudConnection, CloudConnection> tracker = configureEndpoint();
        try {
            CloudConnection cloud = tracker.waitForService(WAIT_MILLIS);
            assertThat(cloud).as("CloudConnection for the configured endpoint").isNotNull();
            for (int i = 0; i < MESSAGES; i++) {
                cloud.publish("itest/seq", Integer.toString(i).getBytes(StandardCharsets.UTF_8), 1, false);
            }
            awaitDelivered(received, MESSAGES);
            assertThat(received).as("distinct messages at the subscriber").hasSize(MESSAGES);
            long sessions = Files.readAllLines(dir.resolve("mosquitto.log")).stream()
                    .filter(l -> l.contains("New client connected") && l.contains("uplink-itest")).count();
            assertThat(sessions).as("MQTT sessions opened by the gateway (the link dropped)").isGreaterThan(1);
        } finally {
            tracker.close();
            modemTransport.close();
            subscriber.disconnect();
            subscriber.close();
        }
    }

    private static void awaitDelivered(Set<String> received, int count) throws InterruptedException {
        Fixtures.awaitSize(received, count, WAIT_MILLIS);
    }
}
