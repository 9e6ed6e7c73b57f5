/**
 * Build-time declaration of Kura's base exceptions as far as Uplink uses them. Kura 5.4 and 6 export this package at a higher minor version; 1.0.0 here makes bnd import [1.0,2).
 */
@Version("1.0.0")
@Export
package org.eclipse.kura;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
