package io.uplink.modem;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What a modem answered to one {@link AtCommand}: information lines, raw data read inside the response, and the
 * final result.
 *
 * @param command the command that was sent
 * @param lines information text lines in order, without echo, blank lines and the final result
 * @param data raw bytes read after a {@link AtCommand#withRawData(String) raw-data line}, empty when none
 * @param result the final result
 * @param elapsed time from sending the command to the final result
 * @since 1.0
 */
public record AtResponse(AtCommand command, List<String> lines, byte[] data, FinalResult result,
        Duration elapsed) {

    public AtResponse {
        Objects.requireNonNull(command, "command");
        lines = List.copyOf(lines);
        data = data == null ? new byte[0] : data.clone();
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(elapsed, "elapsed");
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    /** {@code true} when the final result is {@code OK} (or {@code CONNECT} for data commands). */
    public boolean isOk() {
        return result.isSuccess();
    }

    /** The first information line starting with {@code prefix}, or {@code null}. */
    public String line(String prefix) {
        for (String l : lines) {
            if (l.startsWith(prefix)) {
                return l;
            }
        }
        return null;
    }
}
