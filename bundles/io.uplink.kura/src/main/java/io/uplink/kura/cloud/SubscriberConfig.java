package io.uplink.kura.cloud;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

@ObjectClassDefinition(id = UplinkCloudSubscriber.PID, name = "Uplink cloud subscriber",
        description = "Hands the messages an Uplink endpoint receives on a topic filter to Kura applications and Wire "
                + "graphs. The subscription is renewed whenever the endpoint reconnects.")
@interface SubscriberConfig {

    @AttributeDefinition(name = "Cloud connection", description = "The kura.service.pid of the Uplink cloud "
            + "connection to subscribe through (Kura fills it in when the subscriber is created under a connection).")
    String cloud_endpoint_service_pid() default "";

    @AttributeDefinition(name = "Topic filter", description = "An MQTT topic filter, e.g. devices/gw1/cmd/#.")
    String topic() default "";

    @AttributeDefinition(name = "QoS", options = { @Option(label = "1: at least once", value = "1"),
        @Option(label = "0: at most once", value = "0") }, description = "MQTT quality of service of the subscription.")
    int qos() default 1;
}
