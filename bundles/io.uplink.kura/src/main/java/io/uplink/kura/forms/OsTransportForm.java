package io.uplink.kura.forms;

import org.eclipse.kura.configuration.ConfigurableComponent;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;

/** Kura's form for the OS network transport (io.uplink.transport.os): registered with or without a configuration, so Kura lists it from the start. */
@Component(service = ConfigurableComponent.class, configurationPid = "io.uplink.transport.os",
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = { "service.pid=io.uplink.transport.os", "kura.service.pid=io.uplink.transport.os" })
public final class OsTransportForm implements ConfigurableComponent {

    /** Keeps the service registered across updates, so Kura's UI does not see it leave and come back. */
    @Modified
    void modified() {
        // the Uplink component with the same PID applies the change
    }
}
