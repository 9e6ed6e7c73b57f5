package io.uplink.modem.emulator;

import java.io.ByteArrayOutputStream;
import java.io.IOException;

/** The two ways a Quectel send command takes its data after the {@code >} prompt. Emulator thread only. */
final class DataPhase {

    private DataPhase() {
    }

    /** Exactly n bytes (fixed-length send). */
    static byte[] exactly(SerialInput in, int n) throws IOException {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("serial line closed during a data phase");
            }
            b[i] = (byte) c;
        }
        return b;
    }

    /** Data ended by Ctrl+Z, at most {@code max} bytes kept; null when ESC cancelled it. */
    static byte[] untilCtrlZ(SerialInput in, int max) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        while (true) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("serial line closed during a data phase");
            }
            if (c == 0x1A) {
                return b.toByteArray();
            }
            if (c == 0x1B) {
                return null;
            }
            if (b.size() < max) {
                b.write(c);
            }
        }
    }
}
