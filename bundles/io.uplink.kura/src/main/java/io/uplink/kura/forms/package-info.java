/**
 * Kura's view of Uplink's configurations. Kura's ConfigurationService lists a configuration only when a service that
 * is an {@code org.eclipse.kura.configuration.ConfigurableComponent} carries its {@code service.pid} and
 * {@code kura.service.pid}; it then reads the form from the metatype of the bundles (OCD id = PID, file
 * {@code OSGI-INF/metatype/<pid>.xml}), which Uplink's bundles already have. Each class here is that marker for one
 * Uplink PID, bound to the same configuration as the Uplink component, so Uplink's bundles stay free of Kura's API.
 */
package io.uplink.kura.forms;
