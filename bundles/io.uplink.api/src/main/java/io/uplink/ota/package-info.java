/**
 * Over-the-air updates: deployment packages installed only when signed by a trusted signer, health-checked after
 * install, and rolled back to the previous version when the check fails.
 *
 * @since 1.0
 */
@Version("1.1.0")
@Export
package io.uplink.ota;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
