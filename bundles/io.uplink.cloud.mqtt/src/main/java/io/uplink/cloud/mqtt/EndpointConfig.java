package io.uplink.cloud.mqtt;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

@ObjectClassDefinition(id = EndpointConfig.FACTORY_PID, name = "Uplink cloud MQTT endpoint",
        description = "One cloud MQTT endpoint. Applications publish through the CloudConnection service this "
                + "registers; every accepted message is on disk before publish returns and is delivered when the "
                + "link allows, surviving broker restarts, link drops and gateway restarts. Create one "
                + "configuration per endpoint.")
@interface EndpointConfig {

    String FACTORY_PID = "io.uplink.cloud.mqtt";

    @AttributeDefinition(name = "Endpoint id", description = "A short name applications use to find this "
            + "connection (it is the service property cloud.endpoint.id), e.g. telemetry. Letters, digits, - and _ only.")
    String cloud_endpoint_id() default "cloud";

    @AttributeDefinition(name = "Profile", description = "The broker's rules, enforced before anything is sent: "
            + "aws-iot (TLS only, QoS 0/1, client id <= 128 bytes, 128 KB payloads, keep-alive 30-1200 s), "
            + "azure-iot-hub (QoS 0/1, 256 KB, user name <hub>/<device>/?api-version=...), hivemq-cloud (TLS with "
            + "SNI), generic. gcp-iot is refused: Google shut the service down on 2023-08-16.", options = {
                @Option(label = "Generic MQTT 3.1.1 broker", value = "generic"),
                @Option(label = "AWS IoT Core", value = "aws-iot"),
                @Option(label = "Azure IoT Hub", value = "azure-iot-hub"),
                @Option(label = "HiveMQ Cloud", value = "hivemq-cloud"),
                @Option(label = "Google Cloud IoT Core (shut down 2023-08-16)", value = "gcp-iot") })
    String profile() default "generic";

    @AttributeDefinition(name = "Host", description = "The broker's host name, e.g. "
            + "a1b2c3d4e5f6g7-ats.iot.eu-west-1.amazonaws.com or myhub.azure-devices.net.")
    String host() default "";

    @AttributeDefinition(name = "Port", min = "1", max = "65535", description = "TCP port: 8883 for MQTT over TLS "
            + "(all cloud brokers), 443 for AWS IoT with ALPN, 1883 for plain MQTT on a local broker.")
    int port() default 8883;

    @AttributeDefinition(name = "Client id", description = "MQTT client id: the AWS IoT thing name, the Azure "
            + "device id, or any id unique on the broker. Two clients with the same id disconnect each other.")
    String client_id() default "";

    @AttributeDefinition(name = "MQTT version", description = "3.1.1 works with every broker (and is the only one "
            + "Azure IoT Hub devices use). 5 adds reason codes for refusals, and the broker's Receive Maximum then "
            + "caps the in-flight window; AWS IoT, HiveMQ and mosquitto 1.6+ speak it.", options = {
                @Option(label = "3.1.1", value = "3.1.1"), @Option(label = "5", value = "5") })
    String mqtt_version() default "3.1.1";

    @AttributeDefinition(name = "Keep-alive (s)", min = "0", max = "65535", description = "Seconds between MQTT "
            + "PINGREQs when idle. Cellular NATs often drop idle mappings after 60-300 s, so stay below that. "
            + "AWS IoT accepts 30-1200.")
    int keepalive_seconds() default 60;

    @AttributeDefinition(name = "Clean session", description = "If unchecked (recommended), the broker keeps this "
            + "client's subscriptions and queued QoS 1 messages while the gateway is offline.")
    boolean clean_session() default false;

    @AttributeDefinition(name = "Transport", description = "How to reach the broker: 'os' for the gateway's own "
            + "network (Ethernet, Wi-Fi, a modem in PPP/ECM mode), or the PID of an Uplink modem configuration "
            + "(e.g. io.uplink.modem~emulated) to go through that modem's sockets.")
    String transport() default "os";

    @AttributeDefinition(name = "TLS mode", description = "host: TLS 1.2/1.3 by the gateway's TLS engine (works "
            + "through modems too; verified against the trust anchors); none: plain MQTT, only for a broker on the "
            + "local network; modem: the modem's own TLS stack (TLS 1.2 at most on most modems, no ALPN): the trust "
            + "alias (and the client certificate alias) are provisioned into the modem, compared first and read back; "
            + "needs a modem transport and a trust alias.", options = {
                @Option(label = "Gateway TLS engine", value = "host"), @Option(label = "None (plain MQTT)",
                        value = "none"),
                @Option(label = "Modem TLS stack", value = "modem") })
    String tls_mode() default "host";

    @AttributeDefinition(name = "Client certificate alias", required = false, description = "Alias in the Uplink "
            + "credential store of the client certificate and key (AWS IoT, Azure X.509 devices). Empty: no client "
            + "certificate.")
    String credentials_alias() default "";

    @AttributeDefinition(name = "Trust anchors alias", required = false, description = "Alias in the credential "
            + "store of the CA certificates the server must chain to, e.g. AmazonRootCA1. Empty: the TLS engine's "
            + "default anchors.")
    String trust_alias() default "";

    @AttributeDefinition(name = "User name", required = false, description = "MQTT user name, if the broker uses "
            + "them (HiveMQ Cloud; Azure IoT Hub: <hub>.azure-devices.net/<device>/?api-version=2021-04-12).")
    String username() default "";

    @AttributeDefinition(name = "Password", type = AttributeType.PASSWORD, required = false,
            description = "MQTT password. Never logged.")
    String _password() default "";

    @AttributeDefinition(name = "Azure device key", type = AttributeType.PASSWORD, required = false,
            description = "Profile azure-iot-hub with symmetric-key devices: the device's primary key (Base64, from "
                    + "the portal). A SAS token is made from it for every connection and used as the password. "
                    + "Never logged. Leave empty for X.509 devices.")
    String _azure_device_key() default "";

    @AttributeDefinition(name = "Azure SAS validity (h)", min = "1", max = "8760", description = "How long each "
            + "generated SAS token is valid, in hours (1-8760). The hub disconnects when it expires and a new token "
            + "is made on reconnect. Default 24.")
    int azure_sas_validity_hours() default 24;

    @AttributeDefinition(name = "SNI host name", required = false, description = "Server name sent in the TLS "
            + "handshake and checked against the certificate. Empty: the host. Only set it when connecting by IP "
            + "address or through a proxy; a wrong name makes AWS IoT drop the connection after CONNECT.")
    String sni() default "";

    @AttributeDefinition(name = "ALPN protocols", required = false, description = "Application protocols offered "
            + "in the TLS handshake, e.g. x-amzn-mqtt-ca for AWS IoT on port 443. Empty: none offered.")
    String[] alpn() default {};

    @AttributeDefinition(name = "TLS policy", options = {
        @Option(label = "modern: TLS 1.3 and 1.2 with forward secrecy and AEAD suites", value = "modern"),
        @Option(label = "compatible: modern plus TLS 1.2 CBC and RSA key exchange, for old brokers",
                value = "compatible"),
        @Option(label = "constrained: what resumes (TLS 1.2 session resumption), for metered NB-IoT/LTE-M links",
                value = "constrained") },
        description = "What TLS mode 'host' offers. constrained: modern's suites, but only TLS 1.2 while the broker "
            + "accepts it, because the gateway's TLS engine resumes TLS 1.2 sessions (a reconnect costs about 400 "
            + "bytes instead of 1,000-3,500) and cannot resume TLS 1.3 ones; a broker that refuses TLS 1.2 gets TLS "
            + "1.3 from the next attempt. Default modern.")
    String tls_policy() default "modern";

    @AttributeDefinition(name = "Connect timeout (s)", min = "5", max = "600", description = "Time allowed for "
            + "the transport connection; the TLS handshake gets 30 s more (cellular handshakes can take 10 s).")
    int connect_timeout_seconds() default 30;

    @AttributeDefinition(name = "In-flight window", min = "1", max = "100", description = "QoS 1 messages sent "
            + "but not yet acknowledged. Keep it under the broker's limit (AWS IoT: 100; mosquitto default: 20).")
    int in_flight_window() default 10;

    @AttributeDefinition(name = "Queue capacity (messages)", min = "1", description = "Most messages kept on disk "
            + "waiting for delivery. When full, publish is refused with error queue-full; nothing queued is dropped.")
    int queue_max_messages() default 100_000;

    @AttributeDefinition(name = "Queue capacity (MiB)", min = "1", description = "Most payload bytes, in MiB, kept "
            + "on disk waiting for delivery. When full, publish is refused with error queue-full.")
    int queue_max_mib() default 64;

    @AttributeDefinition(name = "Queue durability", options = {
        @Option(label = "sync: on disk before publish returns (no loss on a crash or power cut)", value = "sync"),
        @Option(label = "batched: synced every 'Queue sync interval' (a crash loses up to that much)",
                value = "batched"),
        @Option(label = "memory: written only at a clean stop (a crash loses everything since the start)",
                value = "memory") },
        description = "How far an accepted message is on disk. sync (default): a publish completes only when its "
            + "message is synced; messages accepted at the same time share one sync, so flash wear stays low. "
            + "batched: one sync every 'Queue sync interval' ms; a crash or power cut loses the messages accepted "
            + "in that window. memory: what Kura's cloud service does by default; nothing is synced while running, "
            + "and a crash or power cut loses every message not yet delivered. The status shows syncs per message.")
    String queue_durability() default "sync";

    @AttributeDefinition(name = "Queue sync interval (ms)", min = "10", max = "60000", description = "With "
            + "durability batched: the longest time, in milliseconds, between syncs, and so the loss window on a "
            + "crash or power cut (e.g. 200 ms: at most 200 ms of accepted messages). Ignored otherwise.")
    int queue_batch_ms() default 200;
}
