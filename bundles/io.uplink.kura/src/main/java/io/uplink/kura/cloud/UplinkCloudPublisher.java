package io.uplink.kura.cloud;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.eclipse.kura.KuraErrorCode;
import org.eclipse.kura.KuraException;
import org.eclipse.kura.cloudconnection.CloudConnectionManager;
import org.eclipse.kura.cloudconnection.CloudEndpoint;
import org.eclipse.kura.cloudconnection.listener.CloudConnectionListener;
import org.eclipse.kura.cloudconnection.listener.CloudDeliveryListener;
import org.eclipse.kura.cloudconnection.message.KuraMessage;
import org.eclipse.kura.cloudconnection.publisher.CloudPublisher;
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
 * A Kura {@link CloudPublisher} on an Uplink endpoint: Kura applications and Wire graphs publish through it without
 * knowing Uplink. It adds its topic, QoS, retain flag and encoding to each message and hands it to the endpoint named
 * by {@code cloud.endpoint.service.pid}. Listeners registered here are registered on that endpoint while it is there.
 */
@Component(service = { CloudPublisher.class, ConfigurableComponent.class }, configurationPid = UplinkCloudPublisher.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE,
        property = "cloud.connection.factory.pid=" + UplinkCloudConnectionFactory.FACTORY_PID)
@Designate(ocd = PublisherConfig.class, factory = true)
public final class UplinkCloudPublisher implements CloudPublisher, ConfigurableComponent {

    public static final String PID = "io.uplink.kura.publisher";

    private final EndpointBinding endpoint = new EndpointBinding();
    private final CopyOnWriteArrayList<CloudConnectionListener> connectionListeners = new CopyOnWriteArrayList<>();
    private final CopyOnWriteArrayList<CloudDeliveryListener> deliveryListeners = new CopyOnWriteArrayList<>();
    private final CloudDeliveryListener forwardDelivery = id -> deliveryListeners.forEach(l -> l.onMessageConfirmed(id));
    private volatile PublisherConfig config;

    @Activate
    @Modified
    void configure(PublisherConfig config) {
        if (config.topic().isEmpty() || config.topic().contains("+") || config.topic().contains("#")) {
            throw new IllegalArgumentException("Uplink cloud publisher: topic '" + config.topic() + "' is not a topic "
                    + "one can publish to: give one without + or #, e.g. devices/gw1/telemetry");
        }
        if (config.qos() < 0 || config.qos() > 1) {
            throw new IllegalArgumentException("Uplink cloud publisher: QoS " + config.qos() + " is not offered: 0 or 1");
        }
        this.config = config;
        CloudEndpoint before = endpoint.current();
        endpoint.wanted(config.cloud_endpoint_service_pid());
        CloudEndpoint after = endpoint.current();
        if (before != after) {
            detach(before);
            attach(after);
        }
    }

    @Deactivate
    void deactivate() {
        detach(endpoint.current());
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindEndpoint(CloudEndpoint e, Map<String, Object> properties) {
        endpoint.bind(e, properties);
        if (endpoint.current() == e) {
            attach(e);
        }
    }

    void unbindEndpoint(CloudEndpoint e) {
        if (endpoint.current() == e) {
            detach(e);
        }
        endpoint.unbind(e);
    }

    @Override
    public String publish(KuraMessage message) throws KuraException {
        CloudEndpoint e = endpoint.current();
        PublisherConfig c = config;
        if (e == null) {
            throw new KuraException(KuraErrorCode.NOT_CONNECTED, "Uplink cloud publisher: cloud connection '"
                    + endpoint.wanted() + "' is not there; set 'Cloud connection' to the name of an Uplink cloud "
                    + "connection (Cloud Connections tab)");
        }
        if (message == null) {
            throw new KuraException(KuraErrorCode.INVALID_MESSAGE_EXCEPTION, "no message given");
        }
        Map<String, Object> props = new HashMap<>(message.getProperties());
        props.put(EndpointBridge.TOPIC, c.topic());
        props.put(EndpointBridge.QOS, c.qos());
        props.put(EndpointBridge.RETAIN, c.retain());
        props.put(EndpointBridge.ENCODING, c.encoding());
        return e.publish(new KuraMessage(message.getPayload(), props));
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

    @Override
    public void registerCloudDeliveryListener(CloudDeliveryListener l) {
        deliveryListeners.addIfAbsent(l);
    }

    @Override
    public void unregisterCloudDeliveryListener(CloudDeliveryListener l) {
        deliveryListeners.remove(l);
    }

    private void attach(CloudEndpoint e) {
        if (e == null) {
            return;
        }
        e.registerCloudDeliveryListener(forwardDelivery);
        if (e instanceof CloudConnectionManager m) {
            connectionListeners.forEach(m::registerCloudConnectionListener);
        }
    }

    private void detach(CloudEndpoint e) {
        if (e == null) {
            return;
        }
        e.unregisterCloudDeliveryListener(forwardDelivery);
        if (e instanceof CloudConnectionManager m) {
            connectionListeners.forEach(m::unregisterCloudConnectionListener);
        }
    }
}
