/**
 * Build-time declaration of Kura's payload class as far as Uplink uses it (Kura 6 exports 1.5.0).
 */
@Version("1.0.0")
@Export
package org.eclipse.kura.message;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
