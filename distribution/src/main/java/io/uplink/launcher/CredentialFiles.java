package io.uplink.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.uplink.credentials.CredentialException;
import io.uplink.credentials.store.BcCredentialStore;

/**
 * Certificate and key files for the command line, read by the credential store's own reader and validator, so that
 * what 'creds check' accepts, 'pub', 'sub' and 'doctor' accept too.
 */
final class CredentialFiles {

    private CredentialFiles() {
    }

    /** A store used only for its reader and validator: it never writes its file. */
    static BcCredentialStore reader() throws IOException {
        Path tmp = Files.createTempDirectory("uplink-check");
        tmp.toFile().deleteOnExit();
        return new BcCredentialStore(tmp.resolve("unused.bcfks"), new char[] { 'x' }, Duration.ofDays(30),
                Clock.systemUTC(), (a, c) -> { });
    }

    /** Reads, validates and hands over the files' content without storing it. */
    static BcCredentialStore.Loaded load(String name, List<Path> files, List<String> roles)
            throws IOException, CredentialException {
        return reader().load(name, join(read(files), roles), null);
    }

    static List<byte[]> read(List<Path> files) throws IOException {
        List<byte[]> contents = new ArrayList<>();
        for (Path f : files) {
            contents.add(InputFiles.read(f, InputFiles.CREDENTIAL_LIMIT, "the certificate or key file"));
        }
        return contents;
    }

    /** One import is one content: PEM texts are concatenated; binary files (DER, PKCS#12) must come alone. */
    static byte[] join(List<byte[]> contents, List<String> roles) throws IOException {
        if (contents.size() == 1) {
            return contents.get(0);
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < contents.size(); i++) {
            String text = new String(contents.get(i), StandardCharsets.UTF_8);
            if (!text.contains("-----BEGIN")) {
                throw new IOException("the --" + roles.get(i) + " file is binary (DER or PKCS#12); give it on its "
                        + "own, or convert it to PEM first");
            }
            b.append(text).append('\n');
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }
}
