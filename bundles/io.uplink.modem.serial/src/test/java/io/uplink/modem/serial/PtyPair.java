package io.uplink.modem.serial;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import io.uplink.modem.SerialLink;

/**
 * Two pseudo-terminals joined by socat, as a USB modem's tty would be: the emulator and the gateway each open one end
 * by path with jSerialComm.
 */
public final class PtyPair implements AutoCloseable {

    public final Path modemEnd;
    public final Path gatewayEnd;
    private final Process socat;

    public PtyPair(Path dir) throws Exception {
        modemEnd = dir.resolve("modem-tty");
        gatewayEnd = dir.resolve("gateway-tty");
        socat = new ProcessBuilder("socat", "-d", "-d", "pty,raw,echo=0,link=" + modemEnd,
                "pty,raw,echo=0,link=" + gatewayEnd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("socat.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!(Files.exists(modemEnd) && Files.exists(gatewayEnd))) {
            if (!socat.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("socat did not create the pty pair: "
                        + Files.readString(dir.resolve("socat.log")));
            }
            Thread.sleep(20);
        }
    }

    /** The modem's end, opened raw by jSerialComm as well (plain file streams leave input processing on). */
    public SerialLink modemLink() throws IOException {
        return JSerialCommLink.open(modemEnd.toString(), 115200, false);
    }

    /** The gateway's end, as the modem supervisor and the CLI open a real port. */
    public SerialLink gatewayLink() throws IOException {
        return JSerialCommLink.open(gatewayEnd.toString(), 115200, false);
    }

    @Override
    public void close() {
        socat.destroy();
        try {
            if (!socat.waitFor(10, TimeUnit.SECONDS)) {
                socat.destroyForcibly();
            }
        } catch (InterruptedException e) {
            socat.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
