package io.uplink.modem.quectel;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.Properties;

import io.uplink.modem.CredentialKind;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What this gateway uploaded into each BC66/BC660K's certificate slots, per module (IMEI, else port) and slot: the
 * set's name, the bytes' SHA-256 and count, when. The module itself reports only how many bytes a slot holds
 * ({@code +QSSLCFG: 0,0,"cacert",<n>}) and cannot show the content, so "unchanged" needs both: the same count from
 * the module and this record saying these very bytes were uploaded to it. In the framework the record is a file in
 * the Quectel bundle's data area and survives restarts; outside it (the command line, tests), or when the file cannot
 * be written, it is kept in memory and the first provisioning after a restart uploads once more.
 *
 * <p>Thread-safe: every method is synchronized.
 */
final class Bc66UploadRecord {

    /** One slot's last upload. */
    record Upload(String set, String sha256, long bytes, Instant when) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(Bc66UploadRecord.class);

    private final Path file;
    private final Properties entries = new Properties();

    /** In memory only. */
    Bc66UploadRecord() {
        this(null);
    }

    /** Kept in {@code file} (loaded now, written on every change); {@code null} for memory only. */
    Bc66UploadRecord(Path file) {
        this.file = file;
        if (file != null && Files.isRegularFile(file)) {
            try (InputStream in = Files.newInputStream(file)) {
                entries.load(in);
            } catch (IOException | IllegalArgumentException e) {
                LOG.warn("The record of certificates uploaded into BC66/BC660K modules ({}) cannot be read ({}); "
                        + "identical content will be uploaded once more", file, e.toString());
                entries.clear();
            }
        }
    }

    synchronized Upload get(String module, CredentialKind kind) {
        String v = entries.getProperty(key(module, kind));
        if (v == null) {
            return null;
        }
        String[] p = v.split(" ", 4);
        try {
            return p.length == 4 ? new Upload(p[3], p[0], Long.parseLong(p[1]), Instant.parse(p[2])) : null;
        } catch (NumberFormatException | DateTimeParseException e) {
            return null; // a damaged entry counts as none: the content is uploaded again
        }
    }

    synchronized void put(String module, CredentialKind kind, Upload u) {
        entries.setProperty(key(module, kind), u.sha256() + " " + u.bytes() + " " + u.when() + " " + u.set());
        save();
    }

    synchronized void forget(String module, CredentialKind kind) {
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
                entries.store(out, "Certificates Uplink uploaded into BC66/BC660K modules: <module>.<slot> = "
                        + "<sha256> <bytes> <when> <set>");
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            LOG.warn("The record of certificates uploaded into BC66/BC660K modules cannot be written to {} ({}); it "
                    + "is kept in memory until the gateway restarts", file, e.toString());
        }
    }

    private static String key(String module, CredentialKind kind) {
        return module.replaceAll("[^A-Za-z0-9]", "_") + "." + Bc66Tls.item(kind);
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
