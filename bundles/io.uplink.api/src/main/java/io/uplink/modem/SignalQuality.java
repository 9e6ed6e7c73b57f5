package io.uplink.modem;

import java.util.Objects;
import java.util.OptionalInt;

/**
 * The radio signal as a modem reports it: the 27.007 {@code +CSQ} figure every module gives, and the LTE figures
 * (RSRP, RSRQ, SINR) and radio access technology where the module reports them. A class rather than a record so that
 * later figures can be added without breaking callers.
 *
 * @since 1.3
 */
public final class SignalQuality {

    /** {@code +CSQ} value for "not known or not detectable". */
    public static final int CSQ_UNKNOWN = 99;

    private final int csq;
    private final Integer rsrpDbm;
    private final Integer rsrqDb;
    private final Integer sinrDb;
    private final String accessTechnology;

    /**
     * @param csq the {@code +CSQ} RSSI figure, 0..31 or {@value #CSQ_UNKNOWN}
     * @param rsrpDbm reference signal received power in dBm, or null
     * @param rsrqDb reference signal received quality in dB, or null
     * @param sinrDb signal to interference plus noise ratio in dB, or null
     * @param accessTechnology e.g. {@code eMTC}, {@code NBIoT}, {@code GSM}; empty when not reported
     * @throws IllegalArgumentException if {@code csq} is outside 0..31 and not {@value #CSQ_UNKNOWN}
     */
    public SignalQuality(int csq, Integer rsrpDbm, Integer rsrqDb, Integer sinrDb, String accessTechnology) {
        if ((csq < 0 || csq > 31) && csq != CSQ_UNKNOWN) {
            throw new IllegalArgumentException("+CSQ is 0..31 or 99, not " + csq);
        }
        this.csq = csq;
        this.rsrpDbm = rsrpDbm;
        this.rsrqDb = rsrqDb;
        this.sinrDb = sinrDb;
        this.accessTechnology = Objects.requireNonNullElse(accessTechnology, "");
    }

    /** The {@code +CSQ} RSSI figure: 0 (-113 dBm or less) .. 31 (-51 dBm or more), 99 unknown. */
    public int csq() {
        return csq;
    }

    public OptionalInt rsrpDbm() {
        return rsrpDbm == null ? OptionalInt.empty() : OptionalInt.of(rsrpDbm);
    }

    public OptionalInt rsrqDb() {
        return rsrqDb == null ? OptionalInt.empty() : OptionalInt.of(rsrqDb);
    }

    public OptionalInt sinrDb() {
        return sinrDb == null ? OptionalInt.empty() : OptionalInt.of(sinrDb);
    }

    public String accessTechnology() {
        return accessTechnology;
    }

    @Override
    public String toString() {
        return "csq " + csq + (rsrpDbm == null ? "" : ", RSRP " + rsrpDbm + " dBm")
                + (rsrqDb == null ? "" : ", RSRQ " + rsrqDb + " dB") + (sinrDb == null ? "" : ", SINR " + sinrDb + " dB")
                + (accessTechnology.isEmpty() ? "" : " (" + accessTechnology + ")");
    }
}
