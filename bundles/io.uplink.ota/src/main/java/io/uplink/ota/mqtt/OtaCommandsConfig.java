package io.uplink.ota.mqtt;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(id = OtaCommandsConfig.PID, name = "Uplink OTA commands over MQTT",
        description = "Takes OTA requests (install from a URL, rollback, uninstall, list) on an endpoint's request "
                + "topic and answers with progress and the result on its response topic. Packages must still be "
                + "signed by the OTA trust anchor.")
@interface OtaCommandsConfig {

    String PID = "io.uplink.ota.mqtt";

    @AttributeDefinition(name = "Endpoint", description = "cloud.endpoint.id of the endpoint whose topics carry "
            + "the requests, e.g. telemetry.")
    String cloud_endpoint_id();

    @AttributeDefinition(name = "Gateway id", required = false,
            description = "Replaces {gateway.id} in the topics. Empty = the host name.")
    String gateway_id() default "";

    @AttributeDefinition(name = "Request topic", description = "Where requests arrive. Default "
            + "gateways/{gateway.id}/ota/request")
    String request_topic() default "gateways/{gateway.id}/ota/request";

    @AttributeDefinition(name = "Response topic", description = "Where answers go (QoS 1). Default "
            + "gateways/{gateway.id}/ota/response")
    String response_topic() default "gateways/{gateway.id}/ota/response";

    @AttributeDefinition(name = "Progress interval (seconds)", min = "1", max = "3600",
            description = "While a job runs, its progress (phase, bytes, rate, seconds left, resumes) is published "
                    + "on the response topic this often, e.g. 10; each message costs a few hundred bytes on a "
                    + "metered link. Range 1-3600. Default 10.")
    int progress_interval_seconds() default 10;
}
