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
@Component(service = Transport.class, configurationPid = OsTransportConfig.PID, immediate = true,
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

    /**
     * Turns the configuration into settings. A value out of range is reported and replaced by its default, so a
     * typing error in the web form never takes the transport away.
     */
    static SocketSettings toSettings(OsTransportConfig config) {
        long connect = checked("connect.timeout.ms", config.connect_timeout_ms(), 100, 600_000,
                SocketSettings.DEFAULTS.connectTimeout().toMillis());
        long read = checked("read.timeout.ms", config.read_timeout_ms(), 0, 3_600_000,
                SocketSettings.DEFAULTS.readTimeout().toMillis());
        return new SocketSettings(Duration.ofMillis(connect), Duration.ofMillis(read), config.tcp_nodelay(),
                config.tcp_keepalive());
    }

    private static long checked(String name, long value, long min, long max, long fallback) {
        if (value < min || value > max) {
            LOG.error("Configuration {}: {}={} is outside the allowed range {}..{}; using {} until it is corrected "
                    + "(Web Console > OSGi > Configuration > Uplink OS network transport, or conf/{}.cfg)",
                    OsTransportConfig.PID, name, value, min, max, fallback, OsTransportConfig.PID);
            return fallback;
        }
        return value;
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
