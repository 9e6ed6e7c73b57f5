package io.uplink.cloud.mqtt;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClientException;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.TimerPingSender;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MQTT 5 on Paho's v5 async client (embedded in this bundle: Kura does not ship it, and its own manifest exports
 * too little to be used as a bundle). The broker's Receive Maximum lowers our in-flight window; reason codes are
 * explained, and a message the broker refuses by reason code is reported instead of being resent forever.
 *
 * <p>Topic aliases (OASIS MQTT 5.0, 3.3.2.3.4): when the CONNACK grants a Topic Alias Maximum, Paho (1.2.5,
 * {@code ClientState.send}) gives each new topic the next alias, first come, up to that maximum: the first PUBLISH on
 * the topic carries topic and alias, later ones an empty topic and the alias; topics past the maximum go in full. The
 * table belongs to Paho's client, and each connection gets a new client, so a reconnect starts without aliases, as
 * the protocol requires. Two things the caller must keep to: publish from one thread (Paho gives the alias and queues
 * the packet in two steps, so a concurrent publish could overtake the packet that sets the alias), and a publish Paho
 * refuses may have left an alias the broker never saw, so this session then closes the connection.
 */
final class MqttV5Session implements MqttSession {

    private static final Logger LOG = LoggerFactory.getLogger(MqttV5Session.class);
    /** A session kept by the broker between connections, when clean sessions are off: one week. */
    private static final long SESSION_EXPIRY_SECONDS = 7L * 24 * 3600;

    /** MQTT 5 reason codes (OASIS MQTT 5.0, 2.4) in plain words. */
    private static final Map<Integer, String> REASONS = Map.ofEntries(Map.entry(0x80, "unspecified error"),
            Map.entry(0x81, "malformed packet"), Map.entry(0x82, "protocol error"),
            Map.entry(0x83, "implementation-specific error"), Map.entry(0x84, "unsupported protocol version"),
            Map.entry(0x85, "client identifier not valid"), Map.entry(0x86, "bad user name or password"),
            Map.entry(0x87, "not authorized"), Map.entry(0x88, "server unavailable"), Map.entry(0x89, "server busy"),
            Map.entry(0x8A, "banned"), Map.entry(0x8B, "server shutting down"),
            Map.entry(0x8C, "bad authentication method"), Map.entry(0x8D, "keep-alive timeout"),
            Map.entry(0x8E, "session taken over (another client connected with the same client id)"),
            Map.entry(0x8F, "topic filter invalid"), Map.entry(0x90, "topic name invalid"),
            Map.entry(0x91, "packet identifier in use"), Map.entry(0x93, "receive maximum exceeded"),
            Map.entry(0x94, "topic alias invalid"), Map.entry(0x95, "packet too large"),
            Map.entry(0x96, "message rate too high"), Map.entry(0x97, "quota exceeded"),
            Map.entry(0x98, "administrative action"), Map.entry(0x99, "payload format invalid"),
            Map.entry(0x9A, "retain not supported"), Map.entry(0x9B, "QoS not supported"),
            Map.entry(0x9C, "use another server"), Map.entry(0x9D, "server moved"),
            Map.entry(0x9F, "connection rate exceeded"));

    private volatile MqttAsyncClient client;
    private volatile CommsExecutor threads;
    private volatile int receiveMaximum = 65_535;
    private volatile int topicAliasMaximum;

    @Override
    public void connect(Spec spec, Events events) throws SessionException {
        try {
            CommsExecutor t = new CommsExecutor(spec.clientId());
            threads = t;
            MqttAsyncClient c = new MqttAsyncClient("tcp://" + spec.host() + ":" + spec.port(), spec.clientId(),
                    new MemoryPersistence(), new TimerPingSender(t), t);
            MqttConnectionOptions o = new MqttConnectionOptions();
            o.setSocketFactory(spec.sockets());
            o.setCleanStart(spec.cleanSession());
            if (!spec.cleanSession()) {
                // Absent means 0, the session ends with the connection: 5 bytes less in every CONNECT.
                o.setSessionExpiryInterval(SESSION_EXPIRY_SECONDS);
            }
            o.setKeepAliveInterval(spec.keepAliveSeconds());
            o.setConnectionTimeout(spec.connectTimeoutSeconds());
            o.setAutomaticReconnect(false);
            o.setReceiveMaximum(Math.max(1, spec.maxInflight()));
            if (!spec.username().isEmpty()) {
                o.setUserName(spec.username());
            }
            if (spec.password() != null && spec.password().length > 0) {
                o.setPassword(new String(spec.password()).getBytes(StandardCharsets.UTF_8));
            }
            c.setCallback(new MqttCallback() {
                @Override
                public void disconnected(MqttDisconnectResponse response) {
                    String why = response.getException() != null ? explain(response.getException())
                            : "the broker disconnected: " + reason(response.getReturnCode())
                                    + (response.getReasonString() == null ? "" : " (" + response.getReasonString()
                                            + ")") + ".";
                    events.lost(why);
                }

                @Override
                public void mqttErrorOccurred(MqttException exception) {
                    LOG.debug("MQTT 5 client error: {}", exception.toString());
                }

                @Override
                public void messageArrived(String topic, MqttMessage message) {
                    events.message(topic, message.getPayload(), message.getQos(), message.isRetained());
                }

                @Override
                public void deliveryComplete(IMqttToken token) {
                    // completion is handled per message by its action listener
                }

                @Override
                public void connectComplete(boolean reconnect, String serverUri) {
                    // the connection reports itself once connect() returns
                }

                @Override
                public void authPacketArrived(int reasonCode, MqttProperties properties) {
                    // enhanced authentication is not used
                }
            });
            client = c;
            IMqttToken token = c.connect(o);
            token.waitForCompletion(spec.waitMillis());
            MqttProperties p = token.getResponseProperties();
            Integer max = p == null ? null : p.getReceiveMaximum();
            receiveMaximum = max == null || max < 1 ? 65_535 : max;
            Integer aliases = p == null ? null : p.getTopicAliasMaximum();
            topicAliasMaximum = aliases == null ? 0 : aliases;
        } catch (MqttException e) {
            throw new SessionException(explain(e), refusal(e.getReasonCode()), e);
        }
    }

    private static boolean refusal(int code) {
        return code == 0x85 || code == 0x86 || code == 0x87 || code == 0x8A || code == 0x8C || code == 0x84;
    }

    @Override
    public boolean isConnected() {
        MqttAsyncClient c = client;
        return c != null && c.isConnected();
    }

    @Override
    public int window(int wanted) {
        return Math.min(wanted, receiveMaximum);
    }

    @Override
    public void publish(String topic, byte[] payload, int qos, boolean retained, Outcome outcome)
            throws SessionException {
        MqttAsyncClient c = client;
        if (c == null) {
            throw new SessionException("not connected.", false, null);
        }
        try {
            c.publish(topic, payload, qos, retained, null, new MqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    int[] codes = token.getReasonCodes();
                    int code = codes == null || codes.length == 0 ? 0 : codes[0];
                    if (code < 0x80) {
                        outcome.acknowledged(); // 0x00, or 0x10 "no matching subscribers": accepted all the same
                    } else {
                        settle(outcome, code);
                    }
                }

                @Override
                public void onFailure(IMqttToken token, Throwable e) {
                    if (e instanceof MqttException m && m.getReasonCode() >= 0x80 && m.getReasonCode() <= 0xFF) {
                        settle(outcome, m.getReasonCode());
                    } else {
                        outcome.failed(explain(e));
                    }
                }
            });
        } catch (MqttException e) {
            if (topicAliasMaximum > 0) {
                // Paho gives a new topic its alias before it checks the in-flight limit, and keeps the alias when it
                // refuses the publish: the next publish on that topic would carry an alias the broker never saw
                // (a protocol error that ends the connection). Only a new connection forgets it.
                close();
                throw new SessionException(explain(e) + " The connection is closed and made again: Paho may have "
                        + "given '" + topic + "' a topic alias the broker never received.", false, e);
            }
            throw new SessionException(explain(e), false, e);
        }
    }

    /** Refusals that a resend cannot fix are final; the others (quota, busy) leave the message queued. */
    private static void settle(Outcome outcome, int code) {
        String why = "the broker refused the message: " + reason(code) + ".";
        switch (code) {
        case 0x87, 0x90, 0x95, 0x99, 0x9A, 0x9B -> outcome.rejected(why);
        default -> outcome.failed(why);
        }
    }

    @Override
    public void subscribe(String filter, int qos) throws SessionException {
        MqttAsyncClient c = client;
        try {
            if (c != null) {
                IMqttToken t = c.subscribe(filter, qos);
                t.waitForCompletion(30_000);
                int[] codes = t.getReasonCodes();
                if (codes != null && codes.length > 0 && codes[0] >= 0x80) {
                    throw new SessionException("the broker refused the subscription to " + filter + ": "
                            + reason(codes[0]) + ".", false, null);
                }
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
                    disconnect(c);
                }
                c.close(true);
            } catch (MqttException e) {
                LOG.debug("closing the Paho v5 client: {}", e.toString());
            }
        }
        CommsExecutor t = threads;
        threads = null;
        if (t != null) {
            t.shutdownNow();
        }
    }

    /** DISCONNECT, done once it is written (see MqttV3Session#disconnect for why not disconnectForcibly). */
    private static void disconnect(MqttAsyncClient c) throws MqttException {
        try {
            c.disconnect(MqttV3Session.QUIESCE_MILLIS).waitForCompletion(MqttV3Session.QUIESCE_MILLIS
                    + MqttV3Session.DISCONNECT_MILLIS);
        } catch (MqttException e) {
            LOG.debug("DISCONNECT was not sent ({}); closing the connection without it", e.toString());
            c.disconnectForcibly(0, MqttV3Session.DISCONNECT_MILLIS, false);
        }
    }

    static String reason(int code) {
        String text = REASONS.get(code);
        return String.format("%s (reason code 0x%02X)", text == null ? "reason unknown to MQTT 5.0" : text, code);
    }

    /** Paho v5's exceptions: a CONNACK or DISCONNECT reason code, or a client-side code, in plain words. */
    static String explain(Throwable e) {
        if (e instanceof MqttException m) {
            int code = m.getReasonCode();
            if (code >= 0x80 && code <= 0xFF) {
                return "the broker refused the connection: " + reason(code) + ".";
            }
            if (code == MqttClientException.REASON_CODE_CONNECTION_LOST) {
                return "connection lost (Paho 32109)" + (m.getCause() != null ? ": " + explain(m.getCause()) : ".");
            }
            Throwable cause = m.getCause();
            return cause != null ? explain(cause) : m.getMessage() + " (Paho " + code + ").";
        }
        return MqttSession.plain(e);
    }
}
