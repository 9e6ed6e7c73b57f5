package io.uplink.doctor;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.uplink.cloud.EndpointAddress;
import io.uplink.cloud.EndpointProfile;
import io.uplink.credentials.ClientIdentity;

/** Reads a {@code DiagnosisRequest}'s endpoint URI and options into a {@link DoctorTarget}. */
public final class DoctorRequests {

    /** Options a request may carry, by name. */
    public static final List<String> OPTIONS = List.of("sni", "alpn", "client.id", "profile", "username", "topic",
            "timeout.seconds", "ca.alias", "identity.alias", "tls.mode");

    private DoctorRequests() {
    }

    /**
     * Whether the request asks for the modem's own TLS ({@code tls.mode=modem}) rather than the gateway's ({@code host},
     * the default).
     *
     * @throws IllegalArgumentException for any other value
     */
    public static boolean modemTls(Map<String, String> options) {
        return switch (options.getOrDefault("tls.mode", "host").trim()) {
        case "host", "" -> false;
        case "modem" -> true;
        default -> throw new IllegalArgumentException("tls.mode must be host (the gateway's TLS) or modem (the "
                + "modem's own TLS), not '" + options.get("tls.mode") + "'");
        };
    }

    /**
     * @throws IllegalArgumentException naming the bad part and the expected form
     */
    public static DoctorTarget target(String endpointUri, Map<String, String> options, List<X509Certificate> anchors,
            ClientIdentity identity, char[] password) {
        if (!endpointUri.contains("://")) {
            throw new IllegalArgumentException("'" + endpointUri.strip() + "' has no mqtts:// or mqtt:// scheme: "
                    + "write mqtts://HOST:PORT (TLS) or mqtt://HOST:PORT (plain)");
        }
        EndpointAddress address = EndpointAddress.parse(endpointUri, true);
        boolean tls = address.tls();
        int port = address.port();
        for (String key : options.keySet()) {
            if (!OPTIONS.contains(key)) {
                throw new IllegalArgumentException("unknown option '" + key + "': known are " + OPTIONS);
            }
        }
        EndpointProfile profile = EndpointProfile.fromId(options.getOrDefault("profile", "generic"));
        String clientId = options.getOrDefault("client.id", "uplink-doctor-" + ProcessHandle.current().pid());
        int timeout;
        try {
            timeout = Integer.parseInt(options.getOrDefault("timeout.seconds", "10"));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("timeout.seconds must be a number of seconds, 1-50");
        }
        if (timeout < 1 || timeout > 50) {
            throw new IllegalArgumentException("timeout.seconds must be 1-50 (a diagnosis ends within 60 s)");
        }
        String alpn = options.getOrDefault("alpn", "");
        String host = address.host();
        return new DoctorTarget(host, port, tls, options.getOrDefault("sni", ""),
                alpn.isBlank() ? List.of() : List.of(alpn.split(",")), anchors, identity, clientId, profile,
                options.getOrDefault("username", ""), password, options.getOrDefault("topic", "uplink/doctor/"
                        + clientId), Duration.ofSeconds(timeout));
    }
}
