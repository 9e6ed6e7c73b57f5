package io.uplink.modem.nordic;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Splits bytes to send into what the Serial LTE Modem's data mode can carry. In data mode ({@code AT#XSEND} without
 * data) the modem takes every byte as data until its terminator {@code +++}, which it finds anywhere in the stream,
 * across UART reads (sdk-nrf slm_at_host.c): a {@code +++} inside the data would end data mode early, and data ending
 * in {@code +} would lose it to the terminator that follows. So a data-mode segment never holds {@code +++} and never
 * ends with {@code +}; runs of plus signs that cannot go in one are sent as text ({@code AT#XSEND="+++"}, plus signs
 * need no escaping in a quoted argument). Pure: no I/O.
 */
final class NordicDataMode {

    /** The terminator the Serial LTE Modem's default configuration uses ({@code CONFIG_SLM_DATAMODE_TERMINATOR}). */
    static final String TERMINATOR = "+++";
    /**
     * Bytes per data-mode segment: well inside the modem's data-mode buffer (3884 bytes by default), so that a segment
     * never waits on flow control the line may not have.
     */
    static final int MAX_SEGMENT = 2048;
    /** {@code AT#XSEND="..."} carries at most 1024 bytes. */
    static final int MAX_TEXT = 1024;

    /** One piece: bytes for data mode, or a run of plus signs for {@code AT#XSEND="..."}. */
    record Segment(boolean text, byte[] bytes) {
    }

    private NordicDataMode() {
    }

    static List<Segment> split(byte[] data, int off, int len) {
        List<Segment> out = new ArrayList<>();
        int end = off + len;
        int i = off;
        while (i < end) {
            if (data[i] == '+') {
                int j = runEnd(data, i, end);
                if (j - i >= TERMINATOR.length() || j == end) {
                    for (int k = i; k < j; k += MAX_TEXT) {
                        out.add(new Segment(true, Arrays.copyOfRange(data, k, Math.min(j, k + MAX_TEXT))));
                    }
                    i = j;
                    continue;
                }
            }
            int limit = Math.min(end, i + MAX_SEGMENT);
            int e = i;
            while (e < limit) {
                if (data[e] != '+') {
                    e++;
                    continue;
                }
                int j = runEnd(data, e, end);
                if (j - e >= TERMINATOR.length() || j >= limit) {
                    break; // a long run, or one the segment would end with: not in this segment
                }
                e = j; // a short run followed, within the segment, by a byte that is not '+'
            }
            if (e == i) { // a short run at the very start that would end the segment: as text
                int j = runEnd(data, i, end);
                out.add(new Segment(true, Arrays.copyOfRange(data, i, j)));
                i = j;
                continue;
            }
            out.add(new Segment(false, Arrays.copyOfRange(data, i, e)));
            i = e;
        }
        return out;
    }

    private static int runEnd(byte[] data, int from, int end) {
        int j = from;
        while (j < end && data[j] == '+') {
            j++;
        }
        return j;
    }
}
