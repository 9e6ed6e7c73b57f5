package org.eclipse.kura.cloudconnection.subscriber.listener;

import org.eclipse.kura.cloudconnection.message.KuraMessage;
import org.osgi.annotation.versioning.ConsumerType;

/** Build-time declaration of Kura's listener for messages a subscriber receives. */
@ConsumerType
public interface CloudSubscriberListener {

    void onMessageArrived(KuraMessage message);
}
