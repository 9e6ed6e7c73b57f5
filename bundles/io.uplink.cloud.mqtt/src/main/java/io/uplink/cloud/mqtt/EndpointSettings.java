package io.uplink.cloud.mqtt;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import io.uplink.cloud.EndpointProfile;

/**
 * One endpoint's settings, validated against its profile's rules before anything is sent.
 *
 * @param tlsMode {@code host} (the gateway's TLS engine), {@code modem} (the modem's own TLS), or {@code none}
 * @param mqttVersion {@code 3.1.1} or {@code 5}
 * @param queueDurability {@code sync}, {@code batched} or {@code memory} (see the queue's Durability)
 * @param queueBatchMillis the batched mode's sync interval, 10-60000 ms
 */
public record EndpointSettings(String endpointId, EndpointProfile profile, String host, int port, String clientId,
        int keepAliveSeconds, boolean cleanSession, String username, char[] password, String tlsMode, String sni,
        List<String> alpn, Duration connectTimeout, int inFlightWindow, int queueMaxMessages, long queueMaxBytes,
        String mqttVersion, String queueDurability, int queueBatchMillis) {

    /** Durability {@code sync}. */
    public EndpointSettings(String endpointId, EndpointProfile profile, String host, int port, String clientId,
            int keepAliveSeconds, boolean cleanSession, String username, char[] password, String tlsMode, String sni,
            List<String> alpn, Duration connectTimeout, int inFlightWindow, int queueMaxMessages, long queueMaxBytes,
            String mqttVersion) {
        this(endpointId, profile, host, port, clientId, keepAliveSeconds, cleanSession, username, password, tlsMode,
                sni, alpn, connectTimeout, inFlightWindow, queueMaxMessages, queueMaxBytes, mqttVersion, "sync", 200);
    }

    /** The same settings with another queue durability. */
    public EndpointSettings withQueueDurability(String durability, int batchMillis) {
        return new EndpointSettings(endpointId, profile, host, port, clientId, keepAliveSeconds, cleanSession,
                username, password, tlsMode, sni, alpn, connectTimeout, inFlightWindow, queueMaxMessages,
                queueMaxBytes, mqttVersion, durability, batchMillis);
    }

    /** MQTT 3.1.1. */
    public EndpointSettings(String endpointId, EndpointProfile profile, String host, int port, String clientId,
            int keepAliveSeconds, boolean cleanSession, String username, char[] password, String tlsMode, String sni,
            List<String> alpn, Duration connectTimeout, int inFlightWindow, int queueMaxMessages, long queueMaxBytes) {
        this(endpointId, profile, host, port, clientId, keepAliveSeconds, cleanSession, username, password, tlsMode,
                sni, alpn, connectTimeout, inFlightWindow, queueMaxMessages, queueMaxBytes, "3.1.1");
    }

    /** Problems with these settings, in plain words; empty when they are usable. */
    public List<String> problems() {
        List<String> p = new java.util.ArrayList<>();
        if (profile.isRetired()) {
            p.add("Google Cloud IoT Core was shut down on 2023-08-16: endpoints with profile gcp-iot cannot connect. "
                    + "Move the devices to another broker (e.g. profile generic or hivemq-cloud).");
        }
        if (host.isBlank()) {
            p.add("host is empty: set the broker's host name.");
        }
        if (port < 1 || port > 65535) {
            p.add("port " + port + " is outside 1..65535.");
        }
        if (clientId.isBlank()) {
            p.add("client.id is empty: brokers such as AWS IoT need the thing name or a unique id.");
        }
        if (!"3.1.1".equals(mqttVersion) && !"5".equals(mqttVersion)) {
            p.add("mqtt.version '" + mqttVersion + "' is unknown: use 3.1.1 or 5.");
        }
        if (!"host".equals(tlsMode) && !"none".equals(tlsMode) && !"modem".equals(tlsMode)) {
            p.add("TLS mode '" + tlsMode + "' is unknown: use host, modem or none.");
        }
        if ("modem".equals(tlsMode) && !alpn.isEmpty()) {
            p.add("ALPN " + alpn + " cannot be sent by a modem's own TLS: use TLS mode host, or clear alpn.");
        }
        switch (profile) {
        case AWS_IOT:
            if (clientId.getBytes(StandardCharsets.UTF_8).length > 128) {
                p.add("AWS IoT limits client ids to 128 bytes; this one has "
                        + clientId.getBytes(StandardCharsets.UTF_8).length + ".");
            }
            if (keepAliveSeconds < 30 || keepAliveSeconds > 1200) {
                p.add("AWS IoT accepts keep-alive 30-1200 s, not " + keepAliveSeconds + ".");
            }
            if ("none".equals(tlsMode)) {
                p.add("AWS IoT accepts only TLS connections: set TLS mode host (or modem).");
            }
            if (port == 443 && !alpn.contains("x-amzn-mqtt-ca")) {
                p.add("AWS IoT on port 443 needs ALPN x-amzn-mqtt-ca for MQTT with client certificates.");
            }
            break;
        case AZURE_IOT_HUB:
            if ("5".equals(mqttVersion)) {
                p.add("Azure IoT Hub's device endpoint speaks MQTT 3.1.1 (its MQTT 5 support is a preview): set "
                        + "mqtt.version 3.1.1.");
            }
            if (!username.startsWith(host + "/" + clientId + "/")) {
                p.add("Azure IoT Hub expects the user name '" + host + "/" + clientId + "/?api-version=2021-04-12'.");
            }
            break;
        case HIVEMQ_CLOUD:
            if ("none".equals(tlsMode)) {
                p.add("HiveMQ Cloud accepts only TLS (port 8883) with SNI: set TLS mode host.");
            }
            break;
        default:
            break;
        }
        try {
            StoreAndForwardQueue.Durability.of(queueDurability);
        } catch (IllegalArgumentException e) {
            p.add(e.getMessage() + ".");
        }
        if ("batched".equals(queueDurability) && (queueBatchMillis < 10 || queueBatchMillis > 60_000)) {
            p.add("queue.batch.ms " + queueBatchMillis + " is outside 10..60000 ms.");
        }
        if (inFlightWindow < 1 || inFlightWindow > 100) {
            p.add("in-flight window " + inFlightWindow + " is outside 1..100 (AWS IoT allows 100 unacknowledged).");
        }
        return p;
    }
}
