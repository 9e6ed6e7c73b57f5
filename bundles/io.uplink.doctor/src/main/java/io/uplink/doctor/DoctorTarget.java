package io.uplink.doctor;

import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.uplink.cloud.EndpointProfile;
import io.uplink.credentials.ClientIdentity;

/**
 * What the doctor connects to and with what.
 *
 * @param sni server name to send; empty = the host (none for an IP literal)
 * @param anchors CA certificates the server must chain to; empty = the TLS engine's defaults
 * @param identity client certificate and key, or null
 * @param topic where the publish rung sends its one test message
 * @param timeout bound for each network step
 */
public record DoctorTarget(String host, int port, boolean tls, String sni, List<String> alpn,
        List<X509Certificate> anchors, ClientIdentity identity, String clientId, EndpointProfile profile,
        String username, char[] password, String topic, Duration timeout) {

    public DoctorTarget {
        alpn = List.copyOf(alpn);
        anchors = List.copyOf(anchors);
        sni = sni == null ? "" : sni;
        username = username == null ? "" : username;
    }

    /** The same target with these CA certificates, client identity and password. */
    public DoctorTarget withCredentials(List<X509Certificate> trust, ClientIdentity id, char[] secret) {
        return new DoctorTarget(host, port, tls, sni, alpn, trust, id, clientId, profile, username, secret, topic,
                timeout);
    }

    /** The profile's rules that these settings break, in plain words with the fix; empty when none. */
    List<String> profileProblems(int keepAliveSeconds) {
        List<String> p = new ArrayList<>();
        int idBytes = clientId.getBytes(StandardCharsets.UTF_8).length;
        switch (profile) {
        case AWS_IOT -> {
            if (!tls) {
                p.add("AWS IoT accepts only TLS: use mqtts:// (port 8883 or 443).");
            }
            if (idBytes > 128) {
                p.add("AWS IoT limits client ids to 128 bytes; this one has " + idBytes + ".");
            }
            if (port == 443 && !alpn.contains("x-amzn-mqtt-ca")) {
                p.add("AWS IoT on port 443 needs ALPN x-amzn-mqtt-ca: add --alpn x-amzn-mqtt-ca, or use port 8883.");
            }
            if (keepAliveSeconds < 30 || keepAliveSeconds > 1200) {
                p.add("AWS IoT accepts keep-alive 30-1200 s, not " + keepAliveSeconds + ".");
            }
        }
        case AZURE_IOT_HUB -> {
            if (!username.startsWith(host + "/" + clientId + "/")) {
                p.add("Azure IoT Hub expects the user name '" + host + "/" + clientId + "/?api-version=2021-04-12'.");
            }
            if (!tls) {
                p.add("Azure IoT Hub accepts only TLS: use mqtts:// (port 8883).");
            }
        }
        case HIVEMQ_CLOUD -> {
            if (!tls) {
                p.add("HiveMQ Cloud accepts only TLS (with SNI): use mqtts:// (port 8883).");
            }
        }
        case GCP_IOT -> p.add("Google Cloud IoT Core was shut down on 2023-08-16: move the devices to another broker.");
        default -> {
        }
        }
        return p;
    }
}
