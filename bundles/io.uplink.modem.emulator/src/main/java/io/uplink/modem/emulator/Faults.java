package io.uplink.modem.emulator;

/**
 * Faults the emulator injects, each switchable; all off by default.
 *
 * @param closeAfterBytes close a socket at random once it has carried about this many bytes (seed 000: ~877), 0 = off
 * @param sendFailWhenFull answer SEND FAIL when the send buffer is full (the manual's behaviour; off = block instead)
 * @param urcInsideResponses percent of responses that get a pending or harmless URC inside them, before the result
 * @param slowResponseMillis delay before each final result
 * @param garbagePercent percent of responses preceded by a line of binary noise
 * @param resetAfterCommands reboot (RDY, APP RDY; sockets, PDP context and SSL settings lost; UFS files kept) on
 *            every n-th command ({@code fault.reboot.after.commands}), 0 = off
 * @param seed random seed, so a failing run can be repeated
 * @param registrationStat the 27.007 registration state reported once the SIM is ready: 1 home (default), 2 still
 *            searching (no coverage), 3 denied, 5 roaming
 * @param requiredApn when not empty, AT+QIACT fails (the network rejects the PDP context) unless this APN was set
 * @param maxOpenSockets sockets the module has memory for at once (the manual's 12 by default); one more gets
 *            {@code +QIOPEN: <id>,553} (not enough memory)
 */
public record Faults(int closeAfterBytes, boolean sendFailWhenFull, int urcInsideResponses, int slowResponseMillis,
        int garbagePercent, int resetAfterCommands, long seed, int registrationStat, String requiredApn,
        int maxOpenSockets) {

    public Faults(int closeAfterBytes, boolean sendFailWhenFull, int urcInsideResponses, int slowResponseMillis,
            int garbagePercent, int resetAfterCommands, long seed) {
        this(closeAfterBytes, sendFailWhenFull, urcInsideResponses, slowResponseMillis, garbagePercent,
                resetAfterCommands, seed, 1, "", 12);
    }

    public static final Faults NONE = new Faults(0, true, 0, 0, 0, 0, 1);

    public Faults {
        if (closeAfterBytes < 0 || urcInsideResponses < 0 || urcInsideResponses > 100 || slowResponseMillis < 0
                || garbagePercent < 0 || garbagePercent > 100 || resetAfterCommands < 0 || registrationStat < 0
                || registrationStat > 5 || maxOpenSockets < 0 || maxOpenSockets > 12) {
            throw new IllegalArgumentException("fault settings out of range");
        }
        requiredApn = requiredApn == null ? "" : requiredApn;
    }

    public Faults withUrcInsideResponses(int percent) {
        return new Faults(closeAfterBytes, sendFailWhenFull, percent, slowResponseMillis, garbagePercent,
                resetAfterCommands, seed, registrationStat, requiredApn, maxOpenSockets);
    }

    public Faults withSlowResponses(int millis) {
        return new Faults(closeAfterBytes, sendFailWhenFull, urcInsideResponses, millis, garbagePercent,
                resetAfterCommands, seed, registrationStat, requiredApn, maxOpenSockets);
    }

    public Faults withCloseAfterBytes(int bytes) {
        return new Faults(bytes, sendFailWhenFull, urcInsideResponses, slowResponseMillis, garbagePercent,
                resetAfterCommands, seed, registrationStat, requiredApn, maxOpenSockets);
    }

    public Faults withGarbage(int percent) {
        return new Faults(closeAfterBytes, sendFailWhenFull, urcInsideResponses, slowResponseMillis, percent,
                resetAfterCommands, seed, registrationStat, requiredApn, maxOpenSockets);
    }

    /** The module stays unregistered: 2 searching (no coverage), 3 denied. */
    public Faults withRegistration(int stat) {
        return new Faults(closeAfterBytes, sendFailWhenFull, urcInsideResponses, slowResponseMillis, garbagePercent,
                resetAfterCommands, seed, stat, requiredApn, maxOpenSockets);
    }

    /** The network accepts a PDP context only with this APN. */
    public Faults withRequiredApn(String apn) {
        return new Faults(closeAfterBytes, sendFailWhenFull, urcInsideResponses, slowResponseMillis, garbagePercent,
                resetAfterCommands, seed, registrationStat, apn, maxOpenSockets);
    }

    /** Reboot (RDY, APP RDY; sockets, PDP and SSL settings lost) on every n-th command; 0 = off. */
    public Faults withResetAfterCommands(int n) {
        return new Faults(closeAfterBytes, sendFailWhenFull, urcInsideResponses, slowResponseMillis, garbagePercent,
                n, seed, registrationStat, requiredApn, maxOpenSockets);
    }

    /** The module has memory for only this many sockets at once; 0 = every open fails with 553. */
    public Faults withMaxOpenSockets(int sockets) {
        return new Faults(closeAfterBytes, sendFailWhenFull, urcInsideResponses, slowResponseMillis, garbagePercent,
                resetAfterCommands, seed, registrationStat, requiredApn, sockets);
    }
}
