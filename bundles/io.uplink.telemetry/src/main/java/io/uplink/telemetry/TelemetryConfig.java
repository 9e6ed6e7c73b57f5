package io.uplink.telemetry;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

@ObjectClassDefinition(id = TelemetryConfig.FACTORY_PID, name = "Uplink gateway telemetry",
        description = "Publishes a small JSON health record of this gateway (uptime, memory, load, modems and their "
                + "registration, the endpoint's connection state) to a cloud endpoint at a fixed interval. Messages "
                + "go through the endpoint's durable queue, so records taken while offline are delivered later.")
@interface TelemetryConfig {

    String FACTORY_PID = "io.uplink.telemetry";

    @AttributeDefinition(name = "Cloud endpoint id", description = "The cloud.endpoint.id of the endpoint to publish "
            + "through (an 'Uplink MQTT cloud endpoint' configuration), e.g. aws-prod.")
    String cloud_endpoint_id();

    @AttributeDefinition(name = "Gateway id", description = "Name of this gateway in the records and in the topic. "
            + "Empty = the host name.")
    String gateway_id() default "";

    @AttributeDefinition(name = "Topic", description = "Topic to publish to; {gateway.id} is replaced by the gateway "
            + "id. Example: dt/acme/{gateway.id}/telemetry.")
    String topic() default "gateways/{gateway.id}/telemetry";

    @AttributeDefinition(name = "Interval (s)", min = "1", max = "86400", description = "Seconds between records, "
            + "1-86400. Every record is queued on disk; over a metered cellular link, 60 or more is usual.")
    int interval_seconds() default 60;

    @AttributeDefinition(name = "QoS", options = { @Option(label = "0 (at most once)", value = "0"),
            @Option(label = "1 (at least once)", value = "1") },
            description = "MQTT QoS of the records. 1 keeps a record queued until the broker acknowledged it.")
    int qos() default 1;
}
