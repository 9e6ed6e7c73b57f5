package io.uplink.cloud.mqtt;

import javax.net.SocketFactory;

/**
 * One MQTT client connection of a given protocol version (Paho's v3 and v5 clients have different APIs). The
 * {@link MqttCloudConnection} keeps queueing, windowing and reconnecting; a session only speaks the protocol. Errors
 * come out as {@link SessionException}s already explained in plain words.
 */
interface MqttSession {

    /** What the session reports back, on Paho's threads. */
    interface Events {
        /** The connection ended without being asked to; {@code why} is in plain words. */
        void lost(String why);

        void message(String topic, byte[] payload, int qos, boolean retained);
    }

    /** Completion of one publish. */
    interface Outcome {
        void acknowledged();

        /** The message was not delivered on this connection: it stays queued for the next. */
        void failed(String why);

        /** The broker answered and refused this message (MQTT 5 reason code); resending cannot help. */
        void rejected(String why);
    }

    /** Connection parameters. */
    record Spec(String host, int port, String clientId, SocketFactory sockets, boolean cleanSession,
            int keepAliveSeconds, int connectTimeoutSeconds, int maxInflight, String username, char[] password,
            long waitMillis) {
    }

    /** Plain-words failure; {@code refused} when the broker's CONNACK refused the client. */
    final class SessionException extends Exception {
        private static final long serialVersionUID = 1L;
        private final boolean refused;

        SessionException(String message, boolean refused, Throwable cause) {
            super(message, cause);
            this.refused = refused;
        }

        boolean refused() {
            return refused;
        }
    }

    void connect(Spec spec, Events events) throws SessionException;

    boolean isConnected();

    /** How many QoS 1 messages may be in flight: ours, lowered to the broker's Receive Maximum (MQTT 5). */
    int window(int wanted);

    void publish(String topic, byte[] payload, int qos, boolean retained, Outcome outcome) throws SessionException;

    void subscribe(String filter, int qos) throws SessionException;

    void unsubscribe(String filter) throws SessionException;

    /** Drops the connection at once and releases the client; safe to call twice and from any thread. */
    void close();

    /** Our transports' and TLS engine's exceptions: their message is already plain words. */
    static String plain(Throwable e) {
        String msg = e.getMessage();
        return (msg == null ? e.getClass().getSimpleName() : msg) + (msg != null && msg.endsWith(".") ? "" : ".");
    }
}
