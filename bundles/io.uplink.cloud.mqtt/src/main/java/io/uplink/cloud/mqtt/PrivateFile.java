package io.uplink.cloud.mqtt;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Queued messages are the gateway's data: their files and folders are readable by the gateway's user only. */
final class PrivateFile {

    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    private PrivateFile() {
    }

    /** rw------- on a file, rwx------ on a folder; nothing on file systems without POSIX modes. */
    static void restrict(Path p) throws IOException {
        if (POSIX && Files.exists(p)) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwx------"
                    : "rw-------"));
        }
    }

    /** Creates the folder (and missing parents) and makes the folder itself owner-only. */
    static void folder(Path dir) throws IOException {
        boolean existed = Files.isDirectory(dir);
        Files.createDirectories(dir);
        if (!existed) {
            restrict(dir);
        }
    }
}
