package io.uplink.credentials.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a writing process with SIGKILL at random moments, over and over; every time, the store must open with every
 * import that had returned before the kill.
 */
class CrashConsistencyTest {

    @TempDir
    Path dir;

    @Test
    void aProcessKilledMidWriteNeverLosesOrCorruptsTheStore() throws Exception {
        TestPki.Issued d = TestPki.issue(TestPki.spec(), null);
        Path content = dir.resolve("device.pem");
        Files.writeString(content, TestPki.pem(d.cert()) + TestPki.pkcs8(d.key()));
        Path store = dir.resolve("store/credentials.bcfks");
        Random random = new Random(7);
        int next = 0;
        int kills = 6;
        for (int round = 0; round < kills; round++) {
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                    System.getProperty("java.class.path"), StoreWriterProcess.class.getName(), store.toString(),
                    content.toString(), String.valueOf(next)).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            int lastStored = -1;
            try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                int wanted = 1 + random.nextInt(3);
                String line;
                while ((line = out.readLine()) != null) {
                    if (!line.startsWith("stored ")) {
                        continue; // the writer's own log lines
                    }
                    lastStored = Integer.parseInt(line.substring("stored ".length()));
                    if (lastStored >= next + wanted - 1) {
                        break;
                    }
                }
                // Kill somewhere inside the next save: it is in progress as soon as the line was printed.
                Thread.sleep(random.nextInt(40));
                p.destroyForcibly();
                assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            }
            assertThat(lastStored).as("the writer made progress in round %d", round).isGreaterThanOrEqualTo(next);
            BcCredentialStore reopened = new BcCredentialStore(store, "crash-secret".toCharArray(),
                    Duration.ofDays(30), Clock.systemUTC(), (a, c) -> { });
            reopened.verifyReadable();
            for (int i = 0; i <= lastStored; i++) {
                assertThat(reopened.clientIdentity("k" + i)).as("k%d after kill %d", i, round).isPresent();
            }
            next = lastStored + 1;
        }
        try (var leftovers = Files.list(store.getParent())) {
            assertThat(leftovers.map(x -> x.getFileName().toString()))
                    .as("no temporary files survive a reopen").noneMatch(n -> n.endsWith(".tmp"));
        }
    }
}
