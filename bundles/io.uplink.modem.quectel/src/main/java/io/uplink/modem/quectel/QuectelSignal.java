package io.uplink.modem.quectel;

import java.util.Optional;

import io.uplink.modem.SignalQuality;

/**
 * Parses the signal answers of BG95/BG96 modules: 27.007 {@code +CSQ: <rssi>,<ber>} and Quectel's
 * {@code +QCSQ: "<sysmode>"[,<rssi>,<rsrp>,<sinr>,<rsrq>]} (BG95 AT manual: SINR in fifths of a dB from -20 dB, so
 * 0..250 means -20..+30 dB). Pure; unknown or malformed parts are left out rather than guessed.
 */
final class QuectelSignal {

    private QuectelSignal() {
    }

    /**
     * @param csqLine the {@code +CSQ:} line, or null
     * @param qcsqLine the {@code +QCSQ:} line, or null (older firmware answers ERROR)
     * @return empty when {@code +CSQ} is missing or malformed
     */
    static Optional<SignalQuality> parse(String csqLine, String qcsqLine) {
        Integer csq = csqLine == null ? null : number(fields(csqLine, "+CSQ:"), 0);
        if (csq == null || (csq < 0 || csq > 31) && csq != SignalQuality.CSQ_UNKNOWN) {
            return Optional.empty();
        }
        String[] q = qcsqLine == null ? new String[0] : fields(qcsqLine, "+QCSQ:");
        String rat = q.length > 0 ? q[0].replace("\"", "").trim() : "";
        Integer rsrp = null;
        Integer rsrq = null;
        Integer sinr = null;
        if ((rat.equals("eMTC") || rat.equals("NBIoT") || rat.equals("LTE")) && q.length >= 5) {
            rsrp = inRange(number(q, 2), -140, -44);
            Integer rawSinr = inRange(number(q, 3), 0, 250);
            sinr = rawSinr == null ? null : rawSinr / 5 - 20;
            rsrq = inRange(number(q, 4), -20, -3);
        }
        return Optional.of(new SignalQuality(csq, rsrp, rsrq, sinr, rat.equals("NOSERVICE") ? "" : rat));
    }

    private static String[] fields(String line, String prefix) {
        String s = line.trim();
        if (!s.startsWith(prefix)) {
            return new String[0];
        }
        return s.substring(prefix.length()).trim().split(",");
    }

    private static Integer number(String[] f, int i) {
        if (i >= f.length) {
            return null;
        }
        try {
            return Integer.valueOf(f[i].trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Integer inRange(Integer v, int min, int max) {
        return v == null || v < min || v > max ? null : v;
    }
}
