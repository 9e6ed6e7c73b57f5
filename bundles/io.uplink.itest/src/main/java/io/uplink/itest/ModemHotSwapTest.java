package io.uplink.itest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.uplink.modem.Modem;
import io.uplink.transport.Connection;
import io.uplink.transport.Transport;

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
 * A modem configured through ConfigAdmin on the emulated BG95 attaches and offers its sockets; stopping, starting and
 * updating the Quectel dialect bundle while it is attached takes the services away and brings them back, and nothing
 * is leaked.
 */
@ExtendWith(BundleContextExtension.class)
@ExtendWith(ServiceExtension.class)
class ModemHotSwapTest {

    private static final String MODEM_TRANSPORT = "(&(objectClass=" + Transport.class.getName() + ")("
            + Transport.KIND + "=" + Transport.KIND_MODEM + "))";
    /** Bound for attach and re-attach on a loaded CI machine; a wait bound, not a performance assertion. */
    private static final long WAIT_MILLIS = TimeUnit.SECONDS.toMillis(60);

    @InjectBundleContext
    BundleContext context;

    @InjectService
    ConfigurationAdmin configAdmin;

    private ServerSocket echo;
    private Configuration modemConfig;

    @BeforeEach
    void echoServer() throws IOException {
        echo = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (!echo.isClosed()) {
                try {
                    Socket s = echo.accept();
                    Thread e = new Thread(() -> {
                        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                            in.transferTo(out);
                        } catch (IOException ignored) {
                            // peer gone
                        }
                    }, "itest-echo");
                    e.setDaemon(true);
                    e.start();
                } catch (IOException stop) {
                    return;
                }
            }
        }, "itest-echo-accept");
        t.setDaemon(true);
        t.start();
    }

    @AfterEach
    void cleanUp() throws Exception {
        if (modemConfig != null) {
            modemConfig.delete();
        }
        echo.close();
    }

    @Test
    void aModemAttachesAndSurvivesItsDialectBeingStoppedStartedAndUpdated() throws Exception {
        modemConfig = configAdmin.createFactoryConfiguration("io.uplink.modem", "?");
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("port", "emulator:bg95");
        props.put("baud", 921600);
        props.put("apn", "iot.emulated");
        props.put("registration.timeout.s", 10);
        modemConfig.update(props);

        ServiceTracker<Transport, Transport> transports = new ServiceTracker<>(context,
                context.createFilter(MODEM_TRANSPORT), null);
        transports.open();
        try {
            Transport t = transports.waitForService(WAIT_MILLIS);
            assertThat(t).as("modem transport after attach").isNotNull();
            assertThat(t.describe()).contains("BG95-M3");
            assertThat(transports.getServiceReference().getProperty(Transport.MODEM_PID))
                    .isEqualTo(modemConfig.getPid());
            assertThat(context.getServiceReference(Modem.class)).isNotNull();
            roundTrip(t);

            Bundle quectel = Fixtures.bundle(context, "io.uplink.modem.quectel");
            quectel.stop();
            Fixtures.awaitGone(transports, WAIT_MILLIS);
            quectel.start();
            roundTrip(transports.waitForService(WAIT_MILLIS));

            quectel.update();
            Fixtures.awaitGone(transports, WAIT_MILLIS);
            Transport afterUpdate = transports.waitForService(WAIT_MILLIS);
            assertThat(afterUpdate).as("modem transport after the dialect bundle was updated").isNotNull();
            roundTrip(afterUpdate);

            modemConfig.delete();
            modemConfig = null;
            Fixtures.awaitGone(transports, WAIT_MILLIS);
            assertNoModemThreadsLeft();
        } finally {
            transports.close();
        }
    }

    /**
     * Issue 12: the emulated BC660K-GL (NB-IoT) is identified and attached by the Quectel bundle's second dialect,
     * {@code quectel-bc66}, not the BG95's; both live in one bundle, so stopping and starting it takes the BC660K's
     * services away and brings them back too.
     */
    @Test
    void aBc660kAttachesWithItsOwnDialectFromTheSameBundle() throws Exception {
        modemConfig = configAdmin.createFactoryConfiguration("io.uplink.modem", "?");
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("port", "emulator:bc660k");
        props.put("baud", 115200);
        props.put("apn", "iot.emulated");
        props.put("registration.timeout.s", 30);
        modemConfig.update(props);

        ServiceTracker<Transport, Transport> transports = new ServiceTracker<>(context,
                context.createFilter(MODEM_TRANSPORT), null);
        transports.open();
        try {
            Transport t = transports.waitForService(WAIT_MILLIS);
            assertThat(t).as("modem transport after attach").isNotNull();
            assertThat(t.describe()).contains("BC660K-GL").contains("NB-IoT");
            Modem modem = context.getService(context.getServiceReference(Modem.class));
            assertThat(modem.dialectFamily()).isEqualTo("quectel-bc66");
            assertThat(modem.tlsCapabilities().cipherSuites()).containsExactly(0x002F, 0x0035, 0x000A);
            roundTrip(t);

            Bundle quectel = Fixtures.bundle(context, "io.uplink.modem.quectel");
            quectel.stop();
            Fixtures.awaitGone(transports, WAIT_MILLIS);
            quectel.start();
            roundTrip(transports.waitForService(WAIT_MILLIS));
        } finally {
            transports.close();
        }
    }

    private void roundTrip(Transport t) throws Exception {
        assertThat(t).isNotNull();
        try (Connection c = t.connect("127.0.0.1", echo.getLocalPort(), Duration.ofSeconds(30))) {
            c.setReadTimeout(Duration.ofSeconds(30));
            c.output().write("through the modem".getBytes());
            assertThat(new String(c.input().readNBytes(17))).isEqualTo("through the modem");
        }
    }

    private static void assertNoModemThreadsLeft() throws InterruptedException {
        long deadline = System.currentTimeMillis() + WAIT_MILLIS;
        List<String> left;
        do {
            left = Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                    .filter(n -> n.startsWith("uplink-at-") || n.startsWith("uplink-modem-")
                            || n.startsWith("emulated-bg95"))
                    .collect(Collectors.toList());
            if (left.isEmpty()) {
                return;
            }
            Thread.sleep(100);
        } while (System.currentTimeMillis() < deadline);
        assertThat(left).as("threads of a removed modem").isEmpty();
    }
}
