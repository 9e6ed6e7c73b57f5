package io.uplink.kura.cloud;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.eclipse.kura.cloudconnection.CloudEndpoint;
import org.eclipse.kura.configuration.ConfigurationService;

/**
 * The cloud endpoint a publisher or subscriber is configured for (by its {@code kura.service.pid}, as Kura's UI sets
 * {@code cloud.endpoint.service.pid}), out of all the endpoints DS binds. Thread-safe: DS binds on its threads,
 * applications publish on theirs.
 */
final class EndpointBinding {

    private final Map<CloudEndpoint, String> all = new ConcurrentHashMap<>();
    private volatile String wanted = "";

    void wanted(String kuraPid) {
        wanted = kuraPid == null ? "" : kuraPid;
    }

    String wanted() {
        return wanted;
    }

    void bind(CloudEndpoint e, Map<String, Object> properties) {
        Object pid = properties.get(ConfigurationService.KURA_SERVICE_PID);
        all.put(e, pid == null ? "" : pid.toString());
    }

    void unbind(CloudEndpoint e) {
        all.remove(e);
    }

    /** The wanted endpoint, or null while it is not there. */
    CloudEndpoint current() {
        String w = wanted;
        for (Map.Entry<CloudEndpoint, String> e : all.entrySet()) {
            if (!w.isEmpty() && w.equals(e.getValue())) {
                return e.getKey();
            }
        }
        return null;
    }
}
