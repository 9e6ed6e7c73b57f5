package io.uplink.modem.emulator;

import java.io.IOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The module's real-time clock behind AT+CCLK: it starts at {@code 80/01/06,00:00:00} (no network time in the
 * emulator) and runs from there; setting it keeps it running. It survives an AT-level reboot (the RTC runs on) [U].
 * Module TLS checks certificate dates against it.
 *
 * <p>Threads: emulator thread only.
 */
final class ModuleClock {

    private static final long POWER_ON_CLOCK = Instant.parse("1980-01-06T00:00:00Z").toEpochMilli();
    private static final DateTimeFormatter CCLK = DateTimeFormatter.ofPattern("yy/MM/dd,HH:mm:ss");
    private static final Pattern CCLK_VALUE = Pattern.compile("(\\d\\d/\\d\\d/\\d\\d,\\d\\d:\\d\\d:\\d\\d)([+-]\\d{1,2})");

    /** Module clock minus the host's, in ms. */
    private long offsetMillis = POWER_ON_CLOCK - System.currentTimeMillis();

    Instant now() {
        return Instant.ofEpochMilli(System.currentTimeMillis() + offsetMillis);
    }

    /** {@code AT+CCLK?} / {@code AT+CCLK="yy/MM/dd,hh:mm:ss±zz"} (zz: quarter hours from UTC), as 27.007 8.15. */
    void handle(CommandLine c, EmulatedModule core) throws IOException {
        ResponseWriter out = core.out();
        if (c.query()) {
            out.respond("+CCLK: \"" + CCLK.format(now().atOffset(ZoneOffset.UTC)) + "+00\"");
            return;
        }
        String v = c.args().isEmpty() ? "" : String.join(",", c.args());
        Matcher m = CCLK_VALUE.matcher(v);
        if (!m.matches()) {
            core.cmeOrError(50); // incorrect parameters
            return;
        }
        try {
            LocalDateTime local = LocalDateTime.parse(m.group(1), CCLK);
            int quarters = Integer.parseInt(m.group(2));
            Instant set = local.toInstant(ZoneOffset.ofTotalSeconds(quarters * 15 * 60));
            offsetMillis = set.toEpochMilli() - System.currentTimeMillis();
            out.ok();
        } catch (DateTimeException | NumberFormatException e) {
            core.cmeOrError(50);
        }
    }
}
