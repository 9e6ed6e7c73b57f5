package io.uplink.itest;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.uplink.cloud.CloudConnection;
import io.uplink.cloud.ConnectionState;
import io.uplink.modem.Modem;
import io.uplink.transport.Transport;

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
 * Modem families side by side (issue 12, "hot-swap"): an emulated BG95 and an emulated nRF9160, each attached by its
 * own dialect with no dialect configured, one endpoint on each, both delivering. The Nordic dialect bundle is stopped
 * and started while both publish: the BG95's modem, transport and endpoint never notice; the nRF9160's endpoint queues
 * while its modem is gone and delivers everything once the dialect is back. And a modem configuration moved to a port
 * where another family answers re-attaches with that family's dialect.
 */
@ExtendWith(BundleContextExtension.class)
@ExtendWith(ServiceExtension.class)
class TwoModemFamiliesTest {

    private static final long WAIT_MILLIS = TimeUnit.SECONDS.toMillis(120);
    private static final int PER_PHASE = 15;

    @InjectBundleContext
    BundleContext context;

    @InjectService
    ConfigurationAdmin configAdmin;

    private Process mosquitto;
    private int port;
    private final List<Configuration> configs = new ArrayList<>();

    @BeforeEach
    void broker() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path dir = Files.createTempDirectory("uplink-itest-two-modems");
        Path conf = dir.resolve("mosquitto.conf");
        Files.writeString(conf, String.join("\n", "listener " + port + " 127.0.0.1", "allow_anonymous true", ""));
        mosquitto = Fixtures.startMosquitto(conf, port);
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (Configuration c : configs) {
            c.delete();
        }
        Bundle nordic = Fixtures.bundle(context, "io.uplink.modem.nordic");
        if (nordic.getState() != Bundle.ACTIVE) {
            nordic.start();
        }
        mosquitto.destroy();
        mosquitto.waitFor(20, TimeUnit.SECONDS);
    }

    @Test
    void aBg95AndAnNrf9160DeliverAtOnceAndStoppingTheNordicDialectTouchesOnlyItsOwnModem() throws Exception {
        Configuration bg95 = modem("emulator:bg95");
        Configuration nrf = modem("emulator:nrf9160");
        ServiceTracker<Transport, Transport> bg95Transport = tracker(Transport.class,
                "(" + Transport.MODEM_PID + "=" + bg95.getPid() + ")");
        ServiceTracker<Transport, Transport> nrfTransport = tracker(Transport.class,
                "(" + Transport.MODEM_PID + "=" + nrf.getPid() + ")");
        assertThat(bg95Transport.waitForService(WAIT_MILLIS)).as("the BG95 attached").isNotNull();
        assertThat(nrfTransport.waitForService(WAIT_MILLIS)).as("the nRF9160 attached").isNotNull();
        assertThat(bg95Transport.getService().describe()).contains("BG95");
        assertThat(nrfTransport.getService().describe()).containsIgnoringCase("nRF91");

        Set<String> received = ConcurrentHashMap.newKeySet();
        MqttClient subscriber = new MqttClient("tcp://127.0.0.1:" + port, "itest-two-modems-sub",
                new MemoryPersistence());
        subscriber.connect();
        subscriber.subscribe("itest/two/#", 1,
                (topic, message) -> received.add(topic + " " + new String(message.getPayload(), StandardCharsets.UTF_8)));
        ServiceTracker<CloudConnection, CloudConnection> viaBg95 = endpoint("via-bg95", bg95.getPid());
        ServiceTracker<CloudConnection, CloudConnection> viaNrf = endpoint("via-nrf", nrf.getPid());
        try {
            CloudConnection a = viaBg95.waitForService(WAIT_MILLIS);
            CloudConnection b = viaNrf.waitForService(WAIT_MILLIS);
            assertThat(a).isNotNull();
            assertThat(b).isNotNull();
            publish(a, "bg95", 0);
            publish(b, "nrf", 0);
            Fixtures.awaitSize(received, 2 * PER_PHASE, WAIT_MILLIS);
            assertThat(a.path()).contains("BG95");
            assertThat(b.path()).containsIgnoringCase("nRF91");

            Transport bg95Before = bg95Transport.getService();
            Bundle nordic = Fixtures.bundle(context, "io.uplink.modem.nordic");
            nordic.stop();
            Fixtures.awaitGone(nrfTransport, WAIT_MILLIS);
            publish(a, "bg95", PER_PHASE); // delivered while the nRF9160 is gone
            publish(b, "nrf", PER_PHASE); // queued on disk while its modem is gone
            Fixtures.awaitSize(received, 3 * PER_PHASE, WAIT_MILLIS);
            assertThat(bg95Transport.getService()).as("the BG95's transport is the same service").isSameAs(bg95Before);
            assertThat(viaBg95.getService()).as("the BG95 endpoint was not replaced").isSameAs(a);
            assertThat(a.state()).isEqualTo(ConnectionState.CONNECTED);

            nordic.start();
            assertThat(nrfTransport.waitForService(WAIT_MILLIS)).as("the nRF9160 attached again").isNotNull();
            Fixtures.awaitSize(received, 4 * PER_PHASE, WAIT_MILLIS);
            for (int i = 0; i < 2 * PER_PHASE; i++) {
                assertThat(received).contains("itest/two/bg95 " + i, "itest/two/nrf " + i);
            }
            assertThat(bg95Transport.getService()).isSameAs(bg95Before);
            assertThat(context.getServiceReferences(Modem.class, null)).hasSize(2);
        } finally {
            viaBg95.close();
            viaNrf.close();
            bg95Transport.close();
            nrfTransport.close();
            subscriber.disconnect();
            subscriber.close();
        }
    }

    /** A modem configuration pointed at a port with another family re-attaches with that family's dialect. */
    @Test
    void aModemConfigurationMovedToAnotherFamilysPortReattachesWithItsDialect() throws Exception {
        Configuration c = modem("emulator:bg95");
        ServiceTracker<Modem, Modem> modems = tracker(Modem.class, "(" + Transport.MODEM_PID + "=" + c.getPid() + ")");
        ServiceTracker<Transport, Transport> transport = tracker(Transport.class,
                "(" + Transport.MODEM_PID + "=" + c.getPid() + ")");
        try {
            assertThat(transport.waitForService(WAIT_MILLIS)).as("the BG95 attached").isNotNull();
            assertThat(transport.getService().describe()).contains("BG95");
            Transport before = transport.getService();

            Dictionary<String, Object> m = c.getProperties();
            m.put("port", "emulator:hl7800");
            c.update(m);
            long deadline = System.currentTimeMillis() + WAIT_MILLIS;
            while (System.currentTimeMillis() < deadline && (transport.getService() == null
                    || transport.getService() == before || !transport.getService().describe().contains("HL78"))) {
                Thread.sleep(100);
            }
            assertThat(transport.getService()).as("a transport on the new port").isNotNull();
            assertThat(transport.getService().describe()).as("attached by the Sierra dialect").contains("HL78");
            Modem modem = modems.getService();
            assertThat(modem).as("the modem service of the configuration").isNotNull();
            assertThat(modem.identity().model()).startsWith("HL78");
            assertThat(modem.dialectFamily()).isEqualTo("sierra-hl78xx");
        } finally {
            modems.close();
            transport.close();
        }
    }

    private Configuration modem(String port) throws Exception {
        Configuration c = configAdmin.createFactoryConfiguration("io.uplink.modem", "?");
        Dictionary<String, Object> m = new Hashtable<>();
        m.put("port", port);
        m.put("baud", 921600);
        m.put("apn", "iot.emulated");
        c.update(m);
        configs.add(c);
        return c;
    }

    private ServiceTracker<CloudConnection, CloudConnection> endpoint(String id, String modemPid) throws Exception {
        Configuration c = configAdmin.createFactoryConfiguration("io.uplink.cloud.mqtt", "?");
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("cloud.endpoint.id", id);
        props.put("host", "127.0.0.1");
        props.put("port", port);
        props.put("client.id", "uplink-itest-" + id);
        props.put("tls.mode", "none");
        props.put("transport", modemPid);
        c.update(props);
        configs.add(c);
        return tracker(CloudConnection.class, "(" + CloudConnection.ENDPOINT_ID + "=" + id + ")");
    }

    private <T> ServiceTracker<T, T> tracker(Class<T> type, String filter) throws Exception {
        ServiceTracker<T, T> t = new ServiceTracker<>(context,
                context.createFilter("(&(objectClass=" + type.getName() + ")" + filter + ")"), null);
        t.open();
        return t;
    }

    private static void publish(CloudConnection c, String name, int from) throws Exception {
        for (int i = from; i < from + PER_PHASE; i++) {
            c.publish("itest/two/" + name, String.valueOf(i).getBytes(StandardCharsets.UTF_8), 1, false);
        }
    }
}
