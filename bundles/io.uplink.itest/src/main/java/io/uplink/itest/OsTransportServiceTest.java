package io.uplink.itest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import io.uplink.transport.Connection;
import io.uplink.transport.Transport;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceListener;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.context.BundleContextExtension;
import org.osgi.test.junit5.service.ServiceExtension;

/** The OS transport is registered, carries bytes, and follows configuration changes made through ConfigAdmin. */
@ExtendWith(BundleContextExtension.class)
@ExtendWith(ServiceExtension.class)
class OsTransportServiceTest {

    private static final String PID = "io.uplink.transport.os";
    private static final String FILTER = "(&(" + Constants.OBJECTCLASS + "=" + Transport.class.getName() + ")("
            + Transport.KIND + "=" + Transport.KIND_OS + "))";
    /** Upper bound for an asynchronous ConfigAdmin -> SCR delivery; a wait bound, not a performance assertion. */
    private static final long DELIVERY_WAIT_SECONDS = 30;

    @InjectBundleContext
    BundleContext context;

    @InjectService
    ConfigurationAdmin configAdmin;

    @AfterEach
    void removeConfiguration() throws Exception {
        Configuration c = configAdmin.getConfiguration(PID, null);
        if (c.getProperties() != null) {
            awaitTransportProperties(() -> c.delete(), p -> p.getProperty(Constants.SERVICE_PID) == null);
        }
    }

    @Test
    void isRegisteredAsAnOsTransport(@InjectService(filter = "(" + Transport.KIND + "=" + Transport.KIND_OS + ")")
            Transport transport) {
        assertThat(transport.describe()).isEqualTo("OS network stack");
        assertThat(transport.maxConnections()).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void carriesBytesThroughTheService(@InjectService(filter = "(" + Transport.KIND + "=" + Transport.KIND_OS + ")")
            Transport transport) throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Void> echo = CompletableFuture.runAsync(() -> echoOnce(server));
            try (Connection c = transport.connect("127.0.0.1", server.getLocalPort(), Duration.ofSeconds(5))) {
                byte[] sent = "in-framework".getBytes(StandardCharsets.UTF_8);
                c.output().write(sent);
                c.output().flush();
                assertThat(c.input().readNBytes(sent.length)).isEqualTo(sent);
            }
            echo.get(DELIVERY_WAIT_SECONDS, TimeUnit.SECONDS);
        }
    }

    @Test
    void configurationChangeReachesTheComponent() throws Exception {
        Configuration c = configAdmin.getConfiguration(PID, null);
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("connect.timeout.ms", 1234);
        props.put("tcp.nodelay", Boolean.FALSE);
        ServiceReference<?> ref = awaitTransportProperties(() -> c.update(props),
                p -> Integer.valueOf(1234).equals(p.getProperty("connect.timeout.ms")));
        assertThat(ref.getProperty("tcp.nodelay")).isEqualTo(Boolean.FALSE);
        assertThat(ref.getProperty(Transport.KIND)).isEqualTo(Transport.KIND_OS);
    }

    @Test
    void anOutOfRangeValueKeepsTheTransportWorking() throws Exception {
        Configuration c = configAdmin.getConfiguration(PID, null);
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("connect.timeout.ms", 0);
        awaitTransportProperties(() -> c.update(props),
                p -> Integer.valueOf(0).equals(p.getProperty("connect.timeout.ms")));
        ServiceReference<Transport> ref = context.getServiceReference(Transport.class);
        Transport transport = context.getService(ref);
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                Connection conn = transport.connect("127.0.0.1", server.getLocalPort(), Duration.ofSeconds(5))) {
            assertThat(conn.isOpen()).isTrue();
        } finally {
            context.ungetService(ref);
        }
    }

    @Test
    void aWordWhereANumberBelongsIsLeftOutAndTheTransportStays() throws Exception {
        // As FileInstall delivers conf/*.cfg: strings. Without the guard DS fails to convert and the service goes.
        Configuration c = configAdmin.getConfiguration(PID, null);
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("read.timeout.ms", "abc");
        props.put("connect.timeout.ms", " 2345 ");
        ServiceReference<?> ref = awaitTransportProperties(() -> c.update(props),
                p -> "2345".equals(p.getProperty("connect.timeout.ms")));
        assertThat(ref.getProperty("read.timeout.ms")).isEqualTo(0); // the field's default, not "abc"
        assertThat(context.getServiceReferences(Transport.class, "(" + Transport.KIND + "=" + Transport.KIND_OS + ")"))
                .hasSize(1);
    }

    private interface Action {
        void run() throws Exception;
    }

    /** Runs the action and waits until the OS transport service is registered or modified with matching properties. */
    private ServiceReference<?> awaitTransportProperties(Action action, Predicate<ServiceReference<?>> condition)
            throws Exception {
        CountDownLatch matched = new CountDownLatch(1);
        ServiceReference<?>[] seen = new ServiceReference<?>[1];
        ServiceListener listener = event -> {
            if (event.getType() != ServiceEvent.UNREGISTERING && condition.test(event.getServiceReference())) {
                seen[0] = event.getServiceReference();
                matched.countDown();
            }
        };
        context.addServiceListener(listener, FILTER);
        try {
            action.run();
            ServiceReference<?> current = context.getServiceReference(Transport.class);
            if (current != null && condition.test(current)) {
                return current;
            }
            if (!matched.await(DELIVERY_WAIT_SECONDS, TimeUnit.SECONDS)) {
                ServiceReference<?> now = context.getServiceReference(Transport.class);
                throw new AssertionError("OS transport service properties were not updated from ConfigAdmin within "
                        + DELIVERY_WAIT_SECONDS + " s; they are now " + describe(now));
            }
            return seen[0];
        } finally {
            context.removeServiceListener(listener);
        }
    }

    private static String describe(ServiceReference<?> ref) {
        if (ref == null) {
            return "(no service)";
        }
        StringBuilder b = new StringBuilder("{");
        for (String key : ref.getPropertyKeys()) {
            Object v = ref.getProperty(key);
            b.append(key).append('=').append(v).append(" (").append(v.getClass().getSimpleName()).append("), ");
        }
        return b.append('}').toString();
    }

    private static void echoOnce(ServerSocket server) {
        try (Socket s = server.accept(); InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
            in.transferTo(out);
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }
}
