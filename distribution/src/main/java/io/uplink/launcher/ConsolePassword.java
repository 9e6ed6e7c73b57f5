package io.uplink.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The Web Console password: generated on first start, stored only as a salted, iterated hash in the format Felix
 * Web Console verifies ({@code {sha-256}<hex salt>-<iterations>-<base64 hash>}, hashing salt+password repeatedly).
 *
 * <p>On first start the clear password is written once to a file readable only by its owner, so the operator can
 * read it; the gateway never reads that file back.
 */
final class ConsolePassword {

    static final String USER = "admin";
    private static final int ITERATIONS = 100_000;
    private static final int SALT_BYTES = 16;
    private static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

    private final Path hashFile;
    private final Path initialPasswordFile;
    private final SecureRandom random = new SecureRandom();

    ConsolePassword(Path secretsDir) {
        this.hashFile = secretsDir.resolve("webconsole-admin.hash");
        this.initialPasswordFile = secretsDir.resolve("initial-admin-password");
    }

    Path hashFile() {
        return hashFile;
    }

    Path initialPasswordFile() {
        return initialPasswordFile;
    }

    /** {@code true} when a password hash exists. */
    boolean exists() {
        return Files.isRegularFile(hashFile);
    }

    /** The stored hash, in the Web Console's format. */
    String storedHash() throws IOException {
        String hash = Files.readString(hashFile, StandardCharsets.US_ASCII).trim();
        if (!hash.startsWith("{sha-256}")) {
            throw new IOException("The Web Console password file " + hashFile + " is damaged (it does not hold a "
                    + "{sha-256} hash). Run 'bin/uplink passwd' to set a new password.");
        }
        return hash;
    }

    /** Generates a random password, stores its hash and writes the clear text once for the operator. */
    String generate() throws IOException {
        StringBuilder b = new StringBuilder(20);
        for (int i = 0; i < 20; i++) {
            b.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        String password = b.toString();
        store(password);
        writeOwnerOnly(initialPasswordFile, password + "\n");
        return password;
    }

    /** Replaces the stored hash; removes the first-start clear-text file, which no longer applies. */
    void store(String password) throws IOException {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        writeOwnerOnly(hashFile, hash(password, HexFormat.of().formatHex(salt), ITERATIONS) + "\n");
        Files.deleteIfExists(initialPasswordFile);
    }

    /**
     * Removes the user and password that the console's own configuration page (PID OsgiManager) keeps in
     * ConfigAdmin's files under {@code data} (the gateway's and the demo's): they do not apply since the console
     * checks the hash file, and a stale one (perhaps an attacker's) should not linger. Returns the files changed.
     */
    static List<Path> removeConsoleOverrides(Path data) throws IOException {
        List<Path> changed = new ArrayList<>();
        for (Path cm : List.of(data.resolve("config"), data.resolve("demo/config"))) {
            Path file = cm.resolve("org/apache/felix/webconsole/internal/servlet/OsgiManager.config");
            if (!Files.isRegularFile(file)) {
                continue;
            }
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            List<String> kept = new ArrayList<>();
            for (String line : lines) {
                String key = line.contains("=") ? line.substring(0, line.indexOf('=')).trim() : "";
                if (!key.equals("password") && !key.equals("username")) {
                    kept.add(line);
                }
            }
            if (kept.size() != lines.size()) {
                writeOwnerOnly(file, String.join("\n", kept) + "\n");
                changed.add(file);
            }
        }
        return changed;
    }

    /** Hashes as Felix Web Console's {@code Password} class verifies: iterate SHA-256 over salt + password. */
    static String hash(String password, String hexSalt, int iterations) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] bytes = (hexSalt + password).getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < iterations; i++) {
                md.reset();
                bytes = md.digest(bytes);
            }
            return "{sha-256}" + hexSalt + "-" + iterations + "-" + Base64.getEncoder().encodeToString(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** Checks a clear password against a stored hash. */
    static boolean matches(String password, String storedHash) {
        String body = storedHash.substring("{sha-256}".length());
        String[] parts = body.split("-", 3);
        if (parts.length != 3) {
            return false;
        }
        String expected = hash(password, parts[0], Integer.parseInt(parts[1]));
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                storedHash.getBytes(StandardCharsets.US_ASCII));
    }

    private static void writeOwnerOnly(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
        try {
            restrict(tmp);
            Files.writeString(tmp, content, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void restrict(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
            // Windows: the file inherits the folder's ACL; data/ is the operator's own folder.
        }
    }
}
