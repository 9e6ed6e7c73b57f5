package org.eclipse.kura.cloudconnection.factory;

import java.util.List;
import java.util.Set;

import org.eclipse.kura.KuraException;
import org.osgi.annotation.versioning.ProviderType;

/** Build-time declaration of Kura's CloudConnectionFactory: what the "Cloud Connections" tab creates stacks with. */
@ProviderType
public interface CloudConnectionFactory {

    String KURA_CLOUD_CONNECTION_FACTORY_PID = "kura.cloud.connection.factory.pid";

    String getFactoryPid();

    void createConfiguration(String pid) throws KuraException;

    List<String> getStackComponentsPids(String pid) throws KuraException;

    void deleteConfiguration(String pid) throws KuraException;

    Set<String> getManagedCloudConnectionPids() throws KuraException;
}
