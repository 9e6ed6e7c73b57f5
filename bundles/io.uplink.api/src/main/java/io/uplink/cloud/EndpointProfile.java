package io.uplink.cloud;

/**
 * What a cloud broker requires and limits.
 *
 * @since 1.0
 */
public enum EndpointProfile {
    /** AWS IoT Core: X.509 client certificate, SNI required, QoS 0/1, 128 KB payloads. */
    AWS_IOT("aws-iot", 1, 128 * 1024, false),
    /** Azure IoT Hub: SAS token or X.509, QoS 0/1, 256 KB messages. */
    AZURE_IOT_HUB("azure-iot-hub", 1, 256 * 1024, false),
    /** HiveMQ Cloud: TLS with SNI, username and password. */
    HIVEMQ_CLOUD("hivemq-cloud", 2, 256 * 1024 * 1024, false),
    /** Any standards-conforming MQTT broker. */
    GENERIC("generic", 2, 256 * 1024 * 1024, false),
    /** Google Cloud IoT Core: shut down on 2023-08-16; kept so configurations naming it get a clear refusal. */
    GCP_IOT("gcp-iot", 1, 256 * 1024, true);

    private final String id;
    private final int maxQos;
    private final int maxPayloadBytes;
    private final boolean retired;

    EndpointProfile(String id, int maxQos, int maxPayloadBytes, boolean retired) {
        this.id = id;
        this.maxQos = maxQos;
        this.maxPayloadBytes = maxPayloadBytes;
        this.retired = retired;
    }

    /** The configuration value, e.g. {@code aws-iot}. */
    public String id() {
        return id;
    }

    public int maxQos() {
        return maxQos;
    }

    public int maxPayloadBytes() {
        return maxPayloadBytes;
    }

    /** {@code true} for services that no longer exist. */
    public boolean isRetired() {
        return retired;
    }

    /**
     * The profile for a configuration value.
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static EndpointProfile fromId(String id) {
        for (EndpointProfile p : values()) {
            if (p.id.equals(id)) {
                return p;
            }
        }
        throw new IllegalArgumentException("Unknown endpoint profile '" + id
                + "': use one of aws-iot, azure-iot-hub, hivemq-cloud, generic");
    }
}
