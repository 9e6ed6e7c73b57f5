package io.uplink.credentials.store;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import io.uplink.credentials.ClientIdentity;
import io.uplink.credentials.CredentialException;
import io.uplink.credentials.CredentialListener;
import io.uplink.credentials.CredentialPart;
import io.uplink.credentials.CredentialStore;
import io.uplink.credentials.CredentialSummary;
import io.uplink.credentials.CredentialUse;
import io.uplink.credentials.PemStyle;
import io.uplink.credentials.ValidationContext;
import io.uplink.credentials.ValidationReport;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers the {@link CredentialStore}. A configuration change re-creates the component (store path and secret
 * cannot change under open handles); listeners are told about changes through the whiteboard.
 */
@Component(service = CredentialStore.class, configurationPid = CredentialStoreConfig.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL, immediate = true)
@Designate(ocd = CredentialStoreConfig.class)
public final class CredentialStoreComponent implements CredentialStore {

    private static final Logger LOG = LoggerFactory.getLogger(CredentialStoreComponent.class);

    private final List<CredentialListener> listeners = new CopyOnWriteArrayList<>();
    private final BcCredentialStore store;

    @Activate
    public CredentialStoreComponent(CredentialStoreConfig config, BundleContext context) throws IOException {
        Path path = storePath(config, context);
        int days = config.expiry_warning_days();
        if (days < 1 || days > 365) {
            LOG.error("Configuration {}: expiry.warning.days={} is outside 1..365; using 30", CredentialStoreConfig.PID,
                    days);
            days = 30;
        }
        this.store = BcCredentialStore.open(path, config._store_secret(), config.store_secret_file(),
                Duration.ofDays(days), this::announce);
        try {
            store.verifyReadable();
            LOG.info("Credential store open: {} ({} aliases)", path, store.list().size());
        } catch (CredentialException e) {
            // Stay registered so the problem is visible through the service; never overwrite the file.
            LOG.error("{}", e.getMessage());
        }
    }

    /**
     * The launcher's data folder ({@code uplink.data}, else {@code uplink.home}/data) when launched by bin/uplink,
     * else the bundle's data area (Kura).
     */
    static Path storePath(CredentialStoreConfig config, BundleContext context) {
        if (!config.store_path().isBlank()) {
            return Path.of(config.store_path());
        }
        String dataDir = context.getProperty("uplink.data");
        if (dataDir != null && !dataDir.isBlank()) {
            return Path.of(dataDir, "credentials", "credentials.bcfks");
        }
        String home = context.getProperty("uplink.home");
        if (home != null && !home.isBlank()) {
            return Path.of(home, "data", "credentials", "credentials.bcfks");
        }
        File data = context.getDataFile("credentials.bcfks");
        return data != null ? data.toPath() : Path.of("credentials.bcfks").toAbsolutePath();
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addListener(CredentialListener listener) {
        listeners.add(listener);
    }

    void removeListener(CredentialListener listener) {
        listeners.remove(listener);
    }

    private void announce(String alias, CredentialListener.Change change) {
        for (CredentialListener l : listeners) {
            try {
                l.credentialChanged(alias, change);
            } catch (RuntimeException e) {
                LOG.warn("A credential listener failed on '{}' {}: {}", alias, change, e.toString());
            }
        }
    }

    @Override
    public ValidationReport importCredential(String alias, byte[] content, char[] passphrase)
            throws CredentialException {
        return store.importCredential(alias, content, passphrase);
    }

    @Override
    public ValidationReport importCredential(String alias, byte[] content, char[] passphrase, CredentialUse use)
            throws CredentialException {
        return store.importCredential(alias, content, passphrase, use);
    }

    @Override
    public ValidationReport inspect(List<byte[]> contents, char[] passphrase, ValidationContext context)
            throws CredentialException {
        return store.inspect(contents, passphrase, context);
    }

    @Override
    public byte[] exportPem(String alias, CredentialPart part, PemStyle style) throws CredentialException {
        return store.exportPem(alias, part, style);
    }

    @Override
    public ValidationReport validate(String alias, ValidationContext context) throws CredentialException {
        return store.validate(alias, context);
    }

    @Override
    public List<CredentialSummary> list() {
        return store.list();
    }

    @Override
    public Optional<ClientIdentity> clientIdentity(String alias) {
        return store.clientIdentity(alias);
    }

    @Override
    public List<X509Certificate> trustAnchors(String alias) {
        return store.trustAnchors(alias);
    }

    @Override
    public boolean delete(String alias) throws CredentialException {
        return store.delete(alias);
    }

    @Override
    public String problem() {
        return store.problem();
    }
}
