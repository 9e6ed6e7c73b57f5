package io.uplink.modem.emulator;

/**
 * BG95-specific limits and faults of the emulated module: its file system (UFS) and what can go wrong with it.
 * Module-independent faults stay in {@link Faults}.
 *
 * @param ufsMaxFileBytes the largest file AT+QFUPL accepts; a larger {@code <file_size>} gets {@code +CME ERROR: 423}
 *            (file too large). Default 10240: the manual's default upload size and what field reports give as the
 *            practical limit for one certificate file.
 * @param ufsCapacityBytes total UFS space for user files; what is left is AT+QFLDS's free size, and an upload that does
 *            not fit gets {@code +CME ERROR: 420} (no space). Default 262144 (256 KiB).
 * @param ufsMaxFiles files the UFS holds at once; one more gets {@code +CME ERROR: 403} (drive full). Default 64.
 * @param uploadCorruption fault: the module stores each uploaded file with one byte flipped, so the checksum it reports
 *            in {@code +QFUPL} (and AT+QFDWL returns) differs from the one of the data sent
 * @param ufsFull fault: the UFS has no free space left; every upload gets {@code +CME ERROR: 420}
 */
public record Bg95Options(int ufsMaxFileBytes, int ufsCapacityBytes, int ufsMaxFiles, boolean uploadCorruption,
        boolean ufsFull) {

    /** The module as delivered: 10 KiB per file, 256 KiB in all, 64 files, no faults. */
    public static final Bg95Options DEFAULTS = new Bg95Options(10240, 256 * 1024, 64, false, false);

    public Bg95Options {
        if (ufsCapacityBytes < 1 || ufsCapacityBytes > 16 * 1024 * 1024) {
            throw new IllegalArgumentException("ufs.capacity.bytes must be 1..16777216, was " + ufsCapacityBytes);
        }
        if (ufsMaxFileBytes < 1 || ufsMaxFileBytes > ufsCapacityBytes) {
            throw new IllegalArgumentException("ufs.max.file.bytes must be 1..ufs.capacity.bytes ("
                    + ufsCapacityBytes + "), was " + ufsMaxFileBytes);
        }
        if (ufsMaxFiles < 1 || ufsMaxFiles > 1000) {
            throw new IllegalArgumentException("ufs.max.files must be 1..1000, was " + ufsMaxFiles);
        }
    }

    public Bg95Options withUfsLimits(int maxFileBytes, int capacityBytes, int maxFiles) {
        return new Bg95Options(maxFileBytes, capacityBytes, maxFiles, uploadCorruption, ufsFull);
    }

    public Bg95Options withUploadCorruption(boolean on) {
        return new Bg95Options(ufsMaxFileBytes, ufsCapacityBytes, ufsMaxFiles, on, ufsFull);
    }

    public Bg95Options withUfsFull(boolean on) {
        return new Bg95Options(ufsMaxFileBytes, ufsCapacityBytes, ufsMaxFiles, uploadCorruption, on);
    }
}
