package io.uplink.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/uplink's class data sharing for the one-shot commands: the first run leaves an archive, the next one takes it
 * over and maps it, and neither prints anything of it (the --json output stays one JSON object).
 */
class ClassDataSharingIT {

    @TempDir
    Path temp;

    @Test
    void theFirstRunWritesTheArchiveTheNextUsesItAndOutputStaysClean() throws Exception {
        try (GatewayProcess gw = GatewayProcess.copyOfDistribution(temp)) {
            int nobody = GatewayProcess.freePort();
            String[] pub = { "pub", "-h", "127.0.0.1", "-p", String.valueOf(nobody), "-t", "cds/x", "-m", "m",
                "--timeout", "1", "--json" };
            GatewayProcess.Result first = gw.command(null, pub);
            assertThat(first.exitCode()).as(first.output()).isEqualTo(1); // no broker: the message stays queued
            assertThat(archives(gw)).singleElement().asString().matches(".*/pub-[0-9]+\\.jsa\\.tmp\\.[0-9]+");

            GatewayProcess.Result second = gw.command(null, pub);
            assertThat(second.exitCode()).as(second.output()).isEqualTo(1);
            assertThat(archives(gw)).singleElement().asString().matches(".*/pub-[0-9]+\\.jsa");
            for (GatewayProcess.Result r : List.of(first, second)) {
                String json = r.output().lines().filter(l -> l.startsWith("{")).findFirst().orElse("");
                // (the second run also holds the first one's message: still_queued differs)
                assertThat(json).contains("\"accepted\":1,").endsWith("}");
                assertThat(r.output()).doesNotContain("cds").doesNotContain("shared archive");
            }
        }
    }

    private static List<String> archives(GatewayProcess gw) throws Exception {
        Path dir = gw.home.resolve("data/cds");
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(Path::toString).toList();
        }
    }
}
