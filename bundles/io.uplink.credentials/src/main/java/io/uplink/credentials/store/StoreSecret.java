package io.uplink.credentials.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Where the store's secret comes from: the configuration, a file named by the configuration, or (by default) a
 * random secret generated once into an owner-only file beside the store. Keeping the secret in a separate file lets
 * an operator put it on other storage (a TPM-backed or removable volume) without changing anything else.
 */
final class StoreSecret {

    private StoreSecret() {
    }

    /**
     * @param storeFile the store the secret opens: when it exists, a missing default secret is never replaced by a new
     *        one (that would only lock the stored credentials away for good)
     */
    static char[] resolve(String configured, String secretFile, Path defaultFile, Path storeFile) throws IOException {
        if (configured != null && !configured.isEmpty()) {
            return configured.toCharArray();
        }
        Path file = secretFile == null || secretFile.isBlank() ? defaultFile : Path.of(secretFile);
        if (Files.isRegularFile(file)) {
            String s = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (s.isEmpty()) {
                throw new IOException("The credential store secret file " + file + " is empty. Restore it from a "
                        + "backup; without the secret the stored credentials cannot be read.");
            }
            return s.toCharArray();
        }
        if (!file.equals(defaultFile)) {
            throw new IOException("The credential store secret file " + file + " (store.secret.file) does not "
                    + "exist. Create it, or clear store.secret.file to use a generated secret.");
        }
        if (Files.exists(storeFile) && Files.size(storeFile) > 0) {
            throw new IOException("The credential store " + storeFile + " exists but its secret file " + file
                    + " is missing, so the stored credentials cannot be read. Restore " + file.getFileName()
                    + " from a backup (owner-only, mode 0600); or, to start over, move the store aside (mv "
                    + storeFile + " " + storeFile + ".old) and import the credentials again. Nothing was written.");
        }
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String secret = Base64.getEncoder().withoutPadding().encodeToString(random);
        Files.createDirectories(file.getParent());
        Path tmp = Files.createTempFile(file.getParent(), ".secret-", ".tmp");
        try {
            KeyStoreFile.restrict(tmp);
            Files.writeString(tmp, secret + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return secret.toCharArray();
    }
}
