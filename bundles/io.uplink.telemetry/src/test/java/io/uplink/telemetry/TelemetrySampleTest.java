package io.uplink.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

class TelemetrySampleTest {

    @Test
    void jsonCarriesEveryFieldAndEscapesNames() {
        TelemetrySample s = new TelemetrySample("gw \"7\"\n", 42, Instant.parse("2026-11-21T10:00:00Z"), 3600, 2048,
                262144, 0.5, "CONNECTED", List.of(new TelemetrySample.ModemEntry("io.uplink.modem~demo", "BG95-M3",
                        "BG95M3LAR02A03", "HOME")));
        assertThat(s.toJson()).isEqualTo("{\"gateway\":\"gw \\\"7\\\"\\n\",\"seq\":42,"
                + "\"time\":\"2026-11-21T10:00:00Z\",\"uptime_s\":3600,\"heap_used_kib\":2048,\"heap_max_kib\":262144,"
                + "\"load\":0.50,\"connection\":\"CONNECTED\",\"modems\":[{\"pid\":\"io.uplink.modem~demo\","
                + "\"model\":\"BG95-M3\",\"revision\":\"BG95M3LAR02A03\",\"registration\":\"HOME\"}]}");
    }

    @Test
    void loadIsLeftOutWhereThePlatformHasNone() {
        TelemetrySample s = new TelemetrySample("gw", 1, Instant.EPOCH, 0, 1, 2, -1, "CONNECTING", List.of());
        assertThat(s.toJson()).doesNotContain("load").endsWith("\"connection\":\"CONNECTING\",\"modems\":[]}");
        assertThat(TelemetrySample.quote("\u0001")).isEqualTo("\"\\u0001\"");
    }
}
