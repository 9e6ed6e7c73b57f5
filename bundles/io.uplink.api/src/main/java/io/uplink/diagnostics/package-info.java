/**
 * Layer-by-layer diagnosis of a connection, from the serial port to an MQTT publish, with findings in plain words.
 *
 * @since 1.0
 */
@Version("1.1.0")
@Export
package io.uplink.diagnostics;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
