package org.eclipse.kura.cloudconnection;

import java.util.Collections;
import java.util.Map;

import org.eclipse.kura.KuraException;
import org.eclipse.kura.cloudconnection.listener.CloudDeliveryListener;
import org.eclipse.kura.cloudconnection.message.KuraMessage;
import org.eclipse.kura.cloudconnection.subscriber.listener.CloudSubscriberListener;
import org.osgi.annotation.versioning.ProviderType;

/** Build-time declaration of Kura's CloudEndpoint (same methods and default as Kura 5.4 and 6). */
@ProviderType
public interface CloudEndpoint {

    /** @return an id confirmed later to delivery listeners, or null if this message will not be confirmed */
    String publish(KuraMessage message) throws KuraException;

    void registerSubscriber(Map<String, Object> subscriptionProperties, CloudSubscriberListener cloudSubscriberListener);

    void unregisterSubscriber(CloudSubscriberListener cloudSubscriberListener);

    default Map<String, String> getInfo() {
        return Collections.emptyMap();
    }

    void registerCloudDeliveryListener(CloudDeliveryListener cloudDeliveryListener);

    void unregisterCloudDeliveryListener(CloudDeliveryListener cloudDeliveryListener);
}
