package io.uplink.telemetry;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
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
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.uplink.cloud.CloudConnection;
import io.uplink.cloud.CloudException;
import io.uplink.modem.Modem;

/**
 * Publishes a {@link TelemetrySample} through the configured endpoint every interval. The endpoint and the modems are
 * tracked dynamically: when the endpoint is missing the record is skipped (and said so once), when it returns the
 * records continue.
 */
@Component(configurationPid = TelemetryConfig.FACTORY_PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        immediate = true)
@Designate(ocd = TelemetryConfig.class, factory = true)
public final class TelemetryComponent {

    private static final Logger LOG = LoggerFactory.getLogger(TelemetryComponent.class);

    private record Tracked<T>(T service, Map<String, Object> properties) {
    }

    private final List<CloudConnection> connections = new CopyOnWriteArrayList<>();
    private final List<Tracked<Modem>> modems = new CopyOnWriteArrayList<>();
    private ScheduledExecutorService timer;
    private String endpointId;
    private String gatewayId;
    private String topic;
    private int qos;
    private long sequence;
    private String lastState = "";

    @Activate
    void activate(TelemetryConfig config) {
        endpointId = config.cloud_endpoint_id() == null ? "" : config.cloud_endpoint_id().trim();
        if (endpointId.isEmpty()) {
            throw new IllegalArgumentException("Telemetry: cloud.endpoint.id is empty: set it to the id of an "
                    + "'Uplink MQTT cloud endpoint' configuration.");
        }
        int interval = config.interval_seconds();
        if (interval < 1 || interval > 86400) {
            throw new IllegalArgumentException("Telemetry: interval.seconds " + interval + " is outside 1..86400.");
        }
        if (config.qos() != 0 && config.qos() != 1) {
            throw new IllegalArgumentException("Telemetry: qos " + config.qos() + " must be 0 or 1.");
        }
        qos = config.qos();
        gatewayId = config.gateway_id().isBlank() ? hostName() : config.gateway_id().trim();
        topic = config.topic().replace("{gateway.id}", gatewayId);
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "uplink-telemetry-" + endpointId);
            t.setDaemon(true);
            return t;
        });
        timer.scheduleAtFixedRate(this::publishOnce, 0, interval, TimeUnit.SECONDS);
        LOG.info("Telemetry: a record every {} s to '{}' through endpoint '{}'", interval, topic, endpointId);
    }

    @Deactivate
    void deactivate() {
        timer.shutdownNow();
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addConnection(CloudConnection c) {
        connections.add(c);
    }

    void removeConnection(CloudConnection c) {
        connections.remove(c);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addModem(Modem m, Map<String, Object> properties) {
        modems.add(new Tracked<>(m, properties));
    }

    void removeModem(Modem m) {
        modems.removeIf(t -> t.service() == m);
    }

    private void publishOnce() {
        try {
            CloudConnection c = connection();
            if (c == null) {
                report("missing", "Telemetry: endpoint '" + endpointId + "' is not running (no CloudConnection with "
                        + "that cloud.endpoint.id); records are skipped until it is.");
                return;
            }
            TelemetrySample s = sample(c);
            c.publish(topic, s.toJson().getBytes(StandardCharsets.UTF_8), qos, false);
            report("ok", "Telemetry: publishing to '" + topic + "' through endpoint '" + endpointId + "' again.");
            LOG.debug("Telemetry record {} queued", s.sequence());
        } catch (CloudException e) {
            report(e.code(), "Telemetry: a record was not accepted by endpoint '" + endpointId + "': "
                    + e.getMessage() + " " + e.fix());
        } catch (RuntimeException e) {
            // A scheduled task that throws is never run again: log and carry on.
            LOG.warn("Telemetry: taking a record failed: {}", e.toString());
        }
    }

    /** Logs a state change once instead of every interval. */
    private void report(String state, String message) {
        if (state.equals(lastState)) {
            return;
        }
        boolean recovered = "ok".equals(state);
        if (recovered && lastState.isEmpty()) {
            lastState = state;
            return;
        }
        lastState = state;
        if (recovered) {
            LOG.info("{}", message);
        } else {
            LOG.warn("{}", message);
        }
    }

    private CloudConnection connection() {
        for (CloudConnection c : connections) {
            if (endpointId.equals(c.endpointId())) {
                return c;
            }
        }
        return null;
    }

    private TelemetrySample sample(CloudConnection c) {
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        List<TelemetrySample.ModemEntry> entries = new ArrayList<>();
        for (Tracked<Modem> t : modems) {
            Modem m = t.service();
            try {
                entries.add(new TelemetrySample.ModemEntry(String.valueOf(t.properties().get(Modem.PID)),
                        m.identity().model(), m.identity().revision(), m.registration().name()));
            } catch (RuntimeException e) {
                LOG.debug("Telemetry: modem {} did not answer: {}", t.properties().get(Modem.PID), e.toString());
            }
        }
        return new TelemetrySample(gatewayId, ++sequence, Instant.now(),
                ManagementFactory.getRuntimeMXBean().getUptime() / 1000, heap.getUsed() / 1024,
                heap.getMax() < 0 ? -1 : heap.getMax() / 1024,
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), c.state().name(), entries);
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "gateway";
        }
    }
}
