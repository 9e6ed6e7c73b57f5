package io.uplink.transport.os;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(id = OsTransportConfig.PID, name = "Uplink OS network transport",
        description = "Sockets over the gateway's own network stack (Ethernet, Wi-Fi or a PPP link). Cloud "
                + "endpoints with transport 'os' use it. Changes apply to connections opened afterwards.")
@interface OsTransportConfig {

    String PID = "io.uplink.transport.os";

    @AttributeDefinition(name = "Connect timeout (ms)", min = "100", max = "600000",
            description = "Longest time, in milliseconds, to resolve the host name and open the TCP connection. "
                    + "Range 100-600000. Default 15000 (15 s); raise it on slow cellular links, e.g. 60000.")
    int connect_timeout_ms() default 15000;

    @AttributeDefinition(name = "Read timeout (ms)", min = "0", max = "3600000",
            description = "Initial read timeout of new connections, in milliseconds: a read waiting longer fails "
                    + "with a timeout and the connection stays usable. 0 = wait without limit (the MQTT keep-alive "
                    + "detects dead links). Range 0-3600000. Default 0.")
    int read_timeout_ms() default 0;

    @AttributeDefinition(name = "TCP_NODELAY",
            description = "Send small packets at once instead of batching them (Nagle's algorithm off). "
                    + "Keep on for MQTT, whose packets are small and latency-sensitive. Default true.")
    boolean tcp_nodelay() default true;

    @AttributeDefinition(name = "TCP keep-alive",
            description = "Let the operating system probe idle connections so dead peers are noticed. Default true.")
    boolean tcp_keepalive() default true;
}
