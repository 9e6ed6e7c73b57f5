/**
 * Cloud MQTT connections: publish with delivery confirmation, subscribe, connection state, endpoint profiles.
 *
 * <p>Each configured endpoint registers one {@link io.uplink.cloud.CloudConnection} with the service property
 * {@value io.uplink.cloud.CloudConnection#ENDPOINT_ID}.
 *
 * @since 1.0
 */
@Version("1.4.0")
@Export
package io.uplink.cloud;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
