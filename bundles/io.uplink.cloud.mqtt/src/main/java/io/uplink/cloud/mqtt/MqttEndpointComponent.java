package io.uplink.cloud.mqtt;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.uplink.cloud.CloudConnection;
import io.uplink.cloud.CloudException;
import io.uplink.cloud.ConnectionState;
import io.uplink.cloud.DeliveryReceipt;
import io.uplink.cloud.EndpointProfile;
import io.uplink.cloud.MessageHandler;
import io.uplink.cloud.Subscription;
import io.uplink.credentials.ClientIdentity;
import io.uplink.credentials.CredentialStore;
import io.uplink.modem.Modem;
import io.uplink.tls.TlsClientProfile;
import io.uplink.tls.TlsEngine;
import io.uplink.transport.Transport;

/**
 * One configured endpoint as a {@link CloudConnection} service, immediate so that queued messages drain from start-up
 * even before any application asks for the service. Transports, the TLS engine and the credential store
 * are tracked dynamically and looked up on every connection attempt: when a modem or the TLS bundle goes away the
 * connection waits and retries, and applications keep their service reference throughout.
 */
@Component(service = CloudConnection.class, configurationPid = EndpointConfig.FACTORY_PID, immediate = true,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = EndpointConfig.class, factory = true)
public final class MqttEndpointComponent implements CloudConnection {

    private static final Logger LOG = LoggerFactory.getLogger(MqttEndpointComponent.class);
    private static final Pattern ENDPOINT_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private record Tracked<T>(T service, Map<String, Object> properties) {
    }

    private final List<Tracked<Transport>> transports = new CopyOnWriteArrayList<>();
    private final List<TlsEngine> engines = new CopyOnWriteArrayList<>();
    private final List<Tracked<Modem>> modems = new CopyOnWriteArrayList<>();
    private volatile CredentialStore credentials;
    private volatile MqttCloudConnection connection;

    /** Called after DS bound the references present now, so the first attempt already sees them. */
    @Activate
    void activate(EndpointConfig config, BundleContext context) throws IOException {
        if (!ENDPOINT_ID.matcher(config.cloud_endpoint_id()).matches()) {
            throw new IllegalArgumentException("Endpoint id '" + config.cloud_endpoint_id() + "' must be 1-64 letters, "
                    + "digits, - or _ (it names the queue file and the service property cloud.endpoint.id).");
        }
        EndpointSettings settings = settings(config);
        tlsPolicy(config.tls_policy()); // a wrong value fails the activation, not every connection attempt
        Path queueFile = queueDirectory(context).resolve(config.cloud_endpoint_id() + ".queue");
        String transport = config.transport().trim();
        String sni = config.sni().isBlank() ? config.host().trim() : config.sni().trim();
        this.connection = new MqttCloudConnection(settings, queueFile, () -> pickTransport(transport),
                () -> engines.isEmpty() ? null : engines.get(0),
                "host".equals(settings.tlsMode()) ? () -> tlsProfile(config, sni) : null, password(config, settings),
                "modem".equals(settings.tlsMode()) ? modemTlsPath(config, transport) : null);
        LOG.info("Endpoint '{}' ({}) configured: {}:{} via transport '{}', TLS {}", config.cloud_endpoint_id(),
                config.profile(), config.host(), config.port(), transport, config.tls_mode());
    }

    /** TLS in the modem: the modem behind the endpoint's transport, its trust and identity aliases. */
    private ModemTlsPath modemTlsPath(EndpointConfig config, String transport) {
        if ("os".equals(transport)) {
            throw new IllegalArgumentException("Endpoint '" + config.cloud_endpoint_id() + "': TLS mode modem runs in "
                    + "a modem, but the transport is 'os': set transport to the modem's PID (e.g. "
                    + "io.uplink.modem~cellular), or use TLS mode host.");
        }
        if (config.trust_alias().isBlank()) {
            throw new IllegalArgumentException("Endpoint '" + config.cloud_endpoint_id() + "': TLS mode modem needs "
                    + "trust.alias, the CA certificates the modem checks the server with (a modem has no CA list "
                    + "of its own): import them (bin/uplink creds import --alias NAME --ca FILE) and set the alias.");
        }
        String host = config.host().trim();
        String sni = config.sni().isBlank() ? (isAddress(host) ? null : host) : config.sni().trim();
        return ModemTlsPath.fromStore(config.cloud_endpoint_id(), () -> pickModem(transport), () -> credentials,
                config.trust_alias().trim(), config.credentials_alias().trim(), sni);
    }

    private static boolean isAddress(String host) {
        return host.matches("[0-9.]+") || host.contains(":");
    }

    private Modem pickModem(String pid) {
        for (Tracked<Modem> m : modems) {
            if (pid.equals(m.properties().get(Modem.PID))) {
                return m.service();
            }
        }
        return null;
    }

    static EndpointSettings settings(EndpointConfig config) {
        String password = config._password();
        return new EndpointSettings(config.cloud_endpoint_id(), EndpointProfile.fromId(config.profile().trim()),
                config.host().trim(), config.port(), config.client_id().trim(), config.keepalive_seconds(),
                config.clean_session(), config.username(), password.isEmpty() ? null : password.toCharArray(),
                config.tls_mode().trim(), config.sni().trim(), List.of(config.alpn()),
                Duration.ofSeconds(config.connect_timeout_seconds()), config.in_flight_window(),
                config.queue_max_messages(), (long) config.queue_max_mib() << 20, config.mqtt_version().trim(),
                config.queue_durability().trim(), config.queue_batch_ms());
    }

    /** The configured password, or for an Azure device key a fresh SAS token per connection attempt. */
    static Supplier<char[]> password(EndpointConfig config, EndpointSettings settings) {
        String deviceKey = config._azure_device_key();
        if (deviceKey.isBlank()) {
            return settings::password;
        }
        if (settings.profile() != EndpointProfile.AZURE_IOT_HUB) {
            throw new IllegalArgumentException("An Azure device key is set but the profile is " + settings.profile().id()
                    + ": set profile azure-iot-hub, or clear the key.");
        }
        if (config.azure_sas_validity_hours() < 1 || config.azure_sas_validity_hours() > 8760) {
            throw new IllegalArgumentException("azure.sas.validity.hours " + config.azure_sas_validity_hours()
                    + " is outside 1..8760.");
        }
        AzureSas.token(settings.host(), settings.clientId(), deviceKey, Instant.now()); // key check now
        Duration validity = Duration.ofHours(config.azure_sas_validity_hours());
        return () -> AzureSas.token(settings.host(), settings.clientId(), deviceKey,
                Instant.now().plus(validity)).toCharArray();
    }

    private static Path queueDirectory(BundleContext context) {
        String dataDir = context.getProperty("uplink.data");
        if (dataDir != null && !dataDir.isBlank()) {
            return Path.of(dataDir, "mqtt");
        }
        String home = context.getProperty("uplink.home");
        if (home != null && !home.isBlank()) {
            return Path.of(home, "data", "mqtt");
        }
        File data = context.getDataFile("queues");
        return data != null ? data.toPath() : Path.of("mqtt-queues").toAbsolutePath();
    }

    private Transport pickTransport(String wanted) {
        for (Tracked<Transport> t : transports) {
            Object kind = t.properties().get(Transport.KIND);
            Object modemPid = t.properties().get(Transport.MODEM_PID);
            if ("os".equals(wanted) ? Transport.KIND_OS.equals(kind) : wanted.equals(modemPid)) {
                return t.service();
            }
        }
        return null;
    }

    private TlsClientProfile.Builder tlsProfile(EndpointConfig config, String serverName) {
        TlsClientProfile.Builder b = TlsClientProfile.builder(serverName).alpn(List.of(config.alpn()))
                .cipherPolicy(tlsPolicy(config.tls_policy()));
        boolean needsStore = !config.credentials_alias().isBlank() || !config.trust_alias().isBlank();
        CredentialStore store = credentials;
        if (needsStore && store == null) {
            throw new IllegalStateException("the credential store is not running (start io.uplink.credentials)");
        }
        if (!config.trust_alias().isBlank()) {
            List<X509Certificate> anchors = store.trustAnchors(config.trust_alias().trim());
            if (anchors.isEmpty()) {
                throw new IllegalStateException("the credential store has no CA certificates under alias '"
                        + config.trust_alias().trim() + "': import them (bin/uplink creds import) or fix the alias");
            }
            b.trustAnchors(anchors);
        }
        if (!config.credentials_alias().isBlank()) {
            ClientIdentity id = store.clientIdentity(config.credentials_alias().trim())
                    .orElseThrow(() -> new IllegalStateException("the credential store has no client certificate "
                            + "with its key under alias '" + config.credentials_alias().trim()
                            + "': import it (bin/uplink creds import) or fix the alias"));
            b.clientIdentity(id);
        }
        return b;
    }

    /** The configured TLS policy; modern, compatible or constrained (explicit suite lists are not offered here). */
    static io.uplink.tls.CipherPolicy tlsPolicy(String value) {
        String v = value == null ? "" : value.trim().toLowerCase(java.util.Locale.ROOT);
        switch (v) {
        case "", "modern":
            return io.uplink.tls.CipherPolicy.MODERN;
        case "compatible":
            return io.uplink.tls.CipherPolicy.COMPATIBLE;
        case "constrained":
            return io.uplink.tls.CipherPolicy.CONSTRAINED;
        default:
            throw new IllegalArgumentException("tls.policy '" + value + "' is unknown: use modern, compatible or "
                    + "constrained.");
        }
    }

    @Deactivate
    void deactivate() {
        MqttCloudConnection c = connection;
        if (c != null) {
            c.close();
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addTransport(Transport transport, Map<String, Object> properties) {
        transports.add(new Tracked<>(transport, properties));
        MqttCloudConnection c = connection;
        if (c != null) {
            c.retryNow();
        }
    }

    void removeTransport(Transport transport) {
        transports.removeIf(t -> t.service() == transport);
        MqttCloudConnection c = connection;
        if (c != null) {
            c.serviceGone(transport);
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addTlsEngine(TlsEngine engine) {
        engines.add(engine);
        MqttCloudConnection c = connection;
        if (c != null) {
            c.retryNow();
        }
    }

    void removeTlsEngine(TlsEngine engine) {
        engines.remove(engine);
        MqttCloudConnection c = connection;
        if (c != null) {
            c.serviceGone(engine);
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addModem(Modem modem, Map<String, Object> properties) {
        modems.add(new Tracked<>(modem, properties));
        MqttCloudConnection c = connection;
        if (c != null) {
            c.retryNow();
        }
    }

    void removeModem(Modem modem) {
        modems.removeIf(m -> m.service() == modem);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void setCredentialStore(CredentialStore store) {
        credentials = store;
        MqttCloudConnection c = connection;
        if (c != null) {
            c.retryNow();
        }
    }

    void unsetCredentialStore(CredentialStore store) {
        if (credentials == store) {
            credentials = null;
        }
    }

    // --- CloudConnection, delegated -------------------------------------------------------------------------

    @Override
    public String endpointId() {
        return connection.endpointId();
    }

    @Override
    public EndpointProfile profile() {
        return connection.profile();
    }

    @Override
    public ConnectionState state() {
        return connection.state();
    }

    @Override
    public String lastProblem() {
        return connection.lastProblem();
    }

    @Override
    public int queuedMessages() {
        return connection.queuedMessages();
    }

    /** Without it the service showed no queue figures: the web page's status and its messages-per-minute chart. */
    @Override
    public java.util.Optional<io.uplink.cloud.QueueStatus> queueStatus() {
        return connection.queueStatus();
    }

    /** Bytes on the wire since the endpoint started: the page's traffic figures. */
    @Override
    public java.util.Optional<io.uplink.cloud.Traffic> traffic() {
        return connection.traffic();
    }

    @Override
    public String path() {
        return connection.path();
    }

    @Override
    public CompletionStage<DeliveryReceipt> publish(String topic, byte[] payload, int qos,
            boolean retained) throws CloudException {
        return connection.publish(topic, payload, qos, retained);
    }

    @Override
    public io.uplink.cloud.Publication publishAsync(String topic, byte[] payload, int qos, boolean retained)
            throws CloudException {
        return connection.publishAsync(topic, payload, qos, retained);
    }

    @Override
    public Subscription subscribe(String topicFilter, int qos, MessageHandler handler) throws CloudException {
        return connection.subscribe(topicFilter, qos, handler);
    }
}
