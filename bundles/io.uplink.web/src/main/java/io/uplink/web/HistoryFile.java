package io.uplink.web;

import java.io.IOException;
import java.io.Writer;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The dashboard's history on disk, so a restart keeps the last day: one line per sample, written whole to a
 * temporary file and moved over the old one (a crash leaves the old or the new file, never half of one), owner-only.
 * Its size follows from {@link LinkHistory}'s bounds (well under {@value #MAX_BYTES} bytes); a larger file is not
 * read (it is not ours, or damaged) and the history starts empty.
 *
 * <p>Format, version 2: {@code uplink-history 2}, then lines {@code E id minute state disrupted queue messages
 * reconnects sent received}, {@code T id millis from to cause}, {@code M pid minute registration csq rsrp rat
 * operator rsrq sinr}; texts URL-encoded. Version 1 files (written before the traffic, operator, RSRQ and SINR figures
 * were kept: {@code E} lines without the last two fields, {@code M} lines without the last three) are read, their
 * missing figures unknown.
 */
final class HistoryFile {

    static final String HEADER = "uplink-history 2";
    private static final String HEADER_V1 = "uplink-history 1";
    static final long MAX_BYTES = 8L * 1024 * 1024;

    private final Path file;

    HistoryFile(Path file) {
        this.file = file;
    }

    Path path() {
        return file;
    }

    void save(LinkHistory.Contents c) throws IOException {
        Path dir = file.getParent();
        Files.createDirectories(dir);
        boolean posix = dir.getFileSystem().supportedFileAttributeViews().contains("posix");
        if (posix) {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        if (posix) {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            w.write(HEADER + "\n");
            for (Map.Entry<String, List<LinkHistory.EndpointMinute>> e : c.endpointMinutes().entrySet()) {
                String id = enc(e.getKey());
                for (LinkHistory.EndpointMinute m : e.getValue()) {
                    w.write("E " + id + " " + m.minute() + " " + enc(m.state()) + " " + m.disrupted() + " " + m.queue()
                            + " " + m.messages() + " " + m.reconnects() + " " + m.sent() + " " + m.received() + "\n");
                }
                for (LinkHistory.Transition t : c.transitions().getOrDefault(e.getKey(), List.of())) {
                    w.write("T " + id + " " + t.at() + " " + enc(t.from()) + " " + enc(t.to()) + " " + enc(t.cause())
                            + "\n");
                }
            }
            for (Map.Entry<String, List<LinkHistory.ModemMinute>> e : c.modemMinutes().entrySet()) {
                for (LinkHistory.ModemMinute m : e.getValue()) {
                    w.write("M " + enc(e.getKey()) + " " + m.minute() + " " + enc(m.registration()) + " " + m.signal()
                            + " " + m.rsrp() + " " + enc(m.rat()) + " " + enc(m.operator()) + " " + m.rsrq() + " " + m.sinr() + "\n");
                }
            }
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * What the file holds; empty when there is none. Lines that do not parse are skipped (counted in
     * {@link Loaded#skipped}); a file too large or of another format is refused with an {@link IOException} naming it.
     */
    Loaded load() throws IOException {
        Map<String, List<LinkHistory.EndpointMinute>> em = new LinkedHashMap<>();
        Map<String, List<LinkHistory.Transition>> et = new LinkedHashMap<>();
        Map<String, List<LinkHistory.ModemMinute>> mm = new LinkedHashMap<>();
        if (!Files.isRegularFile(file)) {
            return new Loaded(new LinkHistory.Contents(em, et, mm), 0);
        }
        long size = Files.size(file);
        if (size > MAX_BYTES) {
            throw new IOException(file + " holds " + size + " bytes, more than a day of history can (" + MAX_BYTES
                    + "): not read. Delete it; the dashboard starts a new history");
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        boolean v1 = !lines.isEmpty() && lines.get(0).equals(HEADER_V1);
        if (lines.isEmpty() || !lines.get(0).equals(HEADER) && !v1) {
            throw new IOException(file + " is not a history file of this version (first line '"
                    + (lines.isEmpty() ? "" : LinkHistory.cut(lines.get(0))) + "'): not read. Delete it; the "
                    + "dashboard starts a new history");
        }
        int skipped = 0;
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(" ", -1);
            try {
                switch (f[0]) {
                case "E" -> {
                    check(f, v1 ? 8 : 10);
                    em.computeIfAbsent(dec(f[1]), k -> new ArrayList<>()).add(new LinkHistory.EndpointMinute(
                            Long.parseLong(f[2]), dec(f[3]), Boolean.parseBoolean(f[4]), Integer.parseInt(f[5]),
                            Long.parseLong(f[6]), Integer.parseInt(f[7]), v1 ? -1 : counter(f[8]),
                            v1 ? -1 : counter(f[9])));
                }
                case "T" -> {
                    check(f, 6);
                    et.computeIfAbsent(dec(f[1]), k -> new ArrayList<>()).add(new LinkHistory.Transition(
                            Long.parseLong(f[2]), dec(f[3]), dec(f[4]), LinkHistory.cut(dec(f[5]))));
                    em.computeIfAbsent(dec(f[1]), k -> new ArrayList<>());
                }
                case "M" -> {
                    check(f, v1 ? 7 : 10);
                    mm.computeIfAbsent(dec(f[1]), k -> new ArrayList<>()).add(new LinkHistory.ModemMinute(
                            Long.parseLong(f[2]), LinkHistory.cut(dec(f[3])), Integer.parseInt(f[4]),
                            Integer.parseInt(f[5]), LinkHistory.cut(dec(f[6])), v1 ? "" : LinkHistory.cut(dec(f[7])),
                            v1 ? 0 : Integer.parseInt(f[8]), v1 ? LinkHistory.SINR_UNKNOWN : Integer.parseInt(f[9])));
                }
                default -> skipped++;
                }
            } catch (IllegalArgumentException e) { // includes NumberFormatException
                skipped++;
            }
        }
        return new Loaded(new LinkHistory.Contents(em, et, mm), skipped);
    }

    record Loaded(LinkHistory.Contents contents, int skipped) {
    }

    /** A byte count of one minute: -1 (not counted) or more. */
    private static long counter(String field) {
        long v = Long.parseLong(field);
        if (v < -1) {
            throw new IllegalArgumentException("a byte count is -1 or more, not " + v);
        }
        return v;
    }

    private static void check(String[] fields, int count) {
        if (fields.length != count) {
            throw new IllegalArgumentException("expected " + count + " fields");
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s == null ? "" : s, StandardCharsets.UTF_8);
    }

    private static String dec(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}
