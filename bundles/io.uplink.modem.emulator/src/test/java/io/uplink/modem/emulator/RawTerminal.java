package io.uplink.modem.emulator;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import io.uplink.modem.SerialLink;

/** The gateway end of a serial line driven byte by byte, for data phases an AT channel would not get wrong. */
final class RawTerminal {

    private final OutputStream out;
    private final ByteArrayOutputStream seen = new ByteArrayOutputStream();
    private int consumed;

    RawTerminal(SerialLink gateway) {
        this.out = gateway.output();
        InputStream in = gateway.input();
        Thread t = new Thread(() -> {
            byte[] b = new byte[1024];
            try {
                int n;
                while ((n = in.read(b)) >= 0) {
                    synchronized (seen) {
                        seen.write(b, 0, n);
                        seen.notifyAll();
                    }
                }
            } catch (IOException closed) {
                // the test is over
            }
        }, "raw-terminal");
        t.setDaemon(true);
        t.start();
    }

    void send(String line) throws IOException {
        write((line + "\r").getBytes(StandardCharsets.ISO_8859_1));
    }

    void write(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Waits (up to 10 s) for text after what earlier calls consumed; returns everything up to and including it. */
    String expect(String text) throws InterruptedException {
        return expect(text, 10);
    }

    /** As {@link #expect(String)}, waiting up to {@code seconds}: for answers a module gives only after a timeout. */
    String expect(String text, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        synchronized (seen) {
            while (true) {
                String all = new String(seen.toByteArray(), StandardCharsets.ISO_8859_1);
                int at = all.indexOf(text, consumed);
                if (at >= 0) {
                    String upTo = all.substring(consumed, at + text.length());
                    consumed = at + text.length();
                    return upTo;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("no '" + text + "' within " + seconds + " s; got: " + all.substring(consumed));
                }
                seen.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
        }
    }
}
