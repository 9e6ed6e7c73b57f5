package io.uplink.kura.forms;

import org.eclipse.kura.configuration.ConfigurableComponent;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;

/**
 * Kura's form for each cellular modem (io.uplink.modem, a factory): one instance per configuration, with that configuration's
 * {@code service.pid} and the {@code kura.service.pid} Kura's "+" dialog gave it.
 */
@Component(service = ConfigurableComponent.class, configurationPid = "io.uplink.modem",
        configurationPolicy = ConfigurationPolicy.REQUIRE)
public final class ModemForm implements ConfigurableComponent {

    /** Keeps the service registered across updates, so Kura's UI does not see it leave and come back. */
    @Modified
    void modified() {
        // the Uplink component with the same PID applies the change
    }
}
