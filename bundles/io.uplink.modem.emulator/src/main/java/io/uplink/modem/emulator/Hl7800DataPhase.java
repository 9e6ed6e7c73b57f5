package io.uplink.modem.emulator;

import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * The HL7800's host-to-module data phase (AT+KTCPSND, AT+KCERTSTORE, AT+KPRIVKSTORE): after {@code CONNECT} the
 * module takes bytes until the EOF pattern of AT+KPATTERN arrives. The announced byte count is not what ends the
 * phase; the module compares it afterwards (KTCPSND reports a difference as {@code +KTCP_NOTIF: <s>,8}, "data sending
 * is OK but KTCPSND was waiting more or less characters", HL7518 manual; the credential commands answer 930). So an
 * EOF pattern inside the data ends the phase early, as on the module: a host must pick a pattern its data never
 * contains. If the pattern never comes, the phase ends after a silence of {@code idleMillis} *[choice: Sierra's own
 * test sends 9 of 10 announced bytes without a pattern and gets 930, so the module must give up at some point; the
 * manual's timeout is not known]*.
 *
 * <p>Bounded: at most {@code limit} data bytes reach the sink, the rest are counted and dropped; the pattern is
 * matched in a window of its own length. Emulator thread only.
 */
final class Hl7800DataPhase {

    /** How the phase ended. */
    enum End {
        /** The EOF pattern arrived. */
        PATTERN,
        /** Silence for the idle time before any pattern. */
        SILENCE
    }

    /**
     * @param end how it ended
     * @param received data bytes before the pattern (or before the silence), including dropped ones
     */
    record Result(End end, long received) {
        boolean matches(long announced) {
            return received == announced;
        }
    }

    /** Where the data goes, in chunks, as it arrives. */
    interface Sink {
        void accept(byte[] data, int off, int len) throws IOException;
    }

    private static final int CHUNK = 1024;

    private Hl7800DataPhase() {
    }

    /** Runs the phase: data (without the pattern) goes to {@code sink}, at most {@code limit} bytes of it. */
    static Result read(SerialInput in, byte[] pattern, long limit, long idleMillis, Sink sink) throws IOException {
        byte[] window = new byte[pattern.length];
        int held = 0;
        byte[] chunk = new byte[CHUNK];
        int filled = 0;
        long received = 0;
        long idleNanos = idleMillis * 1_000_000L;
        long deadline = System.nanoTime() + idleNanos;
        while (true) {
            int c = in.read(deadline, false);
            if (c == SerialInput.EOF) {
                throw new IOException("serial line closed during a data phase");
            }
            if (c == SerialInput.TIMEOUT) {
                // the held bytes were data after all
                for (int i = 0; i < held; i++) {
                    if (received++ < limit) {
                        chunk[filled++] = window[i];
                        if (filled == CHUNK) {
                            sink.accept(chunk, 0, filled);
                            filled = 0;
                        }
                    }
                }
                if (filled > 0) {
                    sink.accept(chunk, 0, filled);
                }
                return new Result(End.SILENCE, received);
            }
            deadline = System.nanoTime() + idleNanos;
            if (held == window.length) {
                // the oldest held byte can no longer start the pattern: it is data
                byte out = window[0];
                System.arraycopy(window, 1, window, 0, held - 1);
                held--;
                if (received++ < limit) {
                    chunk[filled++] = out;
                    if (filled == CHUNK) {
                        sink.accept(chunk, 0, filled);
                        filled = 0;
                    }
                }
            }
            window[held++] = (byte) c;
            if (held == window.length && java.util.Arrays.equals(window, pattern)) {
                if (filled > 0) {
                    sink.accept(chunk, 0, filled);
                }
                return new Result(End.PATTERN, received);
            }
        }
    }

    /** A sink that keeps everything (callers bound it with {@code limit}). */
    static final class Collector implements Sink {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        @Override
        public void accept(byte[] data, int off, int len) {
            bytes.write(data, off, len);
        }

        byte[] bytes() {
            return bytes.toByteArray();
        }
    }
}
