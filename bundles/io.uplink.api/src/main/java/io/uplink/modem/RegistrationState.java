package io.uplink.modem;

/**
 * Network registration as reported by {@code +CREG}/{@code +CGREG}/{@code +CEREG} (3GPP TS 27.007 stat values).
 *
 * @since 1.0
 */
public enum RegistrationState {
    /** stat 0: not registered, not searching. */
    NOT_REGISTERED,
    /** stat 1. */
    HOME,
    /** stat 2. */
    SEARCHING,
    /** stat 3. */
    DENIED,
    /** stat 4. */
    UNKNOWN,
    /** stat 5. */
    ROAMING;

    /** Maps a 27.007 {@code <stat>} value; values outside 0..5 give {@link #UNKNOWN}. */
    public static RegistrationState of(int stat) {
        RegistrationState[] all = values();
        return stat >= 0 && stat < all.length ? all[stat] : UNKNOWN;
    }

    /** {@code true} when registered on the home network or roaming. */
    public boolean isRegistered() {
        return this == HOME || this == ROAMING;
    }
}
