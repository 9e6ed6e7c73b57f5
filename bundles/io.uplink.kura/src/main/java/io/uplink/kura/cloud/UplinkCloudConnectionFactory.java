package io.uplink.kura.cloud;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import org.eclipse.kura.KuraErrorCode;
import org.eclipse.kura.KuraException;
import org.eclipse.kura.cloudconnection.CloudEndpoint;
import org.eclipse.kura.cloudconnection.factory.CloudConnectionFactory;
import org.eclipse.kura.configuration.ConfigurationService;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * Offers "Uplink MQTT endpoint" in Kura's Cloud Connections tab. A new connection is one factory configuration of
 * {@value #FACTORY_PID}, created through Kura's ConfigurationService (so it is in Kura's snapshots) with
 * {@code kura.service.pid} = the name typed in the UI and the endpoint id derived from it; the stack is that single
 * component ({@link UplinkCloudEndpoint} and the Uplink connection share it). Publishers and subscribers are created
 * from {@value UplinkCloudPublisher#PID} and {@value UplinkCloudSubscriber#PID}.
 */
@Component(service = CloudConnectionFactory.class)
public final class UplinkCloudConnectionFactory implements CloudConnectionFactory {

    public static final String FACTORY_PID = "io.uplink.cloud.mqtt";

    private final ConfigurationService configurationService;
    private final Map<CloudEndpoint, String> endpoints = new ConcurrentHashMap<>();

    @Activate
    public UplinkCloudConnectionFactory(@Reference ConfigurationService configurationService) {
        this.configurationService = configurationService;
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            target = "(cloud.connection.factory.pid=" + FACTORY_PID + ")")
    void bindEndpoint(CloudEndpoint endpoint, Map<String, Object> properties) {
        Object pid = properties.get(ConfigurationService.KURA_SERVICE_PID);
        endpoints.put(endpoint, pid == null ? String.valueOf(properties.get("service.pid")) : pid.toString());
    }

    void unbindEndpoint(CloudEndpoint endpoint) {
        endpoints.remove(endpoint);
    }

    @Override
    public String getFactoryPid() {
        return FACTORY_PID;
    }

    @Override
    public void createConfiguration(String pid) throws KuraException {
        configurationService.createFactoryConfiguration(FACTORY_PID, pid,
                Map.of("cloud.endpoint.id", endpointId(pid), KURA_CLOUD_CONNECTION_FACTORY_PID, FACTORY_PID), true);
    }

    @Override
    public List<String> getStackComponentsPids(String pid) throws KuraException {
        if (!endpoints.containsValue(pid)) {
            throw new KuraException(KuraErrorCode.INVALID_PARAMETER, "no Uplink cloud connection '" + pid
                    + "' is running; existing ones: " + getManagedCloudConnectionPids());
        }
        return List.of(pid);
    }

    @Override
    public void deleteConfiguration(String pid) throws KuraException {
        configurationService.deleteFactoryConfiguration(pid, true);
    }

    @Override
    public Set<String> getManagedCloudConnectionPids() {
        return new TreeSet<>(endpoints.values());
    }

    /**
     * The Uplink endpoint id for a Kura connection name: letters, digits, - and _ kept, anything else made '-', at
     * most 64 characters (the endpoint id names the queue file, so it must be a safe file name).
     */
    static String endpointId(String kuraPid) throws KuraException {
        if (kuraPid == null || kuraPid.isBlank()) {
            throw new KuraException(KuraErrorCode.INVALID_PARAMETER, "a cloud connection needs a name (its PID)");
        }
        String id = kuraPid.strip().replaceAll("[^A-Za-z0-9_-]", "-");
        return id.length() > 64 ? id.substring(0, 64) : id;
    }
}
