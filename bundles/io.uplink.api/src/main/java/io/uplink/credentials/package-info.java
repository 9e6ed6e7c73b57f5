/**
 * Credentials: certificates, keys and trust anchors, imported from whatever people paste, validated, stored
 * encrypted, and handed to the TLS engine and to modems.
 *
 * <p>1.1: {@link io.uplink.credentials.CredentialStore#inspect}, {@link io.uplink.credentials.CredentialStore#exportPem}
 * and the contents of a {@link io.uplink.credentials.ValidationReport}.
 *
 * <p>1.2: {@link io.uplink.credentials.CredentialStore#problem()}, so that a status page can tell a running store from
 * a usable one.
 *
 * @since 1.0
 */
@Version("1.3.0")
@Export
package io.uplink.credentials;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
