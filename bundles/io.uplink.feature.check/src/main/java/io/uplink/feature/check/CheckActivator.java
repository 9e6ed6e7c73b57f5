package io.uplink.feature.check;

import java.util.Dictionary;
import java.util.Hashtable;

import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.deploymentadmin.spi.ResourceProcessor;

/**
 * Registers this package's {@link RequirementsProcessor} under the PID its deployment package names in the
 * {@code Resource-Processor} header: the bundle's own symbolic name, which features/ makes unique per package
 * ({@code io.uplink.feature.core.check}, ...). A bundle activator and not DS: Deployment Admin starts customizers
 * before any other bundle of the package, and DS may not be there yet.
 */
public final class CheckActivator implements BundleActivator {

    private ServiceRegistration<ResourceProcessor> registration;

    @Override
    public void start(BundleContext context) {
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(Constants.SERVICE_PID, context.getBundle().getSymbolicName());
        props.put(Constants.SERVICE_DESCRIPTION, "Refuses an Uplink deployment package whose bundles cannot resolve");
        registration = context.registerService(ResourceProcessor.class, new RequirementsProcessor(context), props);
    }

    @Override
    public void stop(BundleContext context) {
        if (registration != null) {
            registration.unregister();
            registration = null;
        }
    }
}
