package io.uplink.kura.cloud;

import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.eclipse.kura.cloudconnection.CloudConnectionManager;
import org.eclipse.kura.cloudconnection.CloudEndpoint;
import org.eclipse.kura.cloudconnection.listener.CloudConnectionListener;
import org.eclipse.kura.cloudconnection.subscriber.CloudSubscriber;
import org.eclipse.kura.cloudconnection.subscriber.listener.CloudSubscriberListener;
import org.eclipse.kura.configuration.ConfigurableComponent;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.Designate;

/**
 * A Kura {@link CloudSubscriber} on an Uplink endpoint: one subscription (topic filter, QoS) on the endpoint named by
 * {@code cloud.endpoint.service.pid}, fanned out to every registered listener; made again when the endpoint or the
 * configuration changes.
 */
@Component(service = { CloudSubscriber.class, ConfigurableComponent.class },
        configurationPid = UplinkCloudSubscriber.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        property = "cloud.connection.factory.pid=" + UplinkCloudConnectionFactory.FACTORY_PID)
@Designate(ocd = SubscriberConfig.class, factory = true)
public final class UplinkCloudSubscriber implements CloudSubscriber, ConfigurableComponent {

    public static final String PID = "io.uplink.kura.subscriber";

    private final EndpointBinding endpoint = new EndpointBinding();
    private final CopyOnWriteArrayList<CloudSubscriberListener> listeners = new CopyOnWriteArrayList<>();
    private final CopyOnWriteArrayList<CloudConnectionListener> connectionListeners = new CopyOnWriteArrayList<>();
    private final CloudSubscriberListener fanOut = m -> listeners.forEach(l -> l.onMessageArrived(m));
    private volatile SubscriberConfig config;

    @Activate
    @Modified
    synchronized void configure(SubscriberConfig config) {
        if (config.topic().isEmpty()) {
            throw new IllegalArgumentException("Uplink cloud subscriber: give a topic filter, e.g. devices/gw1/cmd/#");
        }
        detach(endpoint.current());
        this.config = config;
        endpoint.wanted(config.cloud_endpoint_service_pid());
        attach(endpoint.current());
    }

    @Deactivate
    synchronized void deactivate() {
        detach(endpoint.current());
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    synchronized void bindEndpoint(CloudEndpoint e, Map<String, Object> properties) {
        endpoint.bind(e, properties);
        if (config != null && endpoint.current() == e) {
            attach(e);
        }
    }

    synchronized void unbindEndpoint(CloudEndpoint e) {
        if (endpoint.current() == e) {
            detach(e);
        }
        endpoint.unbind(e);
    }

    @Override
    public void registerCloudSubscriberListener(CloudSubscriberListener listener) {
        listeners.addIfAbsent(listener);
    }

    @Override
    public void unregisterCloudSubscriberListener(CloudSubscriberListener listener) {
        listeners.remove(listener);
    }

    @Override
    public void registerCloudConnectionListener(CloudConnectionListener l) {
        connectionListeners.addIfAbsent(l);
        if (endpoint.current() instanceof CloudConnectionManager m) {
            m.registerCloudConnectionListener(l);
        }
    }

    @Override
    public void unregisterCloudConnectionListener(CloudConnectionListener l) {
        connectionListeners.remove(l);
        if (endpoint.current() instanceof CloudConnectionManager m) {
            m.unregisterCloudConnectionListener(l);
        }
    }

    private void attach(CloudEndpoint e) {
        if (e == null) {
            return;
        }
        e.registerSubscriber(Map.of(EndpointBridge.TOPIC, config.topic(), EndpointBridge.QOS, config.qos()), fanOut);
        if (e instanceof CloudConnectionManager m) {
            connectionListeners.forEach(m::registerCloudConnectionListener);
        }
    }

    private void detach(CloudEndpoint e) {
        if (e == null) {
            return;
        }
        e.unregisterSubscriber(fanOut);
        if (e instanceof CloudConnectionManager m) {
            connectionListeners.forEach(m::unregisterCloudConnectionListener);
        }
    }
}
