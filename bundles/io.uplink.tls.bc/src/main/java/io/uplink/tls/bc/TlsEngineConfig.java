package io.uplink.tls.bc;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(id = TlsEngineConfig.PID, name = "Uplink TLS engine",
        description = "TLS 1.3/1.2 on the gateway (Bouncy Castle), used by cloud endpoints with TLS mode 'host'. "
                + "What a connection offers (SNI, ALPN, cipher policy) is set per endpoint; this form holds the "
                + "defaults every connection shares.")
@interface TlsEngineConfig {

    String PID = "io.uplink.tls.bc";

    @AttributeDefinition(name = "Default trust anchors",
            description = "Credential alias whose CA certificates verify brokers when an endpoint names none. "
                    + "Empty = the Java runtime's CA list (public CAs such as Amazon, DigiCert, Let's Encrypt). "
                    + "Example: broker-ca")
    String default_trust_alias() default "";

    @AttributeDefinition(name = "Session cache size", min = "0", max = "1024",
            description = "TLS 1.2 sessions kept for resumption (a resumed handshake is ~460 bytes instead of "
                    + "~3000: it matters on metered links). 0 = no resumption. Range 0-1024. Default 64.")
    int session_cache_size() default 64;
}
