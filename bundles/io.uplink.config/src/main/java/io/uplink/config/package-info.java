/** Keeps mistyped configuration values from taking Uplink's components away (private package, nothing exported). */
package io.uplink.config;
