package io.uplink.modem.sierra;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Properties;

import io.uplink.modem.CredentialKind;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's record of what it stored in each HL78xx, per module (IMEI) and part: the set's name, the byte count
 * and the SHA-256 of the content. The module lists only byte counts (and names nothing), so this record is what tells
 * identical content from content of the same size, and which set a slot holds. Kept in a properties file when a path
 * is given (the bundle's data area), else in memory; a file that cannot be read or written is reported and the
 * record is kept in memory.
 *
 * <p>Thread-safe (synchronized).
 */
final class SierraCredentialLedger {

    /** What was stored in one part. */
    record Entry(String set, int bytes, String sha256) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(SierraCredentialLedger.class);

    private final Path file;
    private final Properties entries = new Properties();

    SierraCredentialLedger(Path file) {
        this.file = file;
        if (file != null && Files.isRegularFile(file)) {
            try (InputStream in = Files.newInputStream(file)) {
                entries.load(in);
            } catch (IOException | IllegalArgumentException e) {
                LOG.warn("The record of credentials stored in HL78xx modules ({}) cannot be read ({}); identical "
                        + "content will be uploaded once more", file, e.toString());
            }
        }
    }

    /** Whether the record survives a restart of the gateway. */
    boolean persistent() {
        return file != null;
    }

    synchronized Optional<Entry> get(String module, CredentialKind kind) {
        String v = entries.getProperty(key(module, kind));
        if (v == null) {
            return Optional.empty();
        }
        String[] p = v.split(",", -1);
        try {
            return p.length == 3 ? Optional.of(new Entry(p[0], Integer.parseInt(p[1]), p[2])) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    synchronized void put(String module, CredentialKind kind, String set, byte[] content) {
        entries.setProperty(key(module, kind), set + "," + content.length + "," + sha256(content));
        save();
    }

    synchronized void remove(String module, CredentialKind kind) {
        if (entries.remove(key(module, kind)) != null) {
            save();
        }
    }

    private void save() {
        if (file == null) {
            return;
        }
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            try (OutputStream out = Files.newOutputStream(tmp)) {
                entries.store(out, "Credentials Uplink stored in Sierra HL78xx modules: <imei>.<part> = "
                        + "<set>,<bytes>,<sha256>");
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            LOG.warn("The record of credentials stored in HL78xx modules cannot be written to {} ({}); it is kept in "
                    + "memory until the gateway restarts", file, e.toString());
        }
    }

    private static String key(String module, CredentialKind kind) {
        return (module.isEmpty() ? "unknown-imei" : module) + "." + kind.name();
    }

    static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
