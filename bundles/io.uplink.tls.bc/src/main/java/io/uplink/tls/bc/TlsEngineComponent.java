package io.uplink.tls.bc;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;

import io.uplink.credentials.CredentialStore;
import io.uplink.tls.TlsClientProfile;
import io.uplink.tls.TlsEngine;
import io.uplink.tls.TlsHandshakeException;
import io.uplink.tls.TlsSession;
import io.uplink.transport.Connection;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers the Bouncy Castle {@link TlsEngine}; a configuration change re-creates it. The engine itself (a Bouncy
 * Castle provider with its 2,000-odd algorithm entries, and the JVM's CA list when no default trust alias is set) is
 * made at the first handshake: the doctor and OTA bind this service at start, but a gateway without a TLS endpoint
 * never needs it (with the credential store's provider, also made on first use, 8 MiB of the idle gateway's RSS;
 * docs/PERFORMANCE.md).
 */
@Component(service = TlsEngine.class, configurationPid = TlsEngineConfig.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL, property = "tls.engine=bouncycastle")
@Designate(ocd = TlsEngineConfig.class)
public final class TlsEngineComponent implements TlsEngine {

    private static final Logger LOG = LoggerFactory.getLogger(TlsEngineComponent.class);

    private final List<X509Certificate> anchors;
    private final int sessionCacheSize;
    private volatile BcTlsEngine engine;

    @Activate
    public TlsEngineComponent(TlsEngineConfig config,
            @Reference(cardinality = ReferenceCardinality.OPTIONAL, policyOption = ReferencePolicyOption.GREEDY)
            CredentialStore credentials) {
        List<X509Certificate> anchors = List.of();
        String alias = config.default_trust_alias().trim();
        if (!alias.isEmpty()) {
            if (credentials == null) {
                LOG.error("Configuration {}: default.trust.alias={} but no credential store is running; brokers "
                        + "will be checked against the Java runtime's CA list", TlsEngineConfig.PID, alias);
            } else {
                anchors = credentials.trustAnchors(alias);
                if (anchors.isEmpty()) {
                    LOG.error("Configuration {}: credential alias '{}' holds no CA certificates; import them with "
                            + "'uplink creds import --alias {} --ca FILE'. Using the Java runtime's CA list until "
                            + "then", TlsEngineConfig.PID, alias, alias);
                }
            }
        }
        int size = config.session_cache_size();
        if (size < 0 || size > 1024) {
            LOG.error("Configuration {}: session.cache.size={} is outside 0..1024; using 64", TlsEngineConfig.PID,
                    size);
            size = 64;
        }
        this.anchors = anchors;
        this.sessionCacheSize = size;
        LOG.info("TLS engine ready: {} default trust anchors, session cache {}", anchors.isEmpty() ? "JVM"
                : String.valueOf(anchors.size()), size);
    }

    @Override
    public TlsSession handshake(Connection connection, TlsClientProfile profile) throws TlsHandshakeException {
        return engine().handshake(connection, profile);
    }

    private BcTlsEngine engine() {
        BcTlsEngine e = engine;
        if (e == null) {
            synchronized (this) {
                e = engine;
                if (e == null) {
                    e = new BcTlsEngine(anchors, sessionCacheSize, Clock.systemUTC());
                    engine = e;
                }
            }
        }
        return e;
    }
}
