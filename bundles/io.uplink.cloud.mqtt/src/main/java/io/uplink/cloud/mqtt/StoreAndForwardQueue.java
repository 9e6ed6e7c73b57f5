package io.uplink.cloud.mqtt;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.uplink.cloud.CloudException;

import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.MVStoreException;

/**
 * The durable outbound queue of one endpoint, in an H2 MVStore file (append-only chunks, rolled back to the last
 * complete commit after a crash). With {@link Durability#SYNC} an accepted message is on disk before {@link #append}
 * returns, and messages accepted at the same time share one sync (group commit: the queue's syncer thread syncs
 * everything appended so far, and wakes exactly the publishers that sync covered). What is synced per group is a
 * record each in the {@link QueueLog} beside the file (overwritten in place: one device flush, no metadata); the
 * MVStore itself is committed and synced at a checkpoint, at most every second and whenever the log is full, and the
 * log then starts over. Messages accepted since the last checkpoint are held in memory beside the file (and are on disk
 * in the log): only those still queued at the checkpoint are written to the file, so while the broker keeps up a message
 * costs the MVStore nothing. At open, what the log holds beyond the last checkpoint is put back into the queue. A message
 * leaves the queue only when the caller removes it (after PUBACK for QoS 1). When full, new messages are refused with a
 * clear error: what was accepted is never dropped. After a restart every message still in the file is sent again, so
 * duplicates are possible for what was in flight, losses are not.
 *
 * <p>Thread-safe. The maps, {@code bytes} and {@code nextId} are guarded by {@code this}; {@code syncedUpTo} and
 * {@code syncing} by {@code syncLock}. A sync runs outside {@code this}, so appends go on while the disk works.
 */
final class StoreAndForwardQueue implements AutoCloseable {

    private static final String LAST_ACCEPTED = "last.accepted";

    /** How far an accepted message is on disk when {@link #append} returns. */
    enum Durability {
        /** Committed and synced (fsync) before acceptance; messages accepted together share a sync. */
        SYNC,
        /** Synced at most every {@code batch} interval: a crash or power cut loses what was accepted since. */
        BATCHED,
        /** Held in memory, written to the file only at a clean stop: a crash loses everything since the start. */
        MEMORY;

        static Durability of(String text) {
            return switch (text == null ? "" : text.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "sync", "" -> SYNC;
            case "batched" -> BATCHED;
            case "memory" -> MEMORY;
            default -> throw new IllegalArgumentException("queue.durability must be sync, batched or memory, not '"
                    + text + "'");
            };
        }
    }

    /**
     * What the queue did to the disk since it was opened, for the status (flash wear): messages accepted, syncs (each
     * an fsync, the costly part on flash), write operations and bytes written (-1 when the H2 in use does not let
     * them be counted) to the file and its log.
     */
    record Stats(long accepted, long syncs, long writes, long bytesWritten) {
    }

    /** A queued message. */
    record Message(long id, String topic, byte[] payload, int qos, boolean retained, Instant acceptedAt) {
    }

    private final Path file;
    private final MVStore store;
    /** Messages as of the last commit, and those a commit moved here since (ids below every one in {@code pending}). */
    private final MVMap<Long, byte[]> messages;
    /**
     * Messages accepted since the last commit of the file, by id; guarded by {@code this}. In {@link Durability#SYNC}
     * they are on disk in the log; a commit moves what is still queued into {@code messages}. A message delivered
     * before the next commit (the usual case while the broker is reachable) so never costs the MVStore a write.
     */
    private final java.util.TreeMap<Long, byte[]> pending = new java.util.TreeMap<>();
    /** The records' bytes in {@code pending}; guarded by {@code this}. */
    private long pendingBytes;
    /**
     * At most this much is held in {@code pending}: beyond it, what is there moves into the map uncommitted, where H2
     * writes it out on its own as its unsaved memory grows (memory and batched modes would otherwise hold a whole
     * backlog on the heap; in sync mode the 1 MiB log forces a checkpoint at about the same point).
     */
    static final long PENDING_MAX_BYTES = 1 << 20;
    /** No id in {@code messages} is above this (it may hold less after removals); guarded by {@code this}. */
    private long fileNewest;
    /**
     * {@value #LAST_ACCEPTED}: the newest id ever accepted, put in at every commit (so it stays when every message is
     * sent; one map write per commit, not per message).
     */
    private final MVMap<String, Long> state;
    private final QueueMark mark;
    private final int maxMessages;
    private final long maxBytes;
    private final String damage;
    private final Durability durability;
    private final Object syncLock = new Object();
    /** What {@link #appendAsync} callers wait for, by id; completed after each sync. */
    private final java.util.concurrent.ConcurrentSkipListMap<Long, java.util.concurrent.CompletableFuture<Void>> durableWaiters =
            new java.util.concurrent.ConcurrentSkipListMap<>();
    private final java.util.concurrent.atomic.AtomicBoolean syncRequested = new java.util.concurrent.atomic.AtomicBoolean();
    /** Syncs for {@link #appendAsync} callers ({@link Durability#SYNC} only); made on first use. */
    private java.util.concurrent.ExecutorService syncer; // guarded by this
    private final java.util.concurrent.ScheduledExecutorService batcher;
    /** The write-ahead log ({@link Durability#SYNC} only), written by the thread holding the syncing role. */
    private final QueueLog log;
    private final long checkpointNanos;
    /** Records appended but not yet in the log, in id order from {@code unloggedFrom}; guarded by {@code this}. */
    private final List<byte[]> unlogged = new ArrayList<>();
    private long unloggedFrom;
    private long lastCheckpoint; // only the thread holding the syncing role touches it
    /**
     * Publishers the last log sync released that have not appended again yet: a hint (a publisher may not come back)
     * for how long the next sync's leader lets them catch up, see {@link #awaitDurable}.
     */
    private final java.util.concurrent.atomic.AtomicInteger returning = new java.util.concurrent.atomic.AtomicInteger();
    /** At most this many yields, and this long, for publishers to catch up before a sync. */
    private static final int CATCH_UP_YIELDS = 8;
    private static final long CATCH_UP_NANOS = 200_000;
    private long bytes;
    private long nextId;
    private long accepted;
    private long syncs;
    private long syncedUpTo; // guarded by syncLock
    private boolean syncing; // guarded by syncLock

    StoreAndForwardQueue(Path file, int maxMessages, long maxBytes) throws IOException {
        this(file, maxMessages, maxBytes, Durability.SYNC, java.time.Duration.ZERO);
    }

    /**
     * Opens (or creates) the queue. A queue file that lost messages (truncated, zeroed, records unreadable) still
     * opens with what it holds; the damaged original is kept aside and {@link #damage()} says what was recovered and
     * what was lost.
     *
     * @throws IOException when the file cannot be opened at all; it is left as it is
     */
    StoreAndForwardQueue(Path file, int maxMessages, long maxBytes, Durability durability,
            java.time.Duration batch) throws IOException {
        this(file, maxMessages, maxBytes, durability, batch, java.time.Duration.ofSeconds(1));
    }

    /**
     * As above; {@code checkpoint} is how often (at most) the queue file itself is committed and synced in
     * {@link Durability#SYNC} mode, which also bounds what is sent again after a crash (deliveries are recorded at
     * checkpoints); {@link java.time.Duration#ZERO} commits the file on every sync, without the log.
     */
    StoreAndForwardQueue(Path file, int maxMessages, long maxBytes, Durability durability,
            java.time.Duration batch, java.time.Duration checkpoint) throws IOException {
        this.file = file;
        this.checkpointNanos = checkpoint.toNanos();
        this.durability = durability;
        this.maxMessages = maxMessages;
        this.maxBytes = maxBytes;
        PrivateFile.folder(file.toAbsolutePath().getParent());
        QueueMark.Mark expected = Files.isRegularFile(file) || Files.isRegularFile(QueueLog.pathFor(file))
                ? QueueMark.read(file) : null;
        List<QueueLog.Entry> logged = QueueLog.read(file);
        long newestLogged = logged.isEmpty() ? 0 : logged.get(logged.size() - 1).id();
        String lossBeforeOpen = expected == null ? null : lostSince(file, expected, newestLogged);
        Path aside = lossBeforeOpen == null ? null : keepAside(file);
        if (lossBeforeOpen != null) {
            rebuild(file);
        }
        String otherFormat = null;
        MVStore opened;
        try {
            opened = new MVStore.Builder().fileName(file.toString()).autoCommitDisabled().open();
        } catch (MVStoreException e) {
            if (e.getErrorCode() != org.h2.mvstore.DataUtils.ERROR_UNSUPPORTED_FORMAT) {
                throw new IOException("The outbound queue " + file + " cannot be opened (" + e.getMessage() + "). It "
                        + "was left as it is: move it aside to start with an empty queue (its messages would not be "
                        + "sent), or free disk space / fix permissions if that is the cause.", e);
            }
            // Written by an H2 this one cannot read (Kura 5's 2.1 under Kura 6's 2.4): keep it, start a new queue.
            aside = moveAside(file, "other-h2");
            otherFormat = e.getMessage();
            opened = openFresh(file);
        }
        this.store = opened;
        PrivateFile.restrict(file);
        this.messages = store.openMap("messages");
        this.state = store.openMap("state");
        List<Long> unreadable = new ArrayList<>();
        for (Map.Entry<Long, byte[]> e : messages.entrySet()) {
            if (readable(e.getValue())) {
                bytes += e.getValue().length;
            } else {
                unreadable.add(e.getKey());
            }
        }
        long inFile = newest(messages, state);
        int replayed = 0;
        for (QueueLog.Entry e : logged) {
            if (e.id() <= inFile) {
                continue; // in the file already (it was checkpointed after this record was logged)
            }
            if (readable(e.record())) {
                messages.put(e.id(), e.record());
                bytes += e.record().length;
                replayed++;
            } else {
                unreadable.add(e.id());
            }
        }
        if (!unreadable.isEmpty()) {
            if (aside == null) {
                aside = keepAside(file);
            }
            for (Long id : unreadable) {
                messages.remove(id);
            }
        }
        long lastId = Math.max(Math.max(inFile, newestLogged), expected == null ? 0 : expected.lastAccepted());
        if (!unreadable.isEmpty() || lossBeforeOpen != null || otherFormat != null || replayed > 0) {
            state.put(LAST_ACCEPTED, lastId); // reported once: the next start compares against this
            durable();
        }
        if (durability == Durability.SYNC && checkpointNanos > 0) {
            try {
                this.log = QueueLog.open(file, QueueLog.DEFAULT_CAPACITY, lastId);
            } catch (IOException e) {
                store.close();
                throw new IOException("The outbound queue's log " + QueueLog.pathFor(file) + " cannot be written ("
                        + e.getMessage() + "): free disk space or fix the folder's permissions. The queue file was "
                        + "left as it is.", e);
            }
        } else {
            this.log = null;
            Files.deleteIfExists(QueueLog.pathFor(file)); // its records are in the file now
        }
        this.lastCheckpoint = System.nanoTime();
        Long newestInMap = messages.lastKey();
        this.fileNewest = newestInMap == null ? 0 : newestInMap;
        this.nextId = lastId + 1;
        this.damage = otherFormat != null ? describeOtherFormat(otherFormat, expected, aside)
                : describe(lossBeforeOpen, unreadable, aside, messages.size());
        this.mark = QueueMark.open(file);
        mark.write(lastId, expected != null && lastId == expected.lastAccepted() ? expected.at() : Instant.now());
        this.syncedUpTo = lastId;
        if (durability == Durability.BATCHED) {
            long ms = Math.max(1, batch.toMillis());
            this.batcher = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "uplink-queue-sync-" + file.getFileName());
                t.setDaemon(true);
                return t;
            });
            batcher.scheduleWithFixedDelay(this::syncQuietly, ms, ms, java.util.concurrent.TimeUnit.MILLISECONDS);
        } else {
            this.batcher = null;
        }
    }

    private static long newest(MVMap<Long, byte[]> messages, MVMap<String, Long> state) {
        Long last = messages.lastKey();
        Long accepted = state == null ? null : state.get(LAST_ACCEPTED);
        return Math.max(last == null ? 0 : last, accepted == null ? 0 : accepted);
    }

    /**
     * What was found damaged when the queue was opened, in words (recovered, lost, where the original is kept), or
     * empty when the file was intact.
     */
    String damage() {
        return damage == null ? "" : damage;
    }

    /** Opens the file read-only and compares its newest message id with the mark's. */
    private static String lostSince(Path file, QueueMark.Mark expected, long newestLogged) {
        if (newestLogged >= expected.lastAccepted()) {
            return null;
        }
        if (!Files.isRegularFile(file)) {
            return lost(newestLogged, expected);
        }
        if (isEmpty(file)) {
            // Zero bytes (a crash before the first write, a full disk). Not opened read-only: H2 would try to write a
            // header into it, fail, and keep the file locked.
            return lost(newestLogged, expected);
        }
        MVStore peek;
        try {
            peek = new MVStore.Builder().fileName(file.toString()).readOnly().open();
        } catch (MVStoreException e) {
            return null; // the read-write open below reports it
        }
        try {
            MVMap<Long, byte[]> m = peek.hasMap("messages") ? peek.openMap("messages") : null;
            MVMap<String, Long> st = peek.hasMap("state") ? peek.openMap("state") : null;
            long newest = Math.max(newestLogged, m == null ? 0 : newest(m, st));
            return newest >= expected.lastAccepted() ? null : lost(newest, expected);
        } finally {
            peek.close();
        }
    }

    private static boolean isEmpty(Path file) {
        try {
            return Files.size(file) == 0;
        } catch (IOException e) {
            return false;
        }
    }

    private static String lost(long newest, QueueMark.Mark expected) {
        long from = newest + 1;
        long count = expected.lastAccepted() - newest;
        return "the file ends before its last " + count + " accepted message(s) (ids " + from + "-"
                + expected.lastAccepted() + ", the last accepted at " + expected.at() + "): those not yet "
                + "delivered are lost";
    }

    /**
     * Replaces a damaged (truncated) file by a new one holding what it still holds, so later writes never land in the
     * damaged layout: H2 2.1 (Kura 5's) reads such a file back without what was written into it after the recovery.
     * When the damaged file cannot be copied, it is left as it is and the read-write open below deals with it.
     */
    private static void rebuild(Path file) throws IOException {
        if (isEmpty(file)) {
            return; // nothing to carry over; opened read-write below as a new queue
        }
        Path fresh = file.resolveSibling(file.getFileName() + ".rebuilt");
        Files.deleteIfExists(fresh);
        try {
            MVStore from = new MVStore.Builder().fileName(file.toString()).readOnly().open();
            try {
                MVStore to = new MVStore.Builder().fileName(fresh.toString()).autoCommitDisabled().open();
                try {
                    for (String name : List.of("messages", "state")) {
                        if (from.hasMap(name)) {
                            MVMap<Object, Object> source = from.openMap(name);
                            MVMap<Object, Object> target = to.openMap(name);
                            for (Map.Entry<Object, Object> e : source.entrySet()) {
                                target.put(e.getKey(), e.getValue());
                            }
                        }
                    }
                    to.commit();
                } finally {
                    to.close();
                }
            } finally {
                from.close();
            }
        } catch (MVStoreException e) {
            Files.deleteIfExists(fresh);
            return;
        }
        PrivateFile.restrict(fresh);
        Files.move(fresh, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static Path moveAside(Path file, String why) throws IOException {
        Path aside = file.resolveSibling(file.getFileName() + "." + why + "-" + Instant.now().toString()
                .replace(':', '-'));
        Files.move(file, aside);
        return aside;
    }

    private static MVStore openFresh(Path file) throws IOException {
        try {
            return new MVStore.Builder().fileName(file.toString()).autoCommitDisabled().open();
        } catch (MVStoreException e) {
            throw new IOException("A new outbound queue " + file + " cannot be created (" + e.getMessage() + "): free "
                    + "disk space or fix the folder's permissions.", e);
        }
    }

    private static String describeOtherFormat(String h2Message, QueueMark.Mark expected, Path aside) {
        return "The outbound queue was written by another version of H2 than the gateway runs now (" + h2Message
                + "), as after upgrading Kura 5 (H2 2.1) to Kura 6 (H2 2.4), and this one cannot read it. It was moved "
                + "to " + aside + " with the messages it held" + (expected == null ? "" : " (ids up to "
                + expected.lastAccepted() + ", the last accepted at " + expected.at() + ")") + ", which are not sent; "
                + "a new queue was started. Those still needed can be read with the H2 version that wrote the file. "
                + "Let queues drain before upgrading the gateway's H2.";
    }

    private static Path keepAside(Path file) throws IOException {
        Path aside = file.resolveSibling(file.getFileName() + ".damaged-" + Instant.now().toString()
                .replace(':', '-'));
        Files.copy(file, aside);
        PrivateFile.restrict(aside);
        return aside;
    }

    private static String describe(String loss, List<Long> unreadable, Path aside, int recovered) {
        if (loss == null && unreadable.isEmpty()) {
            return null;
        }
        StringBuilder b = new StringBuilder("The outbound queue was damaged: ");
        if (loss != null) {
            b.append(loss);
        }
        if (!unreadable.isEmpty()) {
            b.append(loss != null ? "; " : "").append(unreadable.size()).append(" message(s) could not be read (ids ")
                    .append(unreadable.size() <= 5 ? unreadable.toString() : unreadable.subList(0, 5) + "...")
                    .append(") and were taken out");
        }
        b.append(". Recovered ").append(recovered).append(" message(s), which will be sent. The damaged file is kept "
                + "as ").append(aside).append(" for inspection. A queue is damaged by a full or failing disk, a copy "
                + "taken while the gateway ran, or a power cut on storage that ignores syncs: check the disk "
                + "(df, dmesg) before trusting it again.");
        return b.toString();
    }

    /**
     * Stores a message durably.
     *
     * @return its id, increasing in acceptance order
     * @throws CloudException {@code queue-full} when the capacity is reached (nothing stored)
     */
    long append(String topic, byte[] payload, int qos, boolean retained) throws CloudException {
        return append(topic, payload, qos, retained, id -> { });
    }

    /**
     * Stores a message; {@code onAccepted} gets its id under the queue's lock, before any other thread can see the
     * message in {@link #peek}, and before the sync.
     */
    long append(String topic, byte[] payload, int qos, boolean retained, java.util.function.LongConsumer onAccepted)
            throws CloudException {
        if (durability != Durability.SYNC) {
            return store(topic, payload, qos, retained, onAccepted);
        }
        // The syncer thread makes it durable and wakes exactly the publishers its sync covered: publishers syncing
        // themselves in turn woke every waiting publisher at each sync (monitor notifyAll), most of them to wait again.
        java.util.concurrent.CompletableFuture<Void> durable = new java.util.concurrent.CompletableFuture<>();
        long id = appendAsync(topic, payload, qos, retained, onAccepted, durable);
        awaitDurable(durable);
        return id;
    }

    /**
     * Waits for what {@link #appendAsync} was given: returns once the message is on disk.
     *
     * @throws CloudException {@code queue-write-failed} when it could not be written, {@code queue-interrupted} when
     *         the thread was interrupted while waiting (the message stays queued)
     */
    static void awaitDurable(java.util.concurrent.CompletableFuture<Void> durable) throws CloudException {
        try {
            durable.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CloudException("queue-interrupted", "Interrupted while the message was written to disk; it is "
                    + "in the queue and will be sent, but its acceptance was not confirmed.",
                    "Nothing to do: the message stays queued.");
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof CloudException c) {
                throw c;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /**
     * Stores a message without waiting for the sync: {@code durable} completes once it is on disk (in
     * {@link Durability#SYNC}, by a sync shared with whatever else was appended meanwhile), at once in the other
     * modes, or exceptionally with {@code queue-write-failed}. {@code onAccepted} as for {@link #append}.
     *
     * @throws CloudException {@code queue-full} (nothing stored, {@code durable} left alone)
     */
    long appendAsync(String topic, byte[] payload, int qos, boolean retained, java.util.function.LongConsumer onAccepted,
            java.util.concurrent.CompletableFuture<Void> durable) throws CloudException {
        long id = store(topic, payload, qos, retained, onAccepted);
        if (durability != Durability.SYNC) {
            durable.complete(null);
            return id;
        }
        durableWaiters.put(id, durable);
        synchronized (syncLock) {
            if (syncedUpTo >= id) { // a sync that started after the append took it
                durableWaiters.remove(id);
                durable.complete(null);
                return id;
            }
        }
        if (syncRequested.compareAndSet(false, true)) {
            try {
                syncer().execute(this::syncForWaiters);
            } catch (java.util.concurrent.RejectedExecutionException closed) {
                syncRequested.set(false); // closing: close() completes the waiters
            }
        }
        return id;
    }

    private synchronized java.util.concurrent.ExecutorService syncer() {
        if (syncer == null) {
            syncer = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "uplink-queue-sync-" + file.getFileName());
                t.setDaemon(true);
                return t;
            });
        }
        return syncer;
    }

    /** The syncer's task: makes everything appended so far durable and tells the waiters. */
    private void syncForWaiters() {
        syncRequested.set(false); // an append after this point asks again
        long target;
        synchronized (this) {
            target = nextId - 1;
        }
        try {
            awaitDurable(target);
        } catch (CloudException e) {
            for (var w : durableWaiters.headMap(target, true).entrySet()) {
                if (durableWaiters.remove(w.getKey(), w.getValue())) {
                    w.getValue().completeExceptionally(e);
                }
            }
        }
    }

    /** Completes the waiters of {@link #appendAsync} whose messages are on disk up to {@code upTo}. */
    private void releaseDurable(long upTo) {
        if (durableWaiters.isEmpty()) {
            return;
        }
        for (var w : durableWaiters.headMap(upTo, true).entrySet()) {
            if (durableWaiters.remove(w.getKey(), w.getValue())) {
                w.getValue().complete(null);
            }
        }
    }

    /** Puts the message in the map (and in the log's pending records); returns its id. */
    private long store(String topic, byte[] payload, int qos, boolean retained,
            java.util.function.LongConsumer onAccepted) throws CloudException {
        byte[] record = encode(topic, payload, qos, retained, Instant.now());
        long id;
        synchronized (this) {
            int size = messages.size() + pending.size();
            if (size >= maxMessages || bytes + record.length > maxBytes) {
                throw new CloudException("queue-full", "The outbound queue is full (" + size
                        + " messages, " + bytes + " bytes; limits " + maxMessages + " messages, " + maxBytes
                        + " bytes): the message was not accepted. Nothing queued was dropped.", "The broker has been "
                        + "unreachable for a while: check the connection (uplink doctor); raise queue.max.messages / "
                        + "queue.max.bytes if the gateway should buffer longer; publish less often meanwhile.");
            }
            id = nextId++;
            if (returning.get() > 0) {
                returning.decrementAndGet();
            }
            onAccepted.accept(id);
            pending.put(id, record);
            pendingBytes += record.length;
            if (pendingBytes > PENDING_MAX_BYTES) {
                movePendingLocked();
            }
            if (log != null) {
                if (unlogged.isEmpty()) {
                    unloggedFrom = id;
                }
                unlogged.add(record);
            }
            bytes += record.length;
            accepted++;
        }
        return id;
    }

    /** Returns once {@code id} is synced: syncs itself (everything appended so far) unless a sync is running. */
    private void awaitDurable(long id) throws CloudException {
        synchronized (syncLock) {
            while (syncedUpTo < id) {
                if (!syncing) {
                    syncing = true;
                    break;
                }
                try {
                    syncLock.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new CloudException("queue-interrupted", "Interrupted while the message was written to disk; "
                            + "it is in the queue and will be sent, but its acceptance was not confirmed.",
                            "Nothing to do: the message stays queued.");
                }
            }
            if (syncedUpTo >= id) {
                return;
            }
        }
        long upTo = 0;
        // Without this, publishers fall into two groups that take turns: while one waits for its sync, the other,
        // just released, appends after the next sync has already started. Letting them catch up halves the syncs.
        long catchUpStart = System.nanoTime();
        for (int i = 0; i < CATCH_UP_YIELDS && returning.get() > 0
                && System.nanoTime() - catchUpStart < CATCH_UP_NANOS; i++) {
            Thread.yield();
        }
        try {
            upTo = log == null ? commitAndSync() : logOrCheckpoint();
        } catch (RuntimeException | IOException e) {
            throw new CloudException("queue-write-failed", "The outbound queue " + file + " could not be written ("
                    + e.getMessage() + "): the message is not on disk.", "Check free space and the disk (df, dmesg); "
                    + "the message was not accepted, publish it again.");
        } finally {
            long synced;
            synchronized (syncLock) {
                syncedUpTo = Math.max(syncedUpTo, upTo);
                synced = syncedUpTo;
                syncing = false;
                syncLock.notifyAll();
            }
            releaseDurable(synced);
        }
    }

    /**
     * Commits what is appended and syncs it; returns the newest id covered. Only moving the pending messages into the
     * map is done under the queue's lock: the commit (H2 serializing and writing a chunk) runs outside it, so
     * deliveries and appends go on meanwhile. The map is safe for that (copy-on-write, and the commit takes a snapshot);
     * a delivery removed during the commit is in this commit or the next, and appends go to {@code pending}.
     */
    private long commitAndSync() {
        long upTo;
        synchronized (this) {
            upTo = nextId - 1;
            unlogged.clear(); // all of it is in this commit
            prepareCommitLocked();
        }
        store.commit();
        store.sync();
        synchronized (this) {
            syncs++;
        }
        writeMark(upTo);
        return upTo;
    }

    /**
     * {@link Durability#SYNC} with the log: writes the records appended since the last sync to the log and syncs it,
     * or, when the last checkpoint is older than the interval or the records do not fit, checkpoints (commits and
     * syncs the file, then starts the log over). Returns the newest id on disk.
     */
    private long logOrCheckpoint() throws IOException {
        List<byte[]> group;
        long first;
        synchronized (this) {
            group = new ArrayList<>(unlogged);
            first = unloggedFrom;
            unlogged.clear();
        }
        long now = System.nanoTime();
        // Empty when an earlier attempt failed after taking the records: the commit covers them.
        if (group.isEmpty() || now - lastCheckpoint >= checkpointNanos || !log.fits(group)) {
            long upTo = commitAndSync();
            try {
                log.restart(upTo);
                lastCheckpoint = now;
            } catch (IOException e) {
                // The messages are in the file. Until the log starts over, every sync is a checkpoint: records
                // logged after a gap would not be put back at the next open.
                lastCheckpoint = now - checkpointNanos;
                org.slf4j.LoggerFactory.getLogger(StoreAndForwardQueue.class).warn("The queue's log {} could not "
                        + "be started over ({}): every message is now synced in the queue file itself, which is "
                        + "slower. Check the disk (df, dmesg).", log.path(), e.getMessage());
            }
            return upTo;
        }
        long upTo = first + group.size() - 1;
        returning.set(group.size());
        try {
            log.append(first, group);
        } catch (IOException e) {
            // Not known to be on disk: the next sync must write them (again), so the log starts over after a commit.
            lastCheckpoint = now - checkpointNanos;
            throw e;
        }
        synchronized (this) {
            syncs++;
        }
        writeMark(upTo);
        return upTo;
    }

    private void writeMark(long upTo) {
        try {
            mark.write(upTo, Instant.now());
        } catch (IOException e) {
            // The messages are on disk; only the witness of damage lags.
            org.slf4j.LoggerFactory.getLogger(StoreAndForwardQueue.class).warn("The queue's mark beside {} could "
                    + "not be written ({}): damage to the queue file could go unnoticed.", file, e.getMessage());
        }
    }

    /** The batched mode's timer: syncs when something was appended since the last sync. */
    private void syncQuietly() {
        synchronized (syncLock) {
            synchronized (this) {
                if (syncing || syncedUpTo >= nextId - 1 || store.isClosed()) {
                    return;
                }
            }
            syncing = true;
        }
        long upTo = 0;
        try {
            upTo = commitAndSync();
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(StoreAndForwardQueue.class).error("The outbound queue {} could not be "
                    + "written ({}): messages accepted since the last sync are only in memory. Check free space "
                    + "and the disk (df, dmesg).", file, e.getMessage());
        } finally {
            synchronized (syncLock) {
                syncedUpTo = Math.max(syncedUpTo, upTo);
                syncing = false;
                syncLock.notifyAll();
            }
        }
    }

    synchronized Stats stats() {
        long fileBytes = fileBytesWritten(store);
        return new Stats(accepted, syncs, (store.getFileStore() == null ? 0 : store.getFileStore().getWriteCount())
                + (log == null ? 0 : log.writes()), fileBytes < 0 ? -1 : fileBytes + (log == null ? 0
                        : log.bytesWritten()));
    }

    /**
     * Bytes H2 wrote to the queue file: H2 2.1 (Kura 5's) has {@code FileStore.getWriteBytes()}; 2.2 and later keep
     * the count only in the protected field {@code writeBytes}, read here by reflection. -1 when neither is there.
     */
    private static long fileBytesWritten(MVStore store) {
        Object fileStore = store.getFileStore();
        if (fileStore == null) {
            return 0;
        }
        try {
            return (Long) fileStore.getClass().getMethod("getWriteBytes").invoke(fileStore);
        } catch (ReflectiveOperationException | RuntimeException noMethod) {
            for (Class<?> c = fileStore.getClass(); c != null; c = c.getSuperclass()) {
                try {
                    java.lang.reflect.Field f = c.getDeclaredField("writeBytes");
                    f.setAccessible(true);
                    return ((java.util.concurrent.atomic.AtomicLong) f.get(fileStore)).get();
                } catch (NoSuchFieldException notHere) {
                    // look in the superclass
                } catch (ReflectiveOperationException | RuntimeException e) {
                    return -1;
                }
            }
            return -1;
        }
    }

    Durability durability() {
        return durability;
    }

    /** The oldest messages, up to {@code max}, skipping the ids given (already in flight). */
    List<Message> peek(int max, Set<Long> skip) {
        return peek(max, 0, skip);
    }

    /**
     * The oldest messages with an id above {@code after}, up to {@code max}, skipping the ids given. A sender that
     * remembers the last id it handed out starts there instead of walking past everything in flight each time.
     */
    synchronized List<Message> peek(int max, long after, Set<Long> skip) {
        List<Message> out = new ArrayList<>(Math.min(max, 16));
        if (fileNewest > after) { // else nothing in the map is after it: no B-tree walk
            // A cursor yields each key with its value: one walk, not a lookup per key on top of the iteration.
            org.h2.mvstore.Cursor<Long, byte[]> c = messages.cursor(after + 1);
            while (c.hasNext() && out.size() < max) {
                Long id = c.next();
                if (!skip.contains(id)) {
                    out.add(decode(id, c.getValue()));
                }
            }
        }
        for (Map.Entry<Long, byte[]> e : pending.tailMap(after, false).entrySet()) {
            if (out.size() >= max) {
                break;
            }
            if (!skip.contains(e.getKey())) {
                out.add(decode(e.getKey(), e.getValue()));
            }
        }
        return out;
    }

    /**
     * Removes a delivered message. Not synced, and committed only with the next sync (or, in memory mode, at the clean
     * stop): after a crash it is at worst sent once more.
     */
    synchronized void remove(long id) {
        byte[] old = pending.remove(id);
        if (old != null) {
            pendingBytes -= old.length;
        } else if (id <= fileNewest) {
            old = messages.remove(id);
        }
        if (old != null) {
            bytes -= old.length;
        }
    }

    synchronized int size() {
        return messages.size() + pending.size();
    }

    synchronized long bytes() {
        return bytes;
    }

    Path file() {
        return file;
    }

    /** Commits the store with the newest accepted id; the caller holds the queue's lock. */
    private void commitLocked() {
        prepareCommitLocked();
        store.commit();
    }

    /** Moves the pending messages into the map and records the newest accepted id; the caller holds the lock. */
    private void prepareCommitLocked() {
        movePendingLocked();
        state.put(LAST_ACCEPTED, nextId - 1);
    }

    /** Moves the pending messages into the map (not committed); the caller holds the lock. */
    private void movePendingLocked() {
        for (Map.Entry<Long, byte[]> e : pending.entrySet()) {
            messages.put(e.getKey(), e.getValue());
            fileNewest = e.getKey();
        }
        pending.clear();
        pendingBytes = 0;
    }

    /** What is held in memory outside the map, in record bytes (for tests). */
    synchronized long pendingBytes() {
        return pendingBytes;
    }

    private void durable() {
        store.commit();
        store.sync();
    }

    @Override
    public void close() {
        if (batcher != null) {
            batcher.shutdownNow();
        }
        java.util.concurrent.ExecutorService s;
        synchronized (this) {
            s = syncer;
        }
        if (s != null) {
            s.shutdown(); // a sync it runs finishes below; none starts after
        }
        boolean interrupted = false;
        synchronized (syncLock) {
            while (syncing) { // a sync writing the log or the file finishes first
                try {
                    syncLock.wait();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            syncing = true; // and none starts after: appends fail on the closed store
        }
        long upTo;
        boolean inFile;
        synchronized (this) {
            upTo = nextId - 1;
            inFile = closeStore();
        }
        if (log != null && inFile) {
            try {
                log.restart(upTo); // everything is in the file: nothing to put back at the next open
                log.close();
            } catch (IOException e) {
                // at the next open its records are at or below the file's newest id, and skipped
            }
        }
        synchronized (syncLock) {
            syncedUpTo = Math.max(syncedUpTo, upTo);
            syncLock.notifyAll();
        }
        if (inFile) {
            releaseDurable(upTo);
        }
        for (var w : durableWaiters.entrySet()) { // not written: the close could not sync the file
            if (durableWaiters.remove(w.getKey(), w.getValue())) {
                w.getValue().completeExceptionally(new CloudException("queue-write-failed", "The outbound queue "
                        + file + " was closed and could not be written: the message is not on disk.", "Check free "
                        + "space and the disk (df, dmesg); publish the message again."));
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Commits, syncs and closes the file; false when that failed (the log, if any, must then be kept). */
    private boolean closeStore() {
        boolean written = true;
        if (!store.isClosed()) {
            try {
                commitLocked();
                store.sync();
            } catch (RuntimeException e) {
                written = false;
                org.slf4j.LoggerFactory.getLogger(StoreAndForwardQueue.class).error("The outbound queue {} could not "
                        + "be written at its close ({}): what its log holds is put back at the next start; messages "
                        + "accepted in batched or memory mode since the last sync may be missing. Check free space and "
                        + "the disk (df, dmesg).", file, e.getMessage());
            }
            store.close(); // commits what is in memory: a clean stop loses nothing in any mode
        }
        try {
            mark.close();
        } catch (IOException e) {
            // closing a file opened for writing a few bytes: nothing left to save
        }
        return written;
    }

    private static boolean readable(byte[] record) {
        try {
            decode(0, record);
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    private static byte[] encode(String topic, byte[] payload, int qos, boolean retained, Instant at) {
        try {
            ByteArrayOutputStream b = new ByteArrayOutputStream(payload.length + topic.length() + 32);
            DataOutputStream out = new DataOutputStream(b);
            out.writeByte(1); // record format version
            out.writeByte(qos);
            out.writeBoolean(retained);
            out.writeLong(at.toEpochMilli());
            byte[] t = topic.getBytes(StandardCharsets.UTF_8);
            out.writeInt(t.length);
            out.write(t);
            out.writeInt(payload.length);
            out.write(payload);
            out.flush();
            return b.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory failed", e);
        }
    }

    private static Message decode(long id, byte[] record) {
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(record))) {
            if (in.readByte() != 1) {
                throw new IOException("unknown record format");
            }
            int qos = in.readByte();
            boolean retained = in.readBoolean();
            Instant at = Instant.ofEpochMilli(in.readLong());
            byte[] t = exactly(in, in.readInt(), record.length);
            byte[] payload = exactly(in, in.readInt(), record.length);
            if (qos < 0 || qos > 2 || in.available() != 0) {
                throw new IOException("record fields out of range");
            }
            return new Message(id, new String(t, StandardCharsets.UTF_8), payload, qos, retained, at);
        } catch (IOException e) {
            throw new IllegalStateException("queued message " + id + " is unreadable", e);
        }
    }

    private static byte[] exactly(DataInputStream in, int length, int recordLength) throws IOException {
        if (length < 0 || length > recordLength) {
            throw new IOException("length " + length + " out of range");
        }
        byte[] b = in.readNBytes(length);
        if (b.length != length) {
            throw new IOException("record ends early");
        }
        return b;
    }
}
