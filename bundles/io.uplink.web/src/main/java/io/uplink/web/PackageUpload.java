package io.uplink.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Receives an uploaded deployment package (the request body, {@code application/octet-stream}) into an owner-only
 * file. The sender must state the length; it is checked against the limit and the free space before a byte is
 * written, and the body may not be longer or shorter than stated. Plain logic over a stream, unit-tested.
 */
final class PackageUpload {

    /** Room left on the data partition besides the upload and the OTA service's own copy of it. */
    static final long SPACE_MARGIN = 1024 * 1024;

    /** Why an upload was refused, with the HTTP status to answer. */
    static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;
        private final int status;

        Refused(int status, String message) {
            super(message);
            this.status = status;
        }

        int status() {
            return status;
        }
    }

    private PackageUpload() {
    }

    /**
     * @param length the request's Content-Length, -1 when absent
     * @param max largest package accepted
     * @return the file holding the package
     */
    static Path receive(long length, InputStream body, Path dir, String name, long max)
            throws Refused, IOException {
        if (length < 0) {
            throw new Refused(411, "The upload states no length (Content-Length): send the package file as the "
                    + "request body with its length, as 'bin/uplink ota install FILE' and the Packages page do.");
        }
        if (length == 0) {
            throw new Refused(400, "The upload is empty: choose a deployment package (.dp) file.");
        }
        if (length > max) {
            throw new Refused(413, "The package is " + length + " bytes; the gateway accepts up to " + max
                    + " bytes. A deployment package of Uplink is a few MiB: check that you chose the right file.");
        }
        Files.createDirectories(dir);
        restrict(dir, "rwx------");
        long free = Files.getFileStore(dir).getUsableSpace();
        if (free < 2 * length + SPACE_MARGIN) {
            throw new Refused(507, "Not enough free space on the gateway for a package of " + length + " bytes: "
                    + free + " bytes free, " + (2 * length + SPACE_MARGIN) + " needed. Free space in its data "
                    + "folder and try again.");
        }
        Path file = dir.resolve(name);
        Files.deleteIfExists(file);
        boolean done = false;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                OutputStream out = Channels.newOutputStream(ch)) {
            restrict(file, "rw-------");
            byte[] buf = new byte[16 * 1024];
            long got = 0;
            while (got < length) {
                int n = body.read(buf, 0, (int) Math.min(buf.length, length - got));
                if (n < 0) {
                    throw new Refused(400, "The upload ended after " + got + " of the " + length + " bytes it "
                            + "announced: the connection was interrupted; send it again.");
                }
                out.write(buf, 0, n);
                got += n;
            }
            if (body.read() >= 0) {
                throw new Refused(400, "The upload holds more bytes than the " + length + " it announced.");
            }
            done = true;
            return file;
        } finally {
            if (!done) {
                Files.deleteIfExists(file);
            }
        }
    }

    private static void restrict(Path p, String perms) throws IOException {
        try {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(perms));
        } catch (UnsupportedOperationException notPosix) {
            // Windows: the folder's ACL applies
        }
    }
}
