package io.uplink.cloud.mqtt;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * A few bytes beside the queue file that remember the last message id accepted and when: the queue file's own
 * recovery rolls a damaged file back to its last intact commit without a word, so without a witness outside that file
 * a truncated or zeroed queue would lose messages silently. Overwritten in place on every acceptance (no sync of its
 * own: the queue's sync carries it to disk in practice; if it lags after a power cut it under-reports, never
 * over-reports).
 *
 * <p>Owned by the queue; called under its lock.
 */
final class QueueMark implements AutoCloseable {

    /** What the mark remembers. */
    record Mark(long lastAccepted, Instant at) {
    }

    private static final int SIZE = 64;

    private final FileChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocate(SIZE);

    private QueueMark(FileChannel channel) {
        this.channel = channel;
    }

    static Path pathFor(Path queueFile) {
        return queueFile.resolveSibling(queueFile.getFileName() + ".mark");
    }

    /** The mark as last written, or null when there is none or it is unreadable (then nothing can be compared). */
    static Mark read(Path queueFile) {
        Path p = pathFor(queueFile);
        try {
            if (!Files.isRegularFile(p) || Files.size(p) > SIZE) {
                return null;
            }
            String[] parts = new String(Files.readAllBytes(p), StandardCharsets.US_ASCII).strip().split(" ");
            if (parts.length != 3 || !parts[0].equals("accepted")) {
                return null;
            }
            return new Mark(Long.parseLong(parts[1]), Instant.ofEpochMilli(Long.parseLong(parts[2])));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    static QueueMark open(Path queueFile) throws IOException {
        Path p = pathFor(queueFile);
        FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        PrivateFile.restrict(p);
        return new QueueMark(ch);
    }

    void write(long lastAccepted, Instant at) throws IOException {
        buffer.clear();
        byte[] text = ("accepted " + lastAccepted + " " + at.toEpochMilli()).getBytes(StandardCharsets.US_ASCII);
        buffer.put(text);
        while (buffer.position() < SIZE - 1) {
            buffer.put((byte) ' ');
        }
        buffer.put((byte) '\n');
        buffer.flip();
        int at0 = 0;
        while (buffer.hasRemaining()) {
            at0 += channel.write(buffer, at0);
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
