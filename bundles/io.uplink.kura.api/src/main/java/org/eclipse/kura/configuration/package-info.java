/**
 * Build-time declaration of Kura's configuration API as far as Uplink uses it: the ConfigurableComponent marker and ConfigurationService's factory methods (both in Kura since API 1.1; Kura 6 exports 1.2.0).
 */
@Version("1.1.0")
@Export
package org.eclipse.kura.configuration;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
