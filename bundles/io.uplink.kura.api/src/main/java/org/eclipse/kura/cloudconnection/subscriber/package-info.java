/**
 * Build-time declaration of Kura's cloud connection API (Kura 4 to 6 export it at 1.0.0), as far as Uplink implements or calls it.
 */
@Version("1.0.0")
@Export
package org.eclipse.kura.cloudconnection.subscriber;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
