package io.uplink.credentials.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Provider;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The encrypted key store file (BCFKS: PBKDF2 + AES-CCM, integrity-checked) and its safe replacement.
 *
 * <p>A save writes a temporary file beside the store, forces it to disk, renames it over the store atomically and
 * forces the directory: a crash or power cut at any moment leaves either the old or the new store, never a mix.
 * Saves and loads take an exclusive file lock, so the gateway and {@code uplink creds} can share the file.
 */
final class KeyStoreFile {

    static final String TYPE = "BCFKS";
    private static final String TEMP_PREFIX = ".store-";

    private final Path file;
    private final char[] secret;
    private final Supplier<Provider> provider;

    KeyStoreFile(Path file, char[] secret, Supplier<Provider> provider) throws IOException {
        this.file = file.toAbsolutePath();
        this.secret = secret.clone();
        this.provider = Objects.requireNonNull(provider);
        Files.createDirectories(this.file.getParent());
        removeLeftoverTemporaryFiles();
    }

    Path path() {
        return file;
    }

    /** Whether the store file exists; an absent one is an empty store that nothing has to be loaded for. */
    boolean exists() {
        return Files.exists(file);
    }

    /** What identifies the file's current version on disk, to notice changes made by another process. */
    Object version() throws IOException {
        if (!Files.exists(file)) {
            return "absent";
        }
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
        return a.lastModifiedTime().toMillis() + "/" + a.size() + "/" + a.fileKey();
    }

    /** A run of work under the file lock. */
    interface Locked<T> {
        T run() throws IOException, GeneralSecurityException;
    }

    <T> T withLock(Locked<T> work) throws IOException, GeneralSecurityException {
        Path lockFile = file.resolveSibling(file.getFileName() + ".lock");
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock lock = channel.lock()) {
            return work.run();
        }
    }

    /** Loads the store; an absent file is an empty store. */
    KeyStore load() throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance(TYPE, provider.get());
        if (!Files.exists(file)) {
            ks.load(null, null);
            return ks;
        }
        try (InputStream in = Files.newInputStream(file)) {
            ks.load(in, secret);
            return ks;
        } catch (IOException e) {
            throw new StoreUnreadableException("The credential store " + file + " cannot be opened: the store secret "
                    + "does not match it, or the file is damaged. Nothing was changed. Restore the secret the store "
                    + "was created with (store.secret / store.secret.file of the credential store configuration), "
                    + "or move the file away to start an empty store.", e);
        }
    }

    void save(KeyStore ks) throws IOException, GeneralSecurityException {
        Path dir = file.getParent();
        Path tmp = Files.createTempFile(dir, TEMP_PREFIX, ".tmp");
        try {
            restrict(tmp);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING); OutputStream out = Channels.newOutputStream(ch)) {
                ks.store(out, secret);
                out.flush();
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            forceDirectory(dir);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    void wipeSecret() {
        Arrays.fill(secret, '\0');
    }

    private void removeLeftoverTemporaryFiles() throws IOException {
        try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(file.getParent(), TEMP_PREFIX + "*.tmp")) {
            for (Path p : leftovers) {
                Files.deleteIfExists(p); // a save interrupted by a crash; the store itself is intact
            }
        }
    }

    private static void forceDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Not every file system lets a directory be opened (Windows); the rename itself was atomic.
        }
    }

    static void restrict(Path p) throws IOException {
        try {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
            // the data folder's own permissions apply
        }
    }

    /** The store exists but cannot be decrypted or parsed. */
    static final class StoreUnreadableException extends IOException {
        private static final long serialVersionUID = 1L;

        StoreUnreadableException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
