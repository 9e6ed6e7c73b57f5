package io.uplink.ota.service;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringWriter;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;

/**
 * A small key=value record written atomically and durably (temporary file, fsync, rename, owner-only permissions), so
 * that after a kill or power loss it holds either the previous record or the new one, never a torn one. Used for the
 * job journal (written before each step of a job) and for the last job's outcome.
 */
final class Journal {

    /** Bounded: a record holds a few short fields; anything bigger is not ours. */
    private static final long MAX_SIZE = 64 * 1024;

    private final Path file;

    Journal(Path file) {
        this.file = file;
    }

    Path file() {
        return file;
    }

    void write(Map<String, String> record) throws IOException {
        Properties p = new Properties();
        p.putAll(new TreeMap<>(record));
        StringWriter text = new StringWriter();
        p.store(text, null);
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                OutputStream out = java.nio.channels.Channels.newOutputStream(ch)) {
            ownerOnly(tmp);
            out.write(text.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        syncDirectory(file.getParent());
    }

    /** The record, or empty when none was written (or it was cleared). */
    Optional<Map<String, String>> read() throws IOException {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        if (Files.size(file) > MAX_SIZE) {
            throw new IOException(file + " is larger than " + MAX_SIZE + " bytes: not an OTA journal. Move it away.");
        }
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            p.load(in);
        }
        Map<String, String> m = new TreeMap<>();
        for (String k : p.stringPropertyNames()) {
            m.put(k, p.getProperty(k));
        }
        return Optional.of(m);
    }

    void clear() throws IOException {
        Files.deleteIfExists(file);
        syncDirectory(file.getParent());
    }

    static void ownerOnly(Path p) {
        try {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwx------"
                    : "rw-------"));
        } catch (UnsupportedOperationException | IOException e) {
            // not a POSIX file system (Windows): its ACLs apply
        }
    }

    /** Makes a rename durable; some file systems and platforms cannot open a directory, which is then skipped. */
    static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // best effort: not supported here
        }
    }
}
