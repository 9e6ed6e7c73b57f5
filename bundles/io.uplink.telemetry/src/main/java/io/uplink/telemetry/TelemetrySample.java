package io.uplink.telemetry;

import java.time.Instant;
import java.util.List;

/**
 * One telemetry record; {@link #toJson()} is the payload. Plain data so that it can be tested without a framework.
 *
 * @param modems one entry per attached modem: model, registration and the transport it offers
 */
record TelemetrySample(String gatewayId, long sequence, Instant time, long uptimeSeconds, long heapUsedKiB,
        long heapMaxKiB, double loadAverage, String connection, List<ModemEntry> modems) {

    record ModemEntry(String pid, String model, String revision, String registration) {
    }

    String toJson() {
        StringBuilder b = new StringBuilder(256);
        b.append("{\"gateway\":").append(quote(gatewayId));
        b.append(",\"seq\":").append(sequence);
        b.append(",\"time\":").append(quote(time.toString()));
        b.append(",\"uptime_s\":").append(uptimeSeconds);
        b.append(",\"heap_used_kib\":").append(heapUsedKiB);
        b.append(",\"heap_max_kib\":").append(heapMaxKiB);
        if (loadAverage >= 0) {
            b.append(",\"load\":").append(String.format(java.util.Locale.ROOT, "%.2f", loadAverage));
        }
        b.append(",\"connection\":").append(quote(connection));
        b.append(",\"modems\":[");
        for (int i = 0; i < modems.size(); i++) {
            ModemEntry m = modems.get(i);
            if (i > 0) {
                b.append(',');
            }
            b.append("{\"pid\":").append(quote(m.pid())).append(",\"model\":").append(quote(m.model()))
                    .append(",\"revision\":").append(quote(m.revision())).append(",\"registration\":")
                    .append(quote(m.registration())).append('}');
        }
        return b.append("]}").toString();
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (char c : s.toCharArray()) {
            switch (c) {
            case '"' -> b.append("\\\"");
            case '\\' -> b.append("\\\\");
            case '\n' -> b.append("\\n");
            case '\r' -> b.append("\\r");
            case '\t' -> b.append("\\t");
            default -> {
                if (c < 0x20) {
                    b.append(String.format("\\u%04x", (int) c));
                } else {
                    b.append(c);
                }
            }
            }
        }
        return b.append('"').toString();
    }
}
