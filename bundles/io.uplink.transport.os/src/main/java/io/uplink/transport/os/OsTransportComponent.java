package io.uplink.transport.os;

import java.time.Duration;

import io.uplink.transport.Connection;
import io.uplink.transport.Transport;
import io.uplink.transport.TransportException;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers the OS-socket {@link Transport}. Configuration is optional: without it the defaults apply. A changed
 * configuration applies to connections opened afterwards; open connections keep theirs.
 */
@Component(service = Transport.class, configurationPid = OsTransportConfig.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = { Transport.KIND + "=" + Transport.KIND_OS })
@Designate(ocd = OsTransportConfig.class)
public final class OsTransportComponent implements Transport {

    private static final Logger LOG = LoggerFactory.getLogger(OsTransportComponent.class);

    private volatile OsSocketTransport delegate;

    @Activate
    public OsTransportComponent(OsTransportConfig config) {
        apply(config);
    }

    @Modified
    void modified(OsTransportConfig config) {
        apply(config);
    }

    private void apply(OsTransportConfig config) {
        SocketSettings settings = toSettings(config);
        delegate = new OsSocketTransport(settings);
        LOG.info("OS transport ready: connect timeout {} ms, read timeout {} ms, TCP_NODELAY {}, keep-alive {}",
                settings.connectTimeout().toMillis(), settings.readTimeout().toMillis(), settings.tcpNoDelay(),
                settings.keepAlive());
    }

    static SocketSettings toSettings(OsTransportConfig config) {
        return new SocketSettings(Duration.ofMillis(config.connect_timeout_ms()),
                Duration.ofMillis(config.read_timeout_ms()), config.tcp_nodelay(), config.tcp_keepalive());
    }

    @Override
    public Connection connect(String host, int port, Duration connectTimeout) throws TransportException {
        return delegate.connect(host, port, connectTimeout);
    }

    @Override
    public String describe() {
        return delegate.describe();
    }

    @Override
    public int maxConnections() {
        return delegate.maxConnections();
    }
}
