/**
 * Credentials: certificates, keys and trust anchors, imported from whatever people paste, validated, stored
 * encrypted, and handed to the TLS engine and to modems.
 *
 * @since 1.0
 */
@Version("1.0.0")
@Export
package io.uplink.credentials;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
