package org.eclipse.kura.configuration;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Build-time declaration of Kura's marker interface (org.eclipse.kura.api, package
 * {@code org.eclipse.kura.configuration}). Kura's ConfigurationService tracks every service that is an instance of it
 * and has {@code service.pid} and {@code kura.service.pid}, and shows its metatype form in the web UI. No methods.
 */
@ConsumerType
public interface ConfigurableComponent {
}
