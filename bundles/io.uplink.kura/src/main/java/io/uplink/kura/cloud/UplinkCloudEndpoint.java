package io.uplink.kura.cloud;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.eclipse.kura.KuraConnectException;
import org.eclipse.kura.KuraDisconnectException;
import org.eclipse.kura.KuraException;
import org.eclipse.kura.cloudconnection.CloudConnectionManager;
import org.eclipse.kura.cloudconnection.CloudEndpoint;
import org.eclipse.kura.cloudconnection.listener.CloudConnectionListener;
import org.eclipse.kura.cloudconnection.listener.CloudDeliveryListener;
import org.eclipse.kura.cloudconnection.message.KuraMessage;
import org.eclipse.kura.cloudconnection.subscriber.listener.CloudSubscriberListener;
import org.eclipse.kura.configuration.ConfigurableComponent;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

import io.uplink.cloud.CloudConnection;

/**
 * An Uplink endpoint (a configuration of {@value UplinkCloudConnectionFactory#FACTORY_PID}) as a Kura cloud
 * connection: Kura's {@link CloudEndpoint} and {@link CloudConnectionManager} over the endpoint's Uplink
 * {@link CloudConnection} (same configuration, so same {@code service.pid}). Also the endpoint's
 * {@link ConfigurableComponent}: Kura's UI shows its form under Cloud Connections and in the service list.
 */
@Component(service = { CloudEndpoint.class, CloudConnectionManager.class, ConfigurableComponent.class },
        configurationPid = UplinkCloudConnectionFactory.FACTORY_PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        property = "cloud.connection.factory.pid=" + UplinkCloudConnectionFactory.FACTORY_PID)
public final class UplinkCloudEndpoint implements CloudEndpoint, CloudConnectionManager, ConfigurableComponent {

    /** How long {@link #connect()} waits for Uplink's own connection attempt. */
    static final Duration CONNECT_WAIT = Duration.ofSeconds(30);

    /** Every bound Uplink connection with its service.pid; the one with this component's service.pid is ours. */
    private final Map<CloudConnection, String> connections = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile EndpointBridge bridge;
    private volatile String servicePid;
    private ScheduledExecutorService watch;

    @Activate
    void activate(Map<String, Object> properties) {
        servicePid = (String) properties.get(Constants.SERVICE_PID);
        Object kuraPid = properties.getOrDefault("kura.service.pid", servicePid);
        EndpointBridge b = new EndpointBridge(String.valueOf(kuraPid));
        synchronized (this) {
            bridge = b;
            for (Map.Entry<CloudConnection, String> e : connections.entrySet()) {
                if (e.getValue().equals(servicePid)) {
                    b.connection(e.getKey());
                }
            }
        }
        watch = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "uplink-kura-endpoint-" + kuraPid);
            t.setDaemon(true);
            return t;
        });
        watch.scheduleWithFixedDelay(b::poll, 0, 1, TimeUnit.SECONDS);
    }

    /** Settings belong to the Uplink connection (which reconnects with them); this view keeps its listeners. */
    @Modified
    void modified() {
        // the endpoint's Uplink component applies the new configuration
    }

    @Deactivate
    void deactivate() {
        watch.shutdownNow();
        bridge.close();
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindConnection(CloudConnection c, Map<String, Object> properties) {
        String pid = String.valueOf(properties.get(Constants.SERVICE_PID));
        synchronized (this) {
            connections.put(c, pid);
            if (bridge != null && pid.equals(servicePid)) {
                bridge.connection(c);
            }
        }
    }

    void unbindConnection(CloudConnection c) {
        synchronized (this) {
            connections.remove(c);
            if (bridge != null) {
                bridge.connectionGone(c);
            }
        }
    }

    @Override
    public String publish(KuraMessage message) throws KuraException {
        return bridge.publish(message);
    }

    @Override
    public void registerSubscriber(Map<String, Object> subscriptionProperties, CloudSubscriberListener listener) {
        bridge.registerSubscriber(subscriptionProperties, listener);
    }

    @Override
    public void unregisterSubscriber(CloudSubscriberListener listener) {
        bridge.unregisterSubscriber(listener);
    }

    @Override
    public Map<String, String> getInfo() {
        return bridge.info();
    }

    @Override
    public void registerCloudDeliveryListener(CloudDeliveryListener listener) {
        bridge.registerDeliveryListener(listener);
    }

    @Override
    public void unregisterCloudDeliveryListener(CloudDeliveryListener listener) {
        bridge.unregisterDeliveryListener(listener);
    }

    @Override
    public void connect() throws KuraConnectException {
        bridge.awaitConnected(CONNECT_WAIT);
    }

    /**
     * Refused: an Uplink endpoint keeps its link and its queue by design, so messages published meanwhile are not
     * lost. Delete the connection (or stop io.uplink.cloud.mqtt) to stop it.
     */
    @Override
    public void disconnect() throws KuraDisconnectException {
        throw new KuraDisconnectException("Uplink endpoints stay connected and reconnect on their own, so nothing "
                + "published is lost; to stop this one, delete the cloud connection (its queued messages are kept on "
                + "disk until an endpoint with the same id returns).");
    }

    @Override
    public boolean isConnected() {
        return bridge.isConnected();
    }

    @Override
    public void registerCloudConnectionListener(CloudConnectionListener listener) {
        bridge.registerConnectionListener(listener);
    }

    @Override
    public void unregisterCloudConnectionListener(CloudConnectionListener listener) {
        bridge.unregisterConnectionListener(listener);
    }
}
