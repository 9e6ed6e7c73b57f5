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
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.uplink.cloud.CloudException;

import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.MVStoreException;

/**
 * The durable outbound queue of one endpoint, in an H2 MVStore file (append-only chunks, rolled back to the last
 * complete commit after a crash). An accepted message is committed and synced to disk before {@link #append}
 * returns; it leaves the queue only when the caller removes it (after PUBACK for QoS 1). When full, new messages are
 * refused with a clear error: what was accepted is never dropped. After a restart every message still in the file is
 * sent again, so duplicates are possible for what was in flight, losses are not.
 *
 * <p>Thread-safe.
 */
final class StoreAndForwardQueue implements AutoCloseable {

    /** A queued message. */
    record Message(long id, String topic, byte[] payload, int qos, boolean retained, Instant acceptedAt) {
    }

    private final Path file;
    private final MVStore store;
    private final MVMap<Long, byte[]> messages;
    private final int maxMessages;
    private final long maxBytes;
    private long bytes;
    private long nextId;

    StoreAndForwardQueue(Path file, int maxMessages, long maxBytes) throws IOException {
        this.file = file;
        this.maxMessages = maxMessages;
        this.maxBytes = maxBytes;
        Files.createDirectories(file.toAbsolutePath().getParent());
        try {
            this.store = new MVStore.Builder().fileName(file.toString()).autoCommitDisabled().open();
        } catch (MVStoreException e) {
            throw new IOException("The outbound queue " + file + " cannot be opened (" + e.getMessage() + "). It was "
                    + "left as it is: move it aside to start with an empty queue (its messages would not be sent), "
                    + "or free disk space / fix permissions if that is the cause.", e);
        }
        this.messages = store.openMap("messages");
        for (Map.Entry<Long, byte[]> e : messages.entrySet()) {
            bytes += e.getValue().length;
        }
        Long last = messages.lastKey();
        this.nextId = last == null ? 1 : last + 1;
    }

    /**
     * Stores a message durably.
     *
     * @return its id, increasing in acceptance order
     * @throws CloudException {@code queue-full} when the capacity is reached (nothing stored)
     */
    synchronized long append(String topic, byte[] payload, int qos, boolean retained) throws CloudException {
        byte[] record = encode(topic, payload, qos, retained, Instant.now());
        if (messages.size() >= maxMessages || bytes + record.length > maxBytes) {
            throw new CloudException("queue-full", "The outbound queue is full (" + messages.size() + " messages, "
                    + bytes + " bytes; limits " + maxMessages + " messages, " + maxBytes + " bytes): the message was "
                    + "not accepted. Nothing queued was dropped.", "The broker has been unreachable for a while: "
                    + "check the connection (uplink doctor); raise queue.max.messages / queue.max.bytes if the "
                    + "gateway should buffer longer; publish less often meanwhile.");
        }
        long id = nextId++;
        messages.put(id, record);
        bytes += record.length;
        durable();
        return id;
    }

    /** The oldest messages, up to {@code max}, skipping the ids given (already in flight). */
    synchronized List<Message> peek(int max, Set<Long> skip) {
        List<Message> out = new ArrayList<>();
        Iterator<Long> keys = messages.keyIterator(null);
        while (keys.hasNext() && out.size() < max) {
            Long id = keys.next();
            if (!skip.contains(id)) {
                out.add(decode(id, messages.get(id)));
            }
        }
        return out;
    }

    /** Removes a delivered message. Committed without a sync: after a crash it is at worst sent once more. */
    synchronized void remove(long id) {
        byte[] old = messages.remove(id);
        if (old != null) {
            bytes -= old.length;
            store.commit();
        }
    }

    synchronized int size() {
        return messages.size();
    }

    synchronized long bytes() {
        return bytes;
    }

    Path file() {
        return file;
    }

    private void durable() {
        store.commit();
        store.sync();
    }

    @Override
    public synchronized void close() {
        if (!store.isClosed()) {
            store.close();
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
            in.readByte();
            int qos = in.readByte();
            boolean retained = in.readBoolean();
            Instant at = Instant.ofEpochMilli(in.readLong());
            byte[] t = in.readNBytes(in.readInt());
            byte[] payload = in.readNBytes(in.readInt());
            return new Message(id, new String(t, StandardCharsets.UTF_8), payload, qos, retained, at);
        } catch (IOException e) {
            throw new IllegalStateException("queued message " + id + " is unreadable", e);
        }
    }
}
