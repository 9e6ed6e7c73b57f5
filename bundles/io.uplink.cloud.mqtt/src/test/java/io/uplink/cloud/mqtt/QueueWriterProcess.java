package io.uplink.cloud.mqtt;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Run by the crash test as its own JVM: appends "msg-N" and prints "accepted N" after each append returned. */
public final class QueueWriterProcess {

    private QueueWriterProcess() {
    }

    public static void main(String[] args) throws Exception {
        StoreAndForwardQueue q = new StoreAndForwardQueue(Path.of(args[0]), 1_000_000, 1L << 30);
        for (int i = Integer.parseInt(args[1]);; i++) {
            q.append("t", ("msg-" + i).getBytes(StandardCharsets.UTF_8), 1, false);
            System.out.println("accepted " + i);
            System.out.flush();
        }
    }
}
