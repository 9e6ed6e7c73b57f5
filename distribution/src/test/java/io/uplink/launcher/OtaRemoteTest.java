package io.uplink.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line's side of 'ota install/list/rollback' without a gateway: arguments, progress pacing, answers. */
class OtaRemoteTest {

    @TempDir
    Path home;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void badArgumentsExitWith2AndSayWhy() throws Exception {
        System.setProperty("uplink.home", home.toString());
        try {
            assertThat(run("ota", "install")).isEqualTo(2);
            assertThat(err()).contains("install needs one FILE or URL");
            assertThat(run("ota", "install", home.resolve("missing.dp").toString())).isEqualTo(2);
            assertThat(err()).contains("no such file");
            assertThat(run("ota", "install", "https://x/p.dp", "--sha256", "abc")).isEqualTo(2);
            assertThat(err()).contains("64 hex digits");
            assertThat(run("ota", "install", "https://x/p.dp", "--size", "ten")).isEqualTo(2);
            assertThat(run("ota", "rollback")).isEqualTo(2);
            assertThat(err()).contains("package NAME");
            assertThat(run("ota", "list", "extra")).isEqualTo(2);
            assertThat(run("ota", "list", "--password-file", home.resolve("nope").toString())).isEqualTo(2);
            assertThat(err()).contains("no such file");
        } finally {
            System.clearProperty("uplink.home");
        }
    }

    @Test
    void aGatewayThatIsNotRunningExitsWith3() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path pw = Files.writeString(home.resolve("pw"), "secret\n");
        assertThat(run("ota", "list", "--gateway", "http://127.0.0.1:" + port + "/system/console",
                "--password-file", pw.toString())).isEqualTo(3);
        assertThat(err()).contains("no gateway answers at http://127.0.0.1:" + port + "/system/console/uplink/")
                .contains("is it running");
    }

    @Test
    void theRecordedConsoleOfTheNewestStartIsUsed() throws Exception {
        Files.createDirectories(home.resolve("data/demo"));
        Files.writeString(home.resolve("data/console.url"), "http://127.0.0.1:1/system/console\n\n");
        Files.writeString(home.resolve("data/demo/console.url"), "https://127.0.0.1:2/system/console\nAB:CD\n");
        Files.setLastModifiedTime(home.resolve("data/console.url"), java.nio.file.attribute.FileTime.fromMillis(1000));
        Files.writeString(home.resolve("pw"), "x");
        ConsoleClient c = ConsoleClient.locate(home, null, null, home.resolve("pw"));
        assertThat(c.base().toString()).isEqualTo("https://127.0.0.1:2/system/console/uplink/");
        assertThatThrownBy(() -> ConsoleClient.locate(home, "ftp://x", null, home.resolve("pw")))
                .isInstanceOf(ConsoleClient.Failure.class).hasMessageContaining("--gateway");
    }

    @Test
    void progressStaysQuietForShortJobsThenReportsOnceASecond() {
        AtomicLong now = new AtomicLong();
        ByteArrayOutputStream lines = new ByteArrayOutputStream();
        ProgressLine p = new ProgressLine(new PrintStream(lines, true, StandardCharsets.UTF_8), false, now::get);
        now.set(1_900_000_000L);
        assertThat(p.report("Uploading", 1000, 10_000, -1, -1)).isFalse(); // a quick job says nothing
        now.set(2_000_000_000L);
        assertThat(p.report("Uploading", 2048, 10_240, -1, -1)).isTrue();
        now.set(2_500_000_000L);
        assertThat(p.report("Uploading", 3000, 10_240, -1, -1)).isFalse(); // within the second
        now.set(3_000_000_000L);
        assertThat(p.report("Uploading", 5120, 10_240, 512, 10)).isTrue();
        assertThat(lines.toString(StandardCharsets.UTF_8).lines().toList()).containsExactly(
                "Uploading: 2.0 KiB of 10.0 KiB (20 %), 1.0 KiB/s, 8 s left",
                "Uploading: 5.0 KiB of 10.0 KiB (50 %), 512 B/s, 10 s left");
        assertThat(ProgressLine.duration(3725)).isEqualTo("1 h 2 min");
    }

    @Test
    void answersAreReadAsJsonWithBoundedNesting() {
        Object v = JsonReader.parse("{\"a\":[1,2.5,\"x\\\"y\\u0041\"],\"b\":{\"c\":null,\"d\":true},\"e\":-3}");
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) v;
        assertThat(m.get("a")).isEqualTo(List.of(1L, 2.5, "x\"yA"));
        @SuppressWarnings("unchecked")
        Map<String, Object> b = (Map<String, Object>) m.get("b");
        assertThat(b).containsEntry("c", null).containsEntry("d", true);
        assertThat(m.get("e")).isEqualTo(-3L);
        assertThatThrownBy(() -> JsonReader.parse("[".repeat(100))).hasMessageContaining("nested deeper");
        assertThatThrownBy(() -> JsonReader.parse("{\"a\":1")).hasMessageContaining("'}' expected");
        assertThatThrownBy(() -> JsonReader.parse("{\"a\":1} x")).hasMessageContaining("text after");
        assertThatThrownBy(() -> JsonReader.parse("\"open")).hasMessageContaining("not closed");
    }
}
