package io.uplink.modem.emulator;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SLM's data mode after a bare {@code AT#XSEND} (slm_data_mode.rst, slm_at_host.c): every byte from the host goes
 * to the active socket, flushed after {@link #IDLE_MS} ms without input or at {@link #BUFFER} bytes, until the
 * terminator {@code +++}, alone or at the end of data, without guard times. Pluses followed by other bytes are data;
 * so are pluses the idle timer flushes, as in the SLM. The exit answers {@code #XDATAMODE: 0}; after a failed send
 * the rest is dropped until {@code +++}, which then answers {@code #XDATAMODE: <negative errno>} [U: the errno].
 *
 * <p>Threads: runs on the emulator thread; posted tasks (URCs) wait until it ends.
 */
final class Nrf9160DataMode {

    private static final Logger LOG = LoggerFactory.getLogger(Nrf9160DataMode.class);
    /** CONFIG_SLM_DATAMODE_BUF_SIZE default. */
    static final int BUFFER = 3884;
    /** The send trigger after input stops [choice: the SLM derives it from the baud rate]. */
    static final int IDLE_MS = 50;
    private static final int ECONNRESET = 104;

    private Nrf9160DataMode() {
    }

    /** Data mode: see the class comment. Runs on the emulator thread until +++. */
    static void run(EmulatedModule core, Nrf9160Socket s) throws IOException {
        SerialInput in = core.input();
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        int pluses = 0;
        int failure = 0;
        while (true) {
            long deadline = buffer.size() > 0 || pluses > 0
                    ? System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(IDLE_MS) : SerialInput.NO_DEADLINE;
            int b = in.read(deadline, false);
            if (b == SerialInput.EOF) {
                throw new IOException("serial line closed in data mode");
            }
            if (b == SerialInput.TIMEOUT) {
                for (; pluses > 0; pluses--) {
                    buffer.write('+'); // a partial terminator flushed by the timer is data, as in the SLM
                }
                failure = flush(s, buffer, failure);
                continue;
            }
            if (b == '+') {
                if (++pluses == 3) {
                    failure = flush(s, buffer, failure);
                    core.out().urc("#XDATAMODE: " + failure);
                    return;
                }
                continue;
            }
            for (; pluses > 0; pluses--) {
                buffer.write('+');
            }
            buffer.write(b);
            if (buffer.size() >= BUFFER) {
                failure = flush(s, buffer, failure);
            }
        }
    }

    /** Sends what data mode collected; after a failure everything is dropped. Returns the failure (0 = none). */
    private static int flush(Nrf9160Socket s, ByteArrayOutputStream buffer, int failure) {
        if (buffer.size() == 0) {
            return failure;
        }
        byte[] data = buffer.toByteArray();
        buffer.reset();
        if (failure != 0) {
            return failure;
        }
        if (!s.send(data)) {
            LOG.debug("emulated nRF9160 socket {}: data-mode send of {} bytes failed", s.fd, data.length);
            return -ECONNRESET;
        }
        return 0;
    }
}
