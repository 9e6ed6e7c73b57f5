package io.uplink.kura.cloud;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import org.eclipse.kura.KuraConnectException;
import org.eclipse.kura.KuraErrorCode;
import org.eclipse.kura.KuraException;
import org.eclipse.kura.cloudconnection.listener.CloudConnectionListener;
import org.eclipse.kura.cloudconnection.listener.CloudDeliveryListener;
import org.eclipse.kura.cloudconnection.message.KuraMessage;
import org.eclipse.kura.cloudconnection.subscriber.listener.CloudSubscriberListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.uplink.cloud.CloudConnection;
import io.uplink.cloud.CloudException;
import io.uplink.cloud.ConnectionState;
import io.uplink.cloud.Subscription;

/**
 * One Uplink endpoint seen through Kura's cloud connection API: Kura messages go into the endpoint's durable queue,
 * subscriptions and connection events come back. Plain Java; {@link UplinkCloudEndpoint} is its DS shell.
 *
 * <p>Message properties read on publish ({@link #TOPIC} is required): {@value #TOPIC}, {@value #QOS} (0 or 1, default
 * 1), {@value #RETAIN} (default false), {@value #ENCODING} ({@code json} or {@code body}, default json). On subscribe:
 * {@value #TOPIC} (a filter) and {@value #QOS}. A QoS 1 message's id is confirmed to delivery listeners once the broker
 * acknowledged it, however long the link was down in between; QoS 0 messages return no id.
 *
 * <p>Threads: any caller thread publishes and (un)registers (concurrent collections); the connection is swapped by DS
 * and read through a volatile field; {@link #poll()} is called by one scheduler thread and owns {@code lastState}.
 */
final class EndpointBridge {

    static final String TOPIC = "topic";
    static final String QOS = "qos";
    static final String RETAIN = "retain";
    static final String ENCODING = "encoding";

    private static final Logger LOG = LoggerFactory.getLogger(EndpointBridge.class);

    private final String kuraPid;
    private final AtomicLong ids = new AtomicLong();
    private final CopyOnWriteArrayList<CloudDeliveryListener> deliveryListeners = new CopyOnWriteArrayList<>();
    private final CopyOnWriteArrayList<CloudConnectionListener> connectionListeners = new CopyOnWriteArrayList<>();
    private final Map<CloudSubscriberListener, Registration> subscribers = new ConcurrentHashMap<>();
    private volatile CloudConnection connection;
    private ConnectionState lastState = ConnectionState.DISCONNECTED;

    private static final class Registration {
        final String filter;
        final int qos;
        volatile Subscription subscription;

        Registration(String filter, int qos) {
            this.filter = filter;
            this.qos = qos;
        }
    }

    EndpointBridge(String kuraPid) {
        this.kuraPid = kuraPid;
    }

    /** The endpoint's Uplink connection came (or was replaced): subscriptions are made on it. */
    void connection(CloudConnection c) {
        this.connection = c;
        for (Map.Entry<CloudSubscriberListener, Registration> e : subscribers.entrySet()) {
            subscribe(c, e.getKey(), e.getValue());
        }
    }

    /** The endpoint's Uplink connection went: its subscriptions went with it. */
    void connectionGone(CloudConnection c) {
        if (connection == c) {
            connection = null;
            for (Registration r : subscribers.values()) {
                r.subscription = null;
            }
        }
    }

    String publish(KuraMessage message) throws KuraException {
        if (message == null) {
            throw new KuraException(KuraErrorCode.INVALID_MESSAGE_EXCEPTION, "no message given");
        }
        Map<String, Object> p = message.getProperties();
        Object topic = p.get(TOPIC);
        if (!(topic instanceof String t) || t.isEmpty()) {
            throw new KuraException(KuraErrorCode.INVALID_MESSAGE_EXCEPTION, "the message has no '" + TOPIC
                    + "' property: publish through an Uplink cloud publisher (io.uplink.kura.publisher), which sets it");
        }
        int qos;
        try {
            qos = intProperty(p, QOS, 1);
        } catch (IllegalArgumentException e) {
            throw new KuraException(KuraErrorCode.INVALID_MESSAGE_EXCEPTION, e.getMessage());
        }
        boolean retain = Boolean.TRUE.equals(p.get(RETAIN));
        String encoding = p.getOrDefault(ENCODING, KuraPayloadCodec.JSON).toString();
        byte[] bytes = KuraPayloadCodec.encode(message.getPayload(), encoding);
        CloudConnection c = connection();
        try {
            String id = qos > 0 ? Long.toString(ids.incrementAndGet()) : null;
            c.publish(t, bytes, qos, retain).whenComplete((receipt, failure) -> {
                if (failure == null && id != null) {
                    for (CloudDeliveryListener l : deliveryListeners) {
                        l.onMessageConfirmed(id);
                    }
                } else if (failure != null) {
                    LOG.warn("Uplink endpoint {}: message {} to {} not delivered: {}", kuraPid, id, t,
                            failure.getMessage());
                }
            });
            return id;
        } catch (CloudException e) {
            throw new KuraException(KuraErrorCode.STORE_ERROR, e,
                    e.getMessage() + (e.fix().isEmpty() ? "" : " " + e.fix()));
        }
    }

    void registerSubscriber(Map<String, Object> properties, CloudSubscriberListener listener) {
        Object filter = properties.get(TOPIC);
        if (!(filter instanceof String f) || f.isEmpty()) {
            throw new IllegalArgumentException("Uplink endpoint " + kuraPid + ": a subscription needs the property '"
                    + TOPIC + "' (a topic filter such as devices/gw1/cmd/#)");
        }
        Registration r = new Registration(f, intProperty(properties, QOS, 1));
        Registration old = subscribers.put(listener, r);
        close(old);
        CloudConnection c = connection;
        if (c != null) {
            subscribe(c, listener, r);
        }
    }

    void unregisterSubscriber(CloudSubscriberListener listener) {
        close(subscribers.remove(listener));
    }

    void registerDeliveryListener(CloudDeliveryListener l) {
        deliveryListeners.addIfAbsent(l);
    }

    void unregisterDeliveryListener(CloudDeliveryListener l) {
        deliveryListeners.remove(l);
    }

    void registerConnectionListener(CloudConnectionListener l) {
        connectionListeners.addIfAbsent(l);
    }

    void unregisterConnectionListener(CloudConnectionListener l) {
        connectionListeners.remove(l);
    }

    boolean isConnected() {
        CloudConnection c = connection;
        return c != null && c.state() == ConnectionState.CONNECTED;
    }

    /** Waits until the endpoint is connected: Uplink connects and reconnects on its own, this only waits for it. */
    void awaitConnected(Duration limit) throws KuraConnectException {
        long end = System.nanoTime() + limit.toNanos();
        while (!isConnected()) {
            if (System.nanoTime() - end > 0) {
                CloudConnection c = connection;
                throw new KuraConnectException("Uplink endpoint " + kuraPid + " is not connected after "
                        + limit.toSeconds() + " s" + (c == null ? " (its Uplink connection is not running: check the "
                        + "endpoint's form and the OSGi log)" : ": " + c.state() + ". " + c.lastProblem()));
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KuraConnectException(e, "interrupted while waiting for Uplink endpoint " + kuraPid);
            }
        }
    }

    Map<String, String> info() {
        Map<String, String> info = new LinkedHashMap<>();
        CloudConnection c = connection;
        info.put("Provider", "Uplink");
        if (c == null) {
            info.put("State", "not running");
            return info;
        }
        info.put("Endpoint id", c.endpointId());
        info.put("State", c.state().toString());
        info.put("Path", c.path());
        info.put("Queued messages", Integer.toString(c.queuedMessages()));
        if (!c.lastProblem().isEmpty()) {
            info.put("Last problem", c.lastProblem());
        }
        return info;
    }

    /** Turns state changes into Kura connection events; called periodically by one thread. */
    void poll() {
        CloudConnection c = connection;
        ConnectionState now = c == null ? ConnectionState.DISCONNECTED : c.state();
        ConnectionState before = lastState;
        lastState = now;
        boolean was = before == ConnectionState.CONNECTED;
        boolean is = now == ConnectionState.CONNECTED;
        for (CloudConnectionListener l : connectionListeners) {
            if (is && !was) {
                l.onConnectionEstablished();
            } else if (was && !is) {
                if (c == null) {
                    l.onDisconnected();
                } else {
                    l.onConnectionLost();
                }
            }
        }
    }

    /** Closes every subscription (the component is going). */
    void close() {
        for (Registration r : subscribers.values()) {
            close(r);
        }
        subscribers.clear();
        connection = null;
    }

    private CloudConnection connection() throws KuraException {
        CloudConnection c = connection;
        if (c == null) {
            throw new KuraException(KuraErrorCode.NOT_CONNECTED, "Uplink endpoint " + kuraPid + " has no running "
                    + "connection: its configuration was refused or io.uplink.cloud.mqtt is not started (see the "
                    + "OSGi log and the endpoint's form)");
        }
        return c;
    }

    private void subscribe(CloudConnection c, CloudSubscriberListener listener, Registration r) {
        try {
            r.subscription = c.subscribe(r.filter, r.qos, (topic, payload, qos, retained) -> {
                Map<String, Object> props = new LinkedHashMap<>();
                props.put(TOPIC, topic);
                props.put(QOS, qos);
                props.put(RETAIN, retained);
                listener.onMessageArrived(new KuraMessage(KuraPayloadCodec.decode(payload), props));
            });
        } catch (CloudException e) {
            LOG.warn("Uplink endpoint {}: cannot subscribe to {}: {} {}", kuraPid, r.filter, e.getMessage(), e.fix());
        }
    }

    private static void close(Registration r) {
        if (r != null && r.subscription != null) {
            r.subscription.close();
            r.subscription = null;
        }
    }

    private static int intProperty(Map<String, Object> p, String key, int fallback) {
        Object v = p.get(key);
        if (v == null) {
            return fallback;
        }
        int q = v instanceof Number n ? n.intValue() : Integer.parseInt(v.toString().trim());
        if (q < 0 || q > 1) {
            throw new IllegalArgumentException("'" + key + "' must be 0 or 1, not " + v
                    + " (Uplink endpoints deliver QoS 0 and QoS 1)");
        }
        return q;
    }
}
