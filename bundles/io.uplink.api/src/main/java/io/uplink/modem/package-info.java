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
 * <p>1.2: modem TLS: {@link io.uplink.modem.Modem#tls()} gives a {@link io.uplink.modem.ModemTls} (provisioning of
 * {@link io.uplink.modem.ModemCredentials} with read-back, stored sets, sessions opened with a
 * {@link io.uplink.modem.ModemTlsProfile}); {@link io.uplink.modem.ModemTlsCapabilities} adds key types and credential
 * slots; {@link io.uplink.modem.AtCommand#withRawData(String, int)} for raw data of a known length after a line
 * such as {@code CONNECT}.
 *
 * <p>1.4: {@link io.uplink.modem.Modem#networkOperator()} ({@code AT+COPS?}, read by
 * {@link io.uplink.modem.NetworkOperators}); {@link io.uplink.modem.AtCommand#ofQuotedText(String)} for line feeds
 * inside quoted arguments (PEM text in Nordic's {@code AT%CMNG}).
 *
 * @since 1.0
 */
@Version("1.4.0")
@Export
package io.uplink.modem;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
