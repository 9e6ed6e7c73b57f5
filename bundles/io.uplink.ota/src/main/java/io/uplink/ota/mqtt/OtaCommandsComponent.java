package io.uplink.ota.mqtt;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.uplink.cloud.CloudConnection;
import io.uplink.cloud.CloudException;
import io.uplink.cloud.Subscription;
import io.uplink.ota.PackageUpdater;

/**
 * Subscribes to the OTA request topic of the configured endpoint (whenever that endpoint's service is there) and
 * publishes answers on the response topic. Jobs run on one thread of this component, stopped at deactivation.
 */
@Component(configurationPid = OtaCommandsConfig.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {})
@Designate(ocd = OtaCommandsConfig.class)
public final class OtaCommandsComponent {

    private static final Logger LOG = LoggerFactory.getLogger(OtaCommandsComponent.class);

    private final String endpointId;
    private final String requestTopic;
    private final String responseTopic;
    private final ExecutorService worker;
    private final ScheduledExecutorService ticker;
    private final OtaCommands commands;
    private CloudConnection connection;
    private Subscription subscription;

    @Activate
    public OtaCommandsComponent(OtaCommandsConfig config, @Reference PackageUpdater updater) {
        this.endpointId = config.cloud_endpoint_id().trim();
        String gateway = config.gateway_id().isBlank() ? hostName() : config.gateway_id().trim();
        this.requestTopic = config.request_topic().replace("{gateway.id}", gateway);
        this.responseTopic = config.response_topic().replace("{gateway.id}", gateway);
        this.worker = Executors.newSingleThreadExecutor(r -> new Thread(r, "uplink-ota-commands"));
        this.commands = new OtaCommands(updater, worker, this::respond);
        int every = config.progress_interval_seconds();
        if (every < 1 || every > 3600) {
            LOG.error("Configuration {}: progress.interval.seconds={} is outside 1..3600; using 10",
                    OtaCommandsConfig.PID, every);
            every = 10;
        }
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "uplink-ota-progress"));
        ticker.scheduleAtFixedRate(() -> {
            try {
                commands.tick();
            } catch (RuntimeException e) {
                LOG.warn("OTA progress not published: {}", e.toString()); // the next tick tries again
            }
        }, every, every, TimeUnit.SECONDS);
        LOG.info("OTA commands on {} of endpoint {}, answers on {} (progress every {} s)", requestTopic, endpointId,
                responseTopic, every);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    synchronized void addConnection(CloudConnection c) {
        if (!endpointId.equals(c.endpointId()) || connection != null) {
            return;
        }
        try {
            subscription = c.subscribe(requestTopic, 1, (topic, payload, qos, retained) -> {
                if (!retained) { // a retained request would run again at every reconnect
                    commands.onRequest(payload);
                }
            });
            connection = c;
        } catch (CloudException e) {
            LOG.error("Cannot subscribe to OTA requests on {}: {} {}", requestTopic, e.getMessage(), e.fix());
        }
    }

    synchronized void removeConnection(CloudConnection c) {
        if (c == connection) {
            subscription.close();
            subscription = null;
            connection = null;
        }
    }

    private void respond(String id, Map<String, Object> fields) {
        CloudConnection c;
        synchronized (this) {
            c = connection;
        }
        if (c == null) {
            LOG.warn("OTA answer for job '{}' not sent: endpoint {} is gone: {}", id, endpointId, fields);
            return;
        }
        try {
            c.publish(responseTopic, FlatJson.write(fields).getBytes(StandardCharsets.UTF_8), 1, false);
        } catch (CloudException e) {
            LOG.warn("OTA answer for job '{}' not queued: {}", id, e.getMessage());
        }
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        synchronized (this) {
            if (subscription != null) {
                subscription.close();
            }
        }
        ticker.shutdownNow();
        worker.shutdownNow();
        if (!ticker.awaitTermination(10, TimeUnit.SECONDS) | !worker.awaitTermination(10, TimeUnit.SECONDS)) {
            LOG.warn("An OTA job did not stop within 10 s");
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "gateway";
        }
    }
}
