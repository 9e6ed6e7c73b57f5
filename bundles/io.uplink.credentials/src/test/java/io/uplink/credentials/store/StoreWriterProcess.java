package io.uplink.credentials.store;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * Run as a separate JVM by {@link CrashConsistencyTest}: imports credentials in a loop and prints "stored N" after
 * each import returned (i.e. after it is durable), until killed.
 */
public final class StoreWriterProcess {

    private StoreWriterProcess() {
    }

    public static void main(String[] args) throws Exception {
        Path store = Path.of(args[0]);
        byte[] content = Files.readAllBytes(Path.of(args[1]));
        int start = Integer.parseInt(args[2]);
        BcCredentialStore s = new BcCredentialStore(store, "crash-secret".toCharArray(), Duration.ofDays(30),
                Clock.systemUTC(), (a, c) -> { });
        for (int i = start;; i++) {
            s.importCredential("k" + i, content, null);
            System.out.println("stored " + i);
            System.out.flush();
        }
    }
}
