package io.uplink.kura.cloud;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

@ObjectClassDefinition(id = UplinkCloudPublisher.PID, name = "Uplink cloud publisher",
        description = "Publishes what a Kura application or Wire graph hands it to one topic through an Uplink "
                + "endpoint: every message goes into the endpoint's durable queue and is delivered when the link "
                + "allows, over the modem or the gateway's network.")
@interface PublisherConfig {

    @AttributeDefinition(name = "Cloud connection", description = "The kura.service.pid of the Uplink cloud "
            + "connection to publish through (Kura fills it in when the publisher is created under a connection).")
    String cloud_endpoint_service_pid() default "";

    @AttributeDefinition(name = "Topic", description = "The MQTT topic, e.g. devices/gw1/telemetry. No + or #.")
    String topic() default "";

    @AttributeDefinition(name = "QoS", options = { @Option(label = "1: delivered at least once (confirmed)",
            value = "1"), @Option(label = "0: at most once (not confirmed)", value = "0") },
            description = "MQTT quality of service. With 1, Kura applications get a delivery confirmation.")
    int qos() default 1;

    @AttributeDefinition(name = "Retain", description = "Ask the broker to keep the last message for new subscribers.")
    boolean retain() default false;

    @AttributeDefinition(name = "Payload encoding", options = {
        @Option(label = "json: sentOn, metrics and body as JSON", value = KuraPayloadCodec.JSON),
        @Option(label = "body: the payload's body as it is", value = KuraPayloadCodec.BODY) },
            description = "How a Kura payload becomes MQTT bytes.")
    String encoding() default KuraPayloadCodec.JSON;
}
