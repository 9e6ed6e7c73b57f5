package io.uplink.cloud.mqtt;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The queue's write-ahead log: a file of fixed size beside the queue, written once with zeros and then only
 * overwritten in place, so syncing it (O_DSYNC writes) changes no file metadata and costs one device flush. An accepted
 * message is on disk as soon as its record is here; the queue file proper (an H2 MVStore, whose every commit writes a
 * new chunk and grows or rewrites file metadata) is committed and synced only at a checkpoint, after which the log
 * starts over.
 *
 * <p>Layout: a 32-byte header ({@code UPLNKLOG}, the base id: every message up to it is in the queue file, CRC32C of
 * the two) and records, each {@code [magic 4][length 4][id 8][CRC32C 4][the queue's record]}. A record counts only
 * when its CRC matches and its id is the next after the base or after the record before it; the first one that does
 * not end the log (a torn write at a crash, or what is left of an older cycle, whose ids are all at or below the
 * base).
 *
 * <p>Not thread-safe: the queue writes it from its one syncing thread at a time.
 */
final class QueueLog implements AutoCloseable {

    /** What a log held when it was read at open. */
    record Entry(long id, byte[] record) {
    }

    static final int DEFAULT_CAPACITY = 1 << 20;
    private static final int HEADER = 32;
    private static final int RECORD_HEADER = 20;
    private static final long HEADER_MAGIC = 0x55504C4E4B4C4F47L; // "UPLNKLOG"
    private static final int RECORD_MAGIC = 0x554C5231; // "ULR1"
    /** A log larger than this was not written by this class: not read (its records are not trusted either). */
    private static final long MAX_READ = 64L << 20;

    private final Path path;
    private final FileChannel channel;
    private final int capacity;
    private long position = HEADER;
    private long writes;
    private long bytesWritten;

    private QueueLog(Path path, FileChannel channel, int capacity) {
        this.path = path;
        this.channel = channel;
        this.capacity = capacity;
    }

    static Path pathFor(Path queueFile) {
        return queueFile.resolveSibling(queueFile.getFileName() + ".log");
    }

    /**
     * The records a log beside {@code queueFile} holds after its base, in id order; empty when there is no log or it
     * holds nothing valid. Never throws for what is in the file: damage ends the list.
     */
    static List<Entry> read(Path queueFile) throws IOException {
        Path p = pathFor(queueFile);
        List<Entry> out = new ArrayList<>();
        if (!Files.isRegularFile(p)) {
            return out;
        }
        byte[] all;
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < HEADER || size > MAX_READ) {
                return out;
            }
            ByteBuffer b = ByteBuffer.allocate((int) size);
            while (b.hasRemaining() && ch.read(b, b.position()) >= 0) {
                // read until full or end of file
            }
            all = b.array();
        }
        ByteBuffer in = ByteBuffer.wrap(all);
        if (in.getLong(0) != HEADER_MAGIC || in.getInt(16) != crc(all, 0, 16)) {
            return out;
        }
        long expected = in.getLong(8) + 1;
        int at = HEADER;
        while (at + RECORD_HEADER <= all.length) {
            int length = in.getInt(at + 4);
            long id = in.getLong(at + 8);
            if (in.getInt(at) != RECORD_MAGIC || length < 0 || length > all.length - at - RECORD_HEADER
                    || id != expected || in.getInt(at + 16) != recordCrc(all, at, length)) {
                break;
            }
            byte[] record = new byte[length];
            System.arraycopy(all, at + RECORD_HEADER, record, 0, length);
            out.add(new Entry(id, record));
            expected++;
            at += RECORD_HEADER + length;
        }
        return out;
    }

    /**
     * Opens the log for writing, creating it (zero-filled to {@code capacity} and synced, owner-only) or extending it
     * when it is smaller, and starts it over at {@code base}.
     */
    static QueueLog open(Path queueFile, int capacity, long base) throws IOException {
        Path p = pathFor(queueFile);
        try (FileChannel fill = FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            PrivateFile.restrict(p);
            if (fill.size() != capacity) {
                fill.truncate(Math.min(fill.size(), capacity));
                ByteBuffer zeros = ByteBuffer.allocate(64 * 1024);
                long at = fill.size();
                while (at < capacity) {
                    zeros.clear().limit((int) Math.min(zeros.capacity(), capacity - at));
                    at += fill.write(zeros, at);
                }
                fill.force(true); // the size is metadata: once, here, so later syncs need none
            }
        }
        // O_DSYNC: each write returns once its data is on the device, as a write then fdatasync would, in one system
        // call (measured here: 10 us of CPU and 20 us of wall time less per sync than pwrite + fdatasync).
        FileChannel ch = FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE,
                StandardOpenOption.DSYNC);
        try {
            QueueLog log = new QueueLog(p, ch, capacity);
            log.restart(base);
            return log;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** Whether records of these sizes fit after what the log holds. */
    boolean fits(List<byte[]> records) {
        long need = 0;
        for (byte[] r : records) {
            need += RECORD_HEADER + r.length;
        }
        return position + need <= capacity;
    }

    /**
     * Writes records for consecutive ids starting at {@code firstId}, synced (the log is opened with O_DSYNC).
     *
     * @throws IOException when they could not be written or synced: the messages are then not known to be on disk
     */
    void append(long firstId, List<byte[]> records) throws IOException {
        int need = 0;
        for (byte[] r : records) {
            need += RECORD_HEADER + r.length;
        }
        ByteBuffer b = ByteBuffer.allocate(need);
        long id = firstId;
        for (byte[] r : records) {
            int start = b.position();
            b.putInt(RECORD_MAGIC).putInt(r.length).putLong(id++).putInt(0).put(r);
            b.putInt(start + 16, recordCrc(b.array(), start, r.length));
        }
        b.flip();
        writeFully(b, position); // synced: the channel is opened with DSYNC
        position += need;
        writes++;
        bytesWritten += need;
    }

    /** Starts the log over: every id up to {@code base} is synced in the queue file. */
    void restart(long base) throws IOException {
        ByteBuffer h = ByteBuffer.allocate(HEADER);
        h.putLong(HEADER_MAGIC).putLong(base);
        h.putInt(crc(h.array(), 0, 16));
        h.clear();
        writeFully(h, 0); // synced: the channel is opened with DSYNC
        position = HEADER;
        writes++;
        bytesWritten += HEADER;
    }

    /** Write operations (each followed by a sync) since the log was opened. */
    long writes() {
        return writes;
    }

    /** Bytes written since the log was opened (the zero fill of a new log not counted). */
    long bytesWritten() {
        return bytesWritten;
    }

    Path path() {
        return path;
    }

    private void writeFully(ByteBuffer b, long at) throws IOException {
        long pos = at;
        while (b.hasRemaining()) {
            pos += channel.write(b, pos);
        }
    }

    private static int recordCrc(byte[] buf, int recordStart, int length) {
        CRC32C c = new CRC32C();
        c.update(buf, recordStart + 4, 12); // length and id
        c.update(buf, recordStart + RECORD_HEADER, length);
        return (int) c.getValue();
    }

    private static int crc(byte[] buf, int from, int length) {
        CRC32C c = new CRC32C();
        c.update(buf, from, length);
        return (int) c.getValue();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
