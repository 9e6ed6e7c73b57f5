package io.uplink.modem;

import java.util.Objects;

/**
 * Who a modem says it is ({@code ATI}, {@code AT+CGMI}, {@code AT+CGMM}, {@code AT+CGMR}, {@code AT+CGSN}).
 *
 * @param manufacturer e.g. {@code Quectel}
 * @param model e.g. {@code BG95-M3}
 * @param revision firmware revision, e.g. {@code BG95M3LAR02A03}
 * @param imei the IMEI, empty when the modem did not tell
 * @since 1.0
 */
public record ModemIdentity(String manufacturer, String model, String revision, String imei) {

    public ModemIdentity {
        Objects.requireNonNull(manufacturer, "manufacturer");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(revision, "revision");
        imei = imei == null ? "" : imei;
    }

    @Override
    public String toString() {
        return manufacturer + " " + model + " (" + revision + ")";
    }
}
