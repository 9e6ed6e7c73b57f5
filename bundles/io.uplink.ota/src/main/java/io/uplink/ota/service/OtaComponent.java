package io.uplink.ota.service;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.deploymentadmin.DeploymentAdmin;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.uplink.cloud.CloudConnection;
import io.uplink.credentials.CredentialStore;
import io.uplink.ota.OtaException;
import io.uplink.ota.OtaJob;
import io.uplink.ota.OtaProgress;
import io.uplink.ota.OtaReason;
import io.uplink.ota.PackageInfo;
import io.uplink.ota.PackageUpdater;
import io.uplink.ota.download.BandwidthCap;
import io.uplink.ota.download.PackageDownload;
import io.uplink.ota.verify.PackageVerifier;
import io.uplink.tls.TlsClientProfile;
import io.uplink.tls.TlsEngine;
import io.uplink.transport.Connection;
import io.uplink.transport.Transport;

/**
 * Registers the {@link PackageUpdater}: wires DeploymentAdmin, the credential store (for the trust anchors, read
 * afresh for every job so that a new anchor applies at once), SCR and the cloud endpoints into {@link UpdateJobs}.
 * At activation a job that a restart interrupted is finished on a thread of this component, which deactivation
 * stops.
 */
@Component(service = PackageUpdater.class, configurationPid = OtaConfig.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL, immediate = true)
@Designate(ocd = OtaConfig.class)
public final class OtaComponent implements PackageUpdater {

    private static final Logger LOG = LoggerFactory.getLogger(OtaComponent.class);

    private final UpdateJobs jobs;
    private final PackageDownload download;
    private final ExecutorService recovery;
    private final List<CloudConnection> endpoints = new CopyOnWriteArrayList<>();
    private volatile ServiceComponentRuntime scr;

    @Activate
    public OtaComponent(OtaConfig config, BundleContext context, @Reference DeploymentAdmin admin,
            @Reference CredentialStore credentials,
            @Reference(name = "transport", cardinality = ReferenceCardinality.OPTIONAL,
                    policyOption = ReferencePolicyOption.GREEDY, target = "(transport.kind=os)") Transport transport,
            @Reference(name = "tls", cardinality = ReferenceCardinality.OPTIONAL,
                    policyOption = ReferencePolicyOption.GREEDY) TlsEngine tls) throws IOException {
        int seconds = config.health_timeout_seconds();
        if (seconds < 1 || seconds > 3600) {
            LOG.error("Configuration {}: health.timeout.seconds={} is outside 1..3600; using 60", OtaConfig.PID,
                    seconds);
            seconds = 60;
        }
        String alias = config.ota_trust_alias().trim();
        Collection<CloudConnection> view = endpoints;
        PackageInstaller installer = new DeploymentAdminInstaller(admin, () -> scr, () -> view,
                Duration.ofSeconds(seconds), config.health_endpoint_id().trim());
        this.jobs = new UpdateJobs(dataDir(config, context), installer,
                () -> new PackageVerifier(credentials.trustAnchors(alias)), Clock.systemUTC());
        LOG.info("OTA updates ready: files and journal in {}, signers must chain to credential alias '{}'",
                dataDir(config, context), alias);
        String downloadAlias = config.download_trust_alias().trim();
        int attempts = Math.max(1, Math.min(1000, config.download_attempts()));
        long maxBytes = Math.max(1, Math.min(4096, config.download_max_mib())) * 1024L * 1024L;
        int kib = config.download_max_kib_per_second();
        if (kib < 0 || kib > 1_048_576) {
            LOG.error("Configuration {}: download.max.kib.per.second={} is outside 0..1048576; downloads are not "
                    + "capped", OtaConfig.PID, kib);
            kib = 0;
        }
        long cap = kib * 1024L;
        this.download = new PackageDownload((host, port, secure) -> {
            if (transport == null) {
                throw new IOException("no transport matches " + config.transport_target() + " (is the network or "
                        + "modem configured?)");
            }
            Connection c = transport.connect(host, port, Duration.ofSeconds(30));
            try {
                c.setReadTimeout(Duration.ofSeconds(60));
                if (!secure) {
                    return c;
                }
                if (tls == null) {
                    throw new IOException("no TLS engine is running (bundle io.uplink.tls.bc) for https");
                }
                TlsClientProfile.Builder profile = TlsClientProfile.builder(host);
                if (!downloadAlias.isEmpty()) {
                    profile.trustAnchors(credentials.trustAnchors(downloadAlias));
                }
                return tls.handshake(c, profile.build());
            } catch (IOException | RuntimeException e) {
                c.close();
                throw e;
            }
        }, attempts, Duration.ofSeconds(5), maxBytes, () -> BandwidthCap.of(cap));
        this.recovery = Executors.newSingleThreadExecutor(r -> new Thread(r, "uplink-ota-recovery"));
        recovery.execute(() -> {
            try {
                jobs.recover().ifPresent(j -> LOG.info("OTA recovery: {}", j));
            } catch (OtaException e) {
                LOG.error("OTA recovery: {}", e.explain());
            }
        });
    }

    static Path dataDir(OtaConfig config, BundleContext context) {
        if (!config.data_dir().isBlank()) {
            return Path.of(config.data_dir());
        }
        String dataDir = context.getProperty("uplink.data");
        if (dataDir != null && !dataDir.isBlank()) {
            return Path.of(dataDir, "ota");
        }
        String home = context.getProperty("uplink.home");
        if (home != null && !home.isBlank()) {
            return Path.of(home, "data", "ota");
        }
        File data = context.getDataFile("ota");
        return data != null ? data.toPath() : Path.of("ota").toAbsolutePath();
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        recovery.shutdownNow();
        if (!recovery.awaitTermination(10, TimeUnit.SECONDS)) {
            LOG.warn("OTA recovery did not stop within 10 s");
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void setScr(ServiceComponentRuntime runtime) {
        this.scr = runtime;
    }

    void unsetScr(ServiceComponentRuntime runtime) {
        if (this.scr == runtime) {
            this.scr = null;
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addEndpoint(CloudConnection c) {
        endpoints.add(c);
    }

    void removeEndpoint(CloudConnection c) {
        endpoints.remove(c);
    }

    @Override
    public OtaJob install(Path file) throws OtaException {
        return jobs.install(file);
    }

    @Override
    public OtaJob install(URI url, String sha256, long size) throws OtaException {
        try {
            return jobs.install(url, sha256, size, download);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OtaException(OtaReason.STORAGE, "Interrupted while downloading " + url + "; asking again "
                    + "resumes the download.", e);
        }
    }

    @Override
    public String verify(Path file) throws OtaException {
        return jobs.verify(file);
    }

    @Override
    public OtaJob uninstall(String name) throws OtaException {
        return jobs.uninstall(name);
    }

    @Override
    public OtaJob rollback(String name) throws OtaException {
        return jobs.rollback(name);
    }

    @Override
    public List<PackageInfo> list() {
        return jobs.list();
    }

    @Override
    public Optional<OtaJob> lastJob() {
        return jobs.lastJob();
    }

    @Override
    public Optional<OtaProgress> progress() {
        return jobs.progress();
    }
}
