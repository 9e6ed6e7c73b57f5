package io.uplink.launcher;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Owner-only permissions for the gateway's state and for configuration files that hold secrets. ConfigAdmin writes
 * every configuration, secrets included ({@code .apn.password}, {@code .sim.pin}, {@code .password},
 * {@code .azure.device.key}), to {@code data/config} with the process umask (usually 0644): the state folder is made
 * 0700 and its configuration files 0600 at every start, so other users of the gateway can read none of it.
 */
final class PrivateFiles {

    private static final Set<PosixFilePermission> DIR = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private PrivateFiles() {
    }

    /** Makes {@code dir} owner-only (creating it), and everything under {@code tree} owner-only. */
    static void restrict(Path dir, Path tree) throws IOException {
        Files.createDirectories(dir);
        if (!posix(dir)) {
            return; // Windows: ACLs of the operator's own folder
        }
        Files.setPosixFilePermissions(dir, DIR);
        if (!Files.isDirectory(tree)) {
            Files.createDirectories(tree);
        }
        try (Stream<Path> s = Files.walk(tree)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Files.setPosixFilePermissions(p, Files.isDirectory(p) ? DIR : FILE);
            }
        }
    }

    /**
     * Makes owner-only the {@code conf/} files that hold a secret (a non-empty setting whose name starts with a dot)
     * and that other users could read; returns a line for each file changed.
     */
    static List<String> restrictSecretConf(Path conf) throws IOException {
        List<String> changed = new ArrayList<>();
        if (!Files.isDirectory(conf) || !posix(conf)) {
            return changed;
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(conf)) {
            files = s.filter(p -> p.toString().endsWith(".cfg") && Files.isRegularFile(p)).toList();
        }
        for (Path f : files) {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(f);
            boolean open = perms.contains(PosixFilePermission.GROUP_READ)
                    || perms.contains(PosixFilePermission.OTHERS_READ);
            String secret = open ? secretIn(f) : null;
            if (secret != null) {
                Files.setPosixFilePermissions(f, FILE);
                changed.add(f + " holds " + secret + ": made readable by its owner only (was "
                        + PosixFilePermissions.toString(perms) + ")");
            }
        }
        return changed;
    }

    private static String secretIn(Path cfg) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(cfg, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IllegalArgumentException malformed) {
            return null; // FileInstall reports the file itself
        }
        for (String key : p.stringPropertyNames()) {
            if (key.startsWith(".") && !p.getProperty(key).isBlank()) {
                return key;
            }
        }
        return null;
    }

    /** Creates {@code dir} (and parents) and makes it owner-only. */
    static void ensurePrivateDirectory(Path dir) throws IOException {
        Files.createDirectories(dir);
        if (posix(dir)) {
            Files.setPosixFilePermissions(dir, DIR);
        }
    }

    /** Creates an empty owner-only file (replacing one left over), before anything secret is written into it. */
    static void createPrivateFile(Path file) throws IOException {
        Files.deleteIfExists(file);
        if (posix(file.getParent())) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(FILE));
        } else {
            Files.createFile(file);
        }
    }

    private static boolean posix(Path p) {
        return p.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}
