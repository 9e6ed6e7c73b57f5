package io.uplink.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dashboard's history: its bounds, reconnect counting, and the file that carries it across a restart. */
@SuppressWarnings("unchecked")
class LinkHistoryTest {

    private static final long T0 = 1_780_000_000_000L; // a fixed instant; minutes count from the epoch

    @TempDir
    Path dir;

    @Test
    void aLostAndRegainedConnectionIsOneReconnectWithItsCause() {
        LinkHistory h = new LinkHistory();
        h.endpoint("demo", T0, "CONNECTING", "", 0, 0);
        h.endpoint("demo", T0 + 1000, "CONNECTED", "", 0, 0);
        h.endpoint("demo", T0 + 2000, "WAITING_TO_RETRY", "connection lost: socket closed by the modem", 3, 5);
        h.endpoint("demo", T0 + 3000, "CONNECTED", "", 0, 7);
        Map<String, Object> e = endpoints(h.snapshot(T0 + 4000)).get(0);
        assertThat(e.get("reconnects")).isEqualTo(1); // the first connect is no reconnect
        assertThat(e.get("state")).isEqualTo("CONNECTED");
        List<?> transitions = (List<?>) e.get("transitions");
        assertThat(transitions).hasSize(3);
        assertThat((List<Object>) transitions.get(1)).containsExactly(T0 + 2000, "CONNECTED", "WAITING_TO_RETRY",
                "connection lost: socket closed by the modem");
        List<Object> minute = (List<Object>) ((List<?>) e.get("minutes")).get(0);
        // [start second, state, disrupted, max queue, messages accepted, reconnects, bytes sent, bytes received]
        assertThat(minute).containsExactly(T0 / 60_000 * 60, "CONNECTED", true, 3, 7L, 1, -1L, -1L);
        assertThat(e.get("bytes_sent")).as("a connection that does not count its traffic").isEqualTo(-1L);
    }

    @Test
    void neverHoldsMoreThanADayPerSeriesNorMoreSeriesThanItsBound() throws Exception {
        LinkHistory h = new LinkHistory();
        long minutes = LinkHistory.MINUTES * 3L;
        for (long i = 0; i < minutes; i++) {
            long now = T0 + i * 60_000;
            // flapping every minute: the transition list is bounded too
            h.endpoint("demo", now, i % 2 == 0 ? "CONNECTED" : "WAITING_TO_RETRY", "x".repeat(5000), 10, i);
            h.modem("io.uplink.modem~demo", now, "HOME", -1);
        }
        for (int i = 0; i < LinkHistory.MAX_ENDPOINTS * 2; i++) {
            h.endpoint("extra-" + i, T0, "CONNECTED", "", 0, 0);
        }
        LinkHistory.Contents c = h.contents();
        assertThat(c.endpointMinutes().get("demo")).hasSize(LinkHistory.MINUTES);
        assertThat(c.transitions().get("demo")).hasSize(LinkHistory.TRANSITIONS)
                .allSatisfy(t -> assertThat(t.cause().length()).isLessThanOrEqualTo(LinkHistory.MAX_TEXT));
        assertThat(c.modemMinutes().get("io.uplink.modem~demo")).hasSize(LinkHistory.MINUTES);
        assertThat(c.endpointMinutes()).hasSize(LinkHistory.MAX_ENDPOINTS);

        HistoryFile file = new HistoryFile(dir.resolve("web/history"));
        file.save(c);
        long size = Files.size(file.path());
        file.save(h.contents());
        assertThat(Files.size(file.path())).as("saving again does not grow the file").isEqualTo(size);
        assertThat(size).isLessThan(HistoryFile.MAX_BYTES);
        assertThat(Files.getPosixFilePermissions(file.path())).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.getPosixFilePermissions(file.path().getParent()))
                .isEqualTo(PosixFilePermissions.fromString("rwx------"));
    }

    @Test
    void aRestartKeepsTheLastDayAndDropsWhatIsOlder() throws Exception {
        LinkHistory before = new LinkHistory();
        for (int i = 0; i < 90; i++) {
            long now = T0 + i * 60_000L;
            before.endpoint("demo", now, i == 40 ? "WAITING_TO_RETRY" : "CONNECTED", "link \"dropped\" %20", i, i);
            before.modem("io.uplink.modem~demo", now, "HOME", -1);
        }
        HistoryFile file = new HistoryFile(dir.resolve("web/history"));
        file.save(before.contents());

        long restart = T0 + 95 * 60_000L;
        LinkHistory after = new LinkHistory();
        HistoryFile.Loaded loaded = file.load();
        assertThat(loaded.skipped()).isZero();
        after.restore(loaded.contents(), restart);
        Map<String, Object> e = endpoints(after.snapshot(restart)).get(0);
        assertThat((List<?>) e.get("minutes")).hasSize(90);
        assertThat(e.get("reconnects")).isEqualTo(1);
        assertThat((List<?>) e.get("transitions")).hasSize(2).anySatisfy(t -> assertThat((List<Object>) t)
                .contains("link \"dropped\" %20"));
        assertThat(after.contents().modemMinutes().get("io.uplink.modem~demo")).hasSize(90);

        // A day later, what the file holds has aged out.
        LinkHistory dayLater = new LinkHistory();
        dayLater.restore(file.load().contents(), restart + 24 * 3_600_000L);
        assertThat((List<?>) endpoints(dayLater.snapshot(restart + 24 * 3_600_000L)).get(0).get("minutes"))
                .hasSizeLessThan(90);
    }

    @Test
    void aDamagedOrForeignFileIsNotTrusted() throws Exception {
        Path path = dir.resolve("history");
        Files.writeString(path, "uplink-history 1\nE demo notanumber CONNECTED false 0 0 0\nZ what\n"
                + "E demo 29666666 CONNECTED false 1 2 0\n", StandardCharsets.UTF_8);
        HistoryFile.Loaded loaded = new HistoryFile(path).load();
        assertThat(loaded.skipped()).isEqualTo(2);
        assertThat(loaded.contents().endpointMinutes().get("demo")).hasSize(1);

        Files.writeString(path, "#!/bin/sh\n", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> new HistoryFile(path).load()).hasMessageContaining("not a history file")
                .hasMessageContaining("Delete it");
        assertThat(new HistoryFile(dir.resolve("none")).load().contents().endpointMinutes()).isEmpty();
    }

    @Test
    void bytesAreCountedPerMinuteAcrossARestartedCounterAndKeptWithTheOperator() throws Exception {
        LinkHistory h = new LinkHistory();
        h.endpoint("demo", T0, "CONNECTED", "", 0, 0, 1_000, 200);
        h.endpoint("demo", T0 + 1000, "CONNECTED", "", 0, 0, 1_500, 260);
        h.endpoint("demo", T0 + 60_000, "CONNECTED", "", 0, 0, 1_700, 300);
        h.endpoint("demo", T0 + 61_000, "CONNECTED", "", 0, 0, 90, 20); // the endpoint was restarted: counts anew
        h.modem("m", T0, "HOME", 20, -95, "eMTC", "Uplink Emulated", -11, 0);
        h.modem("m", T0 + 60_000, "ROAMING", 18, -99, "NBIoT", "Other \u0007Net", 0, LinkHistory.SINR_UNKNOWN);
        Map<String, Object> e = endpoints(h.snapshot(T0 + 62_000)).get(0);
        List<List<Object>> minutes = (List<List<Object>>) e.get("minutes");
        assertThat(minutes.get(0).subList(6, 8)).containsExactly(500L, 60L); // the first sample is the baseline
        assertThat(minutes.get(1).subList(6, 8)).containsExactly(290L, 60L);
        assertThat(e.get("bytes_sent")).isEqualTo(790L);
        assertThat(e.get("bytes_received")).isEqualTo(120L);

        HistoryFile file = new HistoryFile(dir.resolve("history"));
        file.save(h.contents());
        assertThat(Files.readAllLines(file.path()).get(0)).isEqualTo(HistoryFile.HEADER);
        LinkHistory after = new LinkHistory();
        after.restore(file.load().contents(), T0 + 3 * 60_000);
        LinkHistory.Contents c = after.contents();
        assertThat(c.endpointMinutes().get("demo")).extracting(LinkHistory.EndpointMinute::sent)
                .containsExactly(500L, 290L);
        assertThat(c.modemMinutes().get("m")).extracting(LinkHistory.ModemMinute::operator)
                .containsExactly("Uplink Emulated", "Other \u0007Net");
        assertThat(c.modemMinutes().get("m")).extracting(LinkHistory.ModemMinute::sinr)
                .as("0 dB is a figure, not 'unknown'").containsExactly(0, LinkHistory.SINR_UNKNOWN);
        assertThat(c.modemMinutes().get("m")).extracting(LinkHistory.ModemMinute::rsrq).containsExactly(-11, 0);
    }

    @Test
    void aFileOfTheFirstVersionIsReadWithItsMissingFiguresUnknown() throws Exception {
        Path path = dir.resolve("history");
        Files.writeString(path, "uplink-history 1\nE demo 29666666 CONNECTED false 1 2 0\n"
                + "M m 29666666 HOME 20 -95 eMTC\nE demo 29666667 CONNECTED false 1 2 0 10 20\n",
                StandardCharsets.UTF_8);
        HistoryFile.Loaded loaded = new HistoryFile(path).load();
        assertThat(loaded.skipped()).as("a version 2 line in a version 1 file").isEqualTo(1);
        assertThat(loaded.contents().endpointMinutes().get("demo")).singleElement()
                .satisfies(m -> assertThat(m.sent()).isEqualTo(-1L));
        assertThat(loaded.contents().modemMinutes().get("m")).singleElement()
                .satisfies(m -> assertThat(m.operator()).isEmpty())
                .satisfies(m -> assertThat(m.sinr()).isEqualTo(LinkHistory.SINR_UNKNOWN));
        Files.writeString(path, HistoryFile.HEADER + "\nE demo 29666667 CONNECTED false 1 2 0 -7 20\n",
                StandardCharsets.UTF_8);
        assertThat(new HistoryFile(path).load().skipped()).as("a negative byte count").isEqualTo(1);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> endpoints(Map<String, Object> snapshot) {
        return (List<Map<String, Object>>) snapshot.get("endpoints");
    }
}
