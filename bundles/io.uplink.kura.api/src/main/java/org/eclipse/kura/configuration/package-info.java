/**
 * Kura's configuration API, as far as Uplink uses it. 1.0.0: the marker exists since Kura's first API and is unchanged
 * in 5.4 (which exports the package at a higher minor) and in Kura 6 (1.2.0).
 */
@Version("1.0.0")
@Export
package org.eclipse.kura.configuration;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
