package io.uplink.kura.forms;

import org.eclipse.kura.configuration.ConfigurableComponent;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;

/** Kura's form for the TLS engine (io.uplink.tls.bc): registered with or without a configuration, so Kura lists it from the start. */
@Component(service = ConfigurableComponent.class, configurationPid = "io.uplink.tls.bc",
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = { "service.pid=io.uplink.tls.bc", "kura.service.pid=io.uplink.tls.bc" })
public final class TlsEngineForm implements ConfigurableComponent {

    /** Keeps the service registered across updates, so Kura's UI does not see it leave and come back. */
    @Modified
    void modified() {
        // the Uplink component with the same PID applies the change
    }
}
