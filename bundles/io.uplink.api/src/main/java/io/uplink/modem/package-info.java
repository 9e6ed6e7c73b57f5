/**
 * Cellular modems driven by AT commands.
 *
 * <ul>
 * <li>{@link io.uplink.modem.AtChannel}: the command channel on a serial port: send a command, await its final
 * result, exchange raw data after a prompt, listen to unsolicited result codes (URCs) by prefix.</li>
 * <li>{@link io.uplink.modem.ModemDialect}: the SPI each dialect bundle registers (Quectel, Nordic, Sierra, ...):
 * which modems it drives and how.</li>
 * <li>{@link io.uplink.modem.Modem}: a live, attached modem, registered as a service while attached.</li>
 * </ul>
 *
 * <p>Errors are {@link io.uplink.modem.ModemException}s that keep the modem's raw text, the dialect's code and an
 * explanation with a fix.
 *
 * <p>1.1: {@link io.uplink.modem.AtCommand#withFinalResult} for dialect result lines such as {@code SEND OK}.
 *
 * @since 1.0
 */
@Version("1.1.0")
@Export
package io.uplink.modem;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
