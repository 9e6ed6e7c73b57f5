package io.uplink.cloud.mqtt;

import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** MQTT 3.1.1 on Paho's v3 async client (the one Kura ships, 1.2.1 and later). */
final class MqttV3Session implements MqttSession {

    private static final Logger LOG = LoggerFactory.getLogger(MqttV3Session.class);

    private volatile MqttAsyncClient client;

    @Override
    public void connect(Spec spec, Events events) throws SessionException {
        try {
            // Both calls reach Paho 1.2.1's unlocked network-module lookup: see PahoStartupRace.
            MqttAsyncClient c = PahoStartupRace.retry(() -> new MqttAsyncClient(
                    "tcp://" + spec.host() + ":" + spec.port(), spec.clientId(), new MemoryPersistence()));
            MqttConnectOptions o = new MqttConnectOptions();
            o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
            o.setSocketFactory(spec.sockets());
            o.setCleanSession(spec.cleanSession());
            o.setKeepAliveInterval(spec.keepAliveSeconds());
            o.setConnectionTimeout(spec.connectTimeoutSeconds());
            o.setAutomaticReconnect(false);
            o.setMaxInflight(spec.maxInflight());
            if (!spec.username().isEmpty()) {
                o.setUserName(spec.username());
            }
            if (spec.password() != null && spec.password().length > 0) {
                o.setPassword(spec.password());
            }
            c.setCallback(new MqttCallback() {
                @Override
                public void connectionLost(Throwable cause) {
                    events.lost(explain(cause));
                }

                @Override
                public void messageArrived(String topic, MqttMessage message) {
                    events.message(topic, message.getPayload(), message.getQos(), message.isRetained());
                }

                @Override
                public void deliveryComplete(IMqttDeliveryToken token) {
                    // completion is handled per message by its action listener
                }
            });
            client = c;
            PahoStartupRace.retry(() -> c.connect(o)).waitForCompletion(spec.waitMillis());
        } catch (MqttException e) {
            throw new SessionException(explain(e), refusal(e), e);
        } catch (IllegalArgumentException e) {
            if (!PahoStartupRace.isRace(e)) {
                throw e;
            }
            throw new SessionException("Paho found no network module for tcp after " + PahoStartupRace.ATTEMPTS
                    + " attempts (" + e.getMessage() + "): the Paho bundle is broken or being updated; reinstall "
                    + "org.eclipse.paho.client.mqttv3 (1.2.2 or later fixes its start-up race).", false, e);
        }
    }

    private static boolean refusal(MqttException e) {
        int code = e.getReasonCode();
        return code == MqttException.REASON_CODE_INVALID_CLIENT_ID
                || code == MqttException.REASON_CODE_FAILED_AUTHENTICATION
                || code == MqttException.REASON_CODE_NOT_AUTHORIZED;
    }

    @Override
    public boolean isConnected() {
        MqttAsyncClient c = client;
        return c != null && c.isConnected();
    }

    @Override
    public int window(int wanted) {
        return wanted;
    }

    @Override
    public void publish(String topic, byte[] payload, int qos, boolean retained, Outcome outcome)
            throws SessionException {
        MqttAsyncClient c = client;
        if (c == null) {
            throw new SessionException("not connected.", false, null);
        }
        try {
            c.publish(topic, payload, qos, retained, null, new IMqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    outcome.acknowledged();
                }

                @Override
                public void onFailure(IMqttToken token, Throwable e) {
                    outcome.failed(explain(e));
                }
            });
        } catch (MqttException e) {
            throw new SessionException(explain(e), false, e);
        }
    }

    @Override
    public void subscribe(String filter, int qos) throws SessionException {
        MqttAsyncClient c = client;
        try {
            if (c != null) {
                c.subscribe(filter, qos);
            }
        } catch (MqttException e) {
            throw new SessionException(explain(e), false, e);
        }
    }

    @Override
    public void unsubscribe(String filter) throws SessionException {
        MqttAsyncClient c = client;
        try {
            if (c != null && c.isConnected()) {
                c.unsubscribe(filter);
            }
        } catch (MqttException e) {
            throw new SessionException(explain(e), false, e);
        }
    }

    @Override
    public void close() {
        MqttAsyncClient c = client;
        client = null;
        if (c != null) {
            try {
                if (c.isConnected()) {
                    c.disconnectForcibly(1000, 1000);
                }
                c.close();
            } catch (MqttException e) {
                LOG.debug("closing the Paho client: {}", e.toString());
            }
        }
    }

    /** Paho's v3 reason codes and our transports' exceptions in plain words. */
    static String explain(Throwable e) {
        if (e instanceof MqttException m) {
            switch (m.getReasonCode()) {
            case MqttException.REASON_CODE_FAILED_AUTHENTICATION:
                return "the broker refused the user name or password (CONNACK 4).";
            case MqttException.REASON_CODE_NOT_AUTHORIZED:
                return "the broker refused the client as not authorized (CONNACK 5).";
            case MqttException.REASON_CODE_INVALID_CLIENT_ID:
                return "the broker rejected the client id (CONNACK 2).";
            case MqttException.REASON_CODE_BROKER_UNAVAILABLE:
                return "the broker is unavailable (CONNACK 3).";
            case MqttException.REASON_CODE_INVALID_PROTOCOL_VERSION:
                return "the broker does not speak MQTT 3.1.1 (CONNACK 1).";
            case MqttException.REASON_CODE_CONNECTION_LOST:
                return "connection lost (Paho 32109)" + (m.getCause() != null ? ": " + explain(m.getCause()) : ".");
            case MqttException.REASON_CODE_MAX_INFLIGHT:
                return "too many publishes in progress (Paho 32202).";
            default:
                Throwable cause = m.getCause();
                return cause != null ? explain(cause) : m.getMessage() + " (Paho " + m.getReasonCode() + ").";
            }
        }
        return MqttSession.plain(e);
    }
}
