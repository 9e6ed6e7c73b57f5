/**
 * Build-time declaration of Kura's crypto API as far as Uplink calls it (Kura 6 exports 1.4.0; decryptAes(char[])
 * is in every Kura 5).
 */
@Version("1.0.0")
@Export
package org.eclipse.kura.crypto;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
