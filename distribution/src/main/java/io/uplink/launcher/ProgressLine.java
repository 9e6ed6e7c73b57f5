package io.uplink.launcher;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Progress of a long transfer on stderr: nothing for the first seconds (a quick job stays quiet), then at most one
 * line a second with the bytes so far, the rate and the time left. On a terminal the line is rewritten in place;
 * into a file or pipe each report is its own line. The clock is injected, so the pacing is tested without waiting.
 */
final class ProgressLine {

    static final long QUIET_NANOS = 2_000_000_000L;
    static final long EVERY_NANOS = 1_000_000_000L;

    private final PrintStream err;
    private final boolean terminal;
    private final LongSupplier nanos;
    private final long started;
    private long last;
    private boolean shown;

    ProgressLine(PrintStream err, boolean terminal, LongSupplier nanos) {
        this.err = err;
        this.terminal = terminal;
        this.nanos = nanos;
        this.started = nanos.getAsLong();
        this.last = started;
    }

    /**
     * @param what e.g. "Uploading" or "Gateway downloading"
     * @param total -1 when not known
     * @param rate bytes a second, -1 to compute it from the time since the start
     * @param secondsLeft -1 to compute it from the rate
     * @return whether a line was written
     */
    boolean report(String what, long bytes, long total, long rate, long secondsLeft) {
        long now = nanos.getAsLong();
        if (now - started < QUIET_NANOS || shown && now - last < EVERY_NANOS) {
            return false;
        }
        last = now;
        shown = true;
        long r = rate >= 0 ? rate : bytes * 1_000_000_000L / Math.max(1, now - started);
        long left = secondsLeft >= 0 ? secondsLeft : total > 0 && r > 0 ? (total - bytes) / r : -1;
        String line = format(what, bytes, total, r, left);
        if (terminal) {
            err.print("\r" + line + "\u001b[K");
        } else {
            err.println(line);
        }
        err.flush();
        return true;
    }

    /** Ends a rewritten line, so what follows starts on its own. */
    void done() {
        if (shown && terminal) {
            err.println();
        }
        shown = false;
    }

    static String format(String what, long bytes, long total, long rate, long secondsLeft) {
        StringBuilder b = new StringBuilder(what).append(": ").append(size(bytes));
        if (total > 0) {
            b.append(" of ").append(size(total)).append(" (").append(bytes * 100 / total).append(" %)");
        }
        b.append(", ").append(size(rate)).append("/s");
        if (secondsLeft >= 0) {
            b.append(", ").append(duration(secondsLeft)).append(" left");
        }
        return b.toString();
    }

    static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        if (bytes < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
        }
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
    }

    static String duration(long seconds) {
        return seconds < 60 ? seconds + " s" : seconds < 3600 ? seconds / 60 + " min " + seconds % 60 + " s"
                : seconds / 3600 + " h " + seconds % 3600 / 60 + " min";
    }
}
