package io.uplink.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Every file and standard input the command line reads, read with a bound: a 50 MB paste, {@code /dev/zero}, a FIFO
 * nobody writes to or an unreadable file each end in one plain message and exit code 2, never in an
 * OutOfMemoryError, a stack trace or a command that blocks forever.
 */
final class InputFiles {

    /** Certificates, keys and CA bundles: the credential store refuses more than this anyway. */
    static final int CREDENTIAL_LIMIT = 1 << 20;

    /** One message from a file or standard input: what the CLI's heap holds several times over while queuing it. */
    static final int MESSAGE_LIMIT = 16 << 20;

    private InputFiles() {
    }

    /** Input that is refused for its size; the message starts with the stable code {@code too-large}. */
    static final class TooLargeException extends IOException {
        private static final long serialVersionUID = 1L;

        TooLargeException(String message) {
            super(message);
        }
    }

    /**
     * Reads a regular file of at most {@code limit} bytes.
     *
     * @param what what the file is, for the messages ("the --cafile file", "the message file")
     */
    static byte[] read(Path file, int limit, String what) throws IOException {
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS) && !Files.exists(file)) {
            throw new NoSuchFileException(file.toString());
        }
        if (Files.isDirectory(file)) {
            throw new IOException(what + " " + file + " is a folder; give the file itself");
        }
        if (!Files.isRegularFile(file)) {
            throw new IOException(what + " " + file + " is not a regular file (a FIFO, a device or a socket); "
                    + "copy the content into a file and give that");
        }
        if (!Files.isReadable(file)) {
            throw new AccessDeniedException(file.toString(), null, "permission denied: this user cannot read "
                    + what + " " + file + "; check its owner and mode (ls -l), or run as a user who may read it");
        }
        long size = Files.size(file);
        if (size > limit) {
            throw tooLarge(what + " " + file, size, limit);
        }
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, limit, what + " " + file);
        } catch (AccessDeniedException e) {
            throw new AccessDeniedException(file.toString(), null, "permission denied: this user cannot read "
                    + what + " " + file + "; check its owner and mode (ls -l), or run as a user who may read it");
        }
    }

    /** Reads a stream (standard input) to its end, refusing more than {@code limit} bytes. */
    static byte[] read(InputStream in, int limit, String what) throws IOException {
        byte[] buf = new byte[Math.min(limit + 1, 64 * 1024)];
        int n = 0;
        while (true) {
            if (n == buf.length) {
                if (n > limit) {
                    throw tooLarge(what, -1, limit);
                }
                buf = Arrays.copyOf(buf, (int) Math.min((long) limit + 1, buf.length * 2L));
            }
            int r = in.read(buf, n, buf.length - n);
            if (r < 0) {
                return Arrays.copyOf(buf, n);
            }
            n += r;
            if (n > limit) {
                throw tooLarge(what, -1, limit);
            }
        }
    }

    /** One line of standard input (a passphrase), at most {@code limit} characters. */
    static String readLine(InputStream in, int limit, String what) throws IOException {
        StringBuilder b = new StringBuilder();
        byte[] bytes = new byte[limit + 1];
        int n = 0;
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (n == bytes.length) {
                throw tooLarge(what, -1, limit);
            }
            bytes[n++] = (byte) c;
        }
        if (c < 0 && n == 0) {
            return null;
        }
        b.append(new String(bytes, 0, n, java.nio.charset.StandardCharsets.UTF_8));
        if (b.length() > 0 && b.charAt(b.length() - 1) == '\r') {
            b.setLength(b.length() - 1);
        }
        Arrays.fill(bytes, (byte) 0);
        return b.toString();
    }

    private static TooLargeException tooLarge(String what, long size, int limit) {
        return new TooLargeException("too-large: " + what + (size >= 0 ? " is " + size + " bytes" : " goes on past "
                + limit + " bytes") + "; at most " + human(limit) + " is read. Give the certificate, key or message "
                + "itself, not an archive, a log or a device");
    }

    static String human(long bytes) {
        return bytes >= (1 << 20) && bytes % (1 << 20) == 0 ? (bytes >> 20) + " MiB" : bytes + " bytes";
    }
}
