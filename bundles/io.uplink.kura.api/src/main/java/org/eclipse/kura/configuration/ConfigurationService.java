package org.eclipse.kura.configuration;

import java.util.Map;

import org.eclipse.kura.KuraException;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Build-time declaration of the part of Kura's ConfigurationService that Uplink calls: creating and deleting a factory
 * configuration the way Kura's UI does (with {@code kura.service.pid}, and a snapshot so it survives Kura restarts).
 */
@ProviderType
public interface ConfigurationService {

    String KURA_SERVICE_PID = "kura.service.pid";

    void createFactoryConfiguration(String factoryPid, String pid, Map<String, Object> properties, boolean takeSnapshot)
            throws KuraException;

    void deleteFactoryConfiguration(String pid, boolean takeSnapshot) throws KuraException;
}
