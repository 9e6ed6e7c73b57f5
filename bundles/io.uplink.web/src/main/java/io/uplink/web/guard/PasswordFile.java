package io.uplink.web.guard;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * The console password as {@code bin/uplink passwd} stores it: one line {@code {sha-256}<hex salt>-<iterations>-<base64>}
 * (SHA-256 iterated over salt + password, the Web Console's own format). The file is read again whenever it changes,
 * so a new password applies at once, without a restart; it is the only place the password lives.
 *
 * <p>Thread-safe: called on Jetty's request threads. A verified password is remembered (as a digest) for the current
 * file content only, so the iterated hash is not recomputed for every resource of a page.
 */
final class PasswordFile {

    private static final int MAX_ITERATIONS = 10_000_000;

    private final Path file;
    private FileTime readAt;
    private String stored;
    private byte[] verified;

    PasswordFile(Path file) {
        this.file = file;
    }

    Path path() {
        return file;
    }

    /**
     * @return whether the password matches the stored hash
     * @throws IOException when the file is missing, unreadable or damaged (the message says which and how to fix it)
     */
    synchronized boolean matches(String password) throws IOException {
        refresh();
        byte[] digest = sha256((stored + '\n' + password).getBytes(StandardCharsets.UTF_8));
        if (verified != null && MessageDigest.isEqual(verified, digest)) {
            return true;
        }
        String[] parts = stored.substring("{sha-256}".length()).split("-", 3);
        int iterations = Integer.parseInt(parts[1]);
        boolean ok = MessageDigest.isEqual(hash(password, parts[0], iterations).getBytes(StandardCharsets.US_ASCII),
                stored.getBytes(StandardCharsets.US_ASCII));
        if (ok) {
            verified = digest;
        }
        return ok;
    }

    private void refresh() throws IOException {
        FileTime modified;
        try {
            modified = Files.getLastModifiedTime(file);
        } catch (NoSuchFileException e) {
            throw new IOException("the password file " + file + " is missing: run 'bin/uplink passwd' to set one");
        }
        if (stored != null && modified.equals(readAt)) {
            return;
        }
        String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
        if (!wellFormed(text)) {
            throw new IOException("the password file " + file + " is damaged (it does not hold a {sha-256} hash): "
                    + "run 'bin/uplink passwd' to set a new password");
        }
        stored = text;
        readAt = modified;
        verified = null;
    }

    static boolean wellFormed(String text) {
        if (!text.startsWith("{sha-256}")) {
            return false;
        }
        String[] parts = text.substring("{sha-256}".length()).split("-", 3);
        if (parts.length != 3 || parts[0].isEmpty() || parts[2].isEmpty()) {
            return false;
        }
        try {
            int n = Integer.parseInt(parts[1]);
            return n > 0 && n <= MAX_ITERATIONS;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** The Web Console's hash: SHA-256 applied {@code iterations} times to hex salt + password. */
    static String hash(String password, String hexSalt, int iterations) {
        byte[] bytes = (hexSalt + password).getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < iterations; i++) {
            bytes = sha256(bytes);
        }
        return "{sha-256}" + hexSalt + "-" + iterations + "-" + Base64.getEncoder().encodeToString(bytes);
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
