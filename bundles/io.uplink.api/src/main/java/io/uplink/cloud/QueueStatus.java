package io.uplink.cloud;

/**
 * What an endpoint's outbound queue promises and what it cost the disk since it was opened: the operator's view of
 * flash wear and of the loss window.
 *
 * @param durability {@code sync} (on disk before a publish is accepted; messages accepted together share a sync),
 *        {@code batched} (synced at most every {@code batchMillis}: a crash loses what was accepted since), or
 *        {@code memory} (written only at a clean stop: a crash loses everything accepted since the start)
 * @param batchMillis the batched mode's sync interval; 0 in the other modes
 * @param accepted messages accepted since the queue was opened
 * @param syncs syncs (fsync) since the queue was opened
 * @param writes write operations on the queue's files since it was opened
 * @param damage what was found damaged in the queue file when it was opened (recovered, lost, where the damaged
 *        original is kept); empty when it was intact
 * @param bytesWritten bytes written to the queue's files since it was opened (what wears flash), or -1 where the
 *        queue cannot count them (since 1.4)
 * @since 1.2
 */
public record QueueStatus(String durability, long batchMillis, long accepted, long syncs, long writes, String damage,
        long bytesWritten) {

    /** As in 1.2 and 1.3, without the bytes written (-1: not counted). */
    public QueueStatus(String durability, long batchMillis, long accepted, long syncs, long writes, String damage) {
        this(durability, batchMillis, accepted, syncs, writes, damage, -1);
    }

    /** Bytes written per accepted message (0 when nothing was accepted, -1 when not counted); since 1.4. */
    public double bytesWrittenPerMessage() {
        return bytesWritten < 0 ? -1 : accepted == 0 ? 0 : (double) bytesWritten / accepted;
    }

    /** Syncs per accepted message (0 when nothing was accepted): 1.0 without group commit, lower with it. */
    public double syncsPerMessage() {
        return accepted == 0 ? 0 : (double) syncs / accepted;
    }
}
