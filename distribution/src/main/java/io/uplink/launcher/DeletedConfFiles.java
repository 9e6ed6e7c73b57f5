package io.uplink.launcher;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Before the framework starts: forgets the configurations whose {@code conf/} file was deleted while the gateway was
 * stopped. FileInstall removes a configuration when its file disappears at run time, but it cannot notice a deletion
 * it did not see, and ConfigAdmin would bring the configuration back from {@code data/config} (an endpoint, a modem
 * with its APN password and PIN) at every start. A configuration FileInstall created names its file in the property
 * {@code felix.fileinstall.filename}; configurations made in the Web Console have none and are kept.
 */
final class DeletedConfFiles {

    private static final String MARKER = "felix.fileinstall.filename=";

    private DeletedConfFiles() {
    }

    /** Deletes, under ConfigAdmin's folder {@code cmDir}, every configuration whose conf/ file no longer exists. */
    static List<String> forget(Path cmDir) throws IOException {
        List<String> forgotten = new ArrayList<>();
        if (!Files.isDirectory(cmDir)) {
            return forgotten;
        }
        List<Path> files;
        try (Stream<Path> s = Files.walk(cmDir)) {
            files = s.filter(p -> p.toString().endsWith(".config") && Files.isRegularFile(p)).toList();
        }
        for (Path f : files) {
            List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
            Path source = sourceOf(lines);
            if (source != null && !Files.exists(source)) {
                Files.delete(f);
                String pid = value(lines, "service.pid=");
                forgotten.add((pid == null ? f.toString() : pid) + " (its file " + source + " was deleted)");
            }
        }
        return forgotten;
    }

    /** The conf/ file a configuration came from, or {@code null} when it did not come from one. */
    static Path sourceOf(List<String> configLines) {
        String v = value(configLines, MARKER);
        if (v == null) {
            return null;
        }
        try {
            return Path.of(URI.create(v));
        } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
            return null; // not a file URI we understand: keep the configuration
        }
    }

    /** A string value in ConfigAdmin's file format ({@code key="value"}, backslash escapes), or {@code null}. */
    static String value(List<String> configLines, String keyAndEquals) {
        for (String line : configLines) {
            String l = line.trim();
            if (!l.startsWith(keyAndEquals)) {
                continue;
            }
            String v = l.substring(keyAndEquals.length()).trim();
            if (v.startsWith("\"") && v.endsWith("\"") && v.length() >= 2) {
                v = v.substring(1, v.length() - 1);
            }
            StringBuilder b = new StringBuilder(v.length());
            for (int i = 0; i < v.length(); i++) {
                char c = v.charAt(i);
                if (c == '\\' && i + 1 < v.length()) {
                    c = v.charAt(++i);
                }
                b.append(c);
            }
            return b.toString();
        }
        return null;
    }
}
