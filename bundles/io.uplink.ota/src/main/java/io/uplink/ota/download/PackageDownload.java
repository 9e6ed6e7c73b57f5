package io.uplink.ota.download;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.uplink.ota.OtaException;
import io.uplink.ota.OtaReason;
import io.uplink.transport.Connection;

/**
 * Downloads a package over HTTP/1.1 (HTTPS when the opener wraps the connection in the gateway's TLS engine), resuming
 * with {@code Range: bytes=N-} after a dropped link instead of starting again. The partial file survives a restart of
 * the gateway, so a later attempt resumes it too. Checks free space before starting and the size and SHA-256 at the
 * end when given. Progress (bytes, rate, time left) goes to the log and to a listener.
 *
 * <p>One download per instance, on the caller's thread.
 */
public final class PackageDownload {

    /** Opens a connection to host:port, with TLS when {@code tls}. */
    @FunctionalInterface
    public interface Opener {
        Connection open(String host, int port, boolean tls) throws IOException;
    }

    /** Progress reports, at most about once a second and at the end. */
    @FunctionalInterface
    public interface Progress {
        /**
         * @param total -1 while not known
         * @param resumes connections after the first one
         * @param resent bytes the server sent more than once
         */
        void report(long bytes, long total, long bytesPerSecond, Duration left, int resumes, long resent);
    }

    /** What a finished download took. */
    public record Result(Path file, long size, String sha256, int resumes, long bytesResent) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(PackageDownload.class);
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+|\\*)");
    private static final Pattern STAR_RANGE = Pattern.compile("bytes \\*/(\\d+)");
    private static final long SPACE_MARGIN = 1024 * 1024;
    private static final int BUFFER = 16 * 1024;

    private final Opener opener;
    private final int maxAttempts;
    private final Duration retryDelay;
    private final long maxBytes;
    private final Supplier<BandwidthCap> cap;

    /**
     * @param maxAttempts connections tried in all (first one included) before giving up
     * @param maxBytes largest package accepted, whatever the server says
     */
    public PackageDownload(Opener opener, int maxAttempts, Duration retryDelay, long maxBytes) {
        this(opener, maxAttempts, retryDelay, maxBytes, BandwidthCap::none);
    }

    /** @param cap a fresh cap for each download (shared by its attempts) */
    public PackageDownload(Opener opener, int maxAttempts, Duration retryDelay, long maxBytes,
            Supplier<BandwidthCap> cap) {
        this.opener = opener;
        this.maxAttempts = maxAttempts;
        this.retryDelay = retryDelay;
        this.maxBytes = maxBytes;
        this.cap = cap;
    }

    /**
     * @param part where the bytes go; an existing file is resumed
     * @param expectedSize -1 when not given
     * @param expectedSha256 hex, empty when not given
     */
    public Result fetch(URI uri, Path part, long expectedSize, String expectedSha256, Progress progress)
            throws OtaException, InterruptedException {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http") || uri.getHost() == null) {
            throw new OtaException(OtaReason.MALFORMED, "'" + uri + "' is not an http(s) URL with a host.");
        }
        if (!expectedSha256.isEmpty() && !expectedSha256.matches("[0-9a-fA-F]{64}")) {
            throw new OtaException(OtaReason.MALFORMED, "'" + expectedSha256 + "' is not a SHA-256 (64 hex digits).");
        }
        boolean tls = scheme.equals("https");
        int port = uri.getPort() > 0 ? uri.getPort() : tls ? 443 : 80;
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        String target = uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
        long total = expectedSize;
        BandwidthCap pace = cap.get();
        if (pace.limited()) {
            LOG.info("Download of {}: capped at {} bytes/s", uri, pace.bytesPerSecond());
        }
        int resumes = 0;
        long resent = 0;
        IOException last = null;
        for (int attempt = 1; attempt <= maxAttempts; attempt++) {
            long have = size(part);
            if (total >= 0 && have == total) {
                break;
            }
            if (attempt > 1) {
                resumes++;
                LOG.info("Download of {}: link lost ({}); resuming at byte {} (attempt {} of {})", uri,
                        last == null ? "" : last.getMessage(), have, attempt, maxAttempts);
                Thread.sleep(retryDelay.toMillis());
            }
            try (Connection c = opener.open(uri.getHost(), port, tls)) {
                OutputStream out = c.output();
                String request = "GET " + target + " HTTP/1.1\r\nHost: " + uri.getHost()
                        + (uri.getPort() > 0 ? ":" + port : "") + "\r\nUser-Agent: Uplink-OTA\r\n"
                        + "Accept-Encoding: identity\r\nConnection: close\r\n"
                        + (have > 0 ? "Range: bytes=" + have + "-\r\n" : "") + "\r\n";
                out.write(request.getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                InputStream in = c.input();
                HttpResponseHead head = HttpResponseHead.read(in);
                boolean append;
                long length;
                if (head.status() == 206) {
                    Matcher m = CONTENT_RANGE.matcher(String.valueOf(head.header("Content-Range")));
                    if (!m.matches() || Long.parseLong(m.group(1)) != have) {
                        throw new OtaException(OtaReason.MALFORMED, "The server answered the range request from "
                                + "byte " + have + " with Content-Range '" + head.header("Content-Range") + "'.");
                    }
                    if (!m.group(3).equals("*")) {
                        total = checkTotal(total, Long.parseLong(m.group(3)), uri);
                    }
                    append = true;
                    length = Long.parseLong(m.group(2)) - have + 1;
                } else if (head.status() == 200) {
                    if (have > 0) {
                        resent += have; // the server ignores ranges: what we had comes again
                        LOG.info("Download of {}: the server does not resume; starting again ({} bytes re-sent)",
                                uri, have);
                    }
                    append = false;
                    length = contentLength(head);
                    if (length >= 0) {
                        total = checkTotal(total, length, uri);
                    }
                } else if (head.status() == 416 && have > 0) {
                    Matcher m = STAR_RANGE.matcher(String.valueOf(head.header("Content-Range")));
                    if (m.matches() && Long.parseLong(m.group(1)) == have) {
                        total = have;
                        break;
                    }
                    // what we hold is not a prefix of the file on the server any more: start again
                    Files.deleteIfExists(part);
                    resent += have;
                    continue;
                } else {
                    throw new OtaException(OtaReason.MALFORMED, "The server answered " + head.status() + " "
                            + head.reason() + " for " + uri + (head.status() / 100 == 3 ? " (redirect to "
                            + head.header("Location") + "; give that URL instead)" : "") + ".");
                }
                if ("chunked".equalsIgnoreCase(String.valueOf(head.header("Transfer-Encoding")))) {
                    throw new OtaException(OtaReason.MALFORMED, "The server sends " + uri + " chunked, without a "
                            + "length; serve package files as static files (with Content-Length).");
                }
                if (total > maxBytes) {
                    throw new OtaException(OtaReason.STORAGE, "The package is " + total + " bytes, more than the "
                            + maxBytes + " allowed.");
                }
                checkSpace(part, total < 0 ? -1 : total - (append ? have : 0));
                copy(in, part, append, length, total, progress, resumes, resent, pace);
                if (length < 0) {
                    total = size(part); // read to the close: that is the whole file
                }
                last = null;
            } catch (IOException e) {
                last = e;
            }
        }
        long have = size(part);
        if (last != null || total >= 0 && have != total) {
            throw new OtaException(OtaReason.STORAGE, "Download of " + uri + " did not complete after " + maxAttempts
                    + " attempts: " + have + " of " + (total < 0 ? "?" : total) + " bytes"
                    + (last == null ? "" : ", last error: " + last.getMessage()) + ". The partial file is kept; "
                    + "trying again resumes it.");
        }
        String sha = sha256(part);
        if (!expectedSha256.isEmpty() && !sha.equalsIgnoreCase(expectedSha256)) {
            try {
                Files.deleteIfExists(part);
            } catch (IOException e) {
                LOG.debug("Cannot delete {}: {}", part, e.toString());
            }
            throw new OtaException(OtaReason.ENTRY_CHANGED, "The downloaded file's SHA-256 is " + sha + ", not the "
                    + expectedSha256 + " asked for: the file on the server differs from the one meant.");
        }
        progress.report(have, have, 0, Duration.ZERO, resumes, resent);
        LOG.info("Downloaded {}: {} bytes, SHA-256 {}, {} resume(s), {} byte(s) re-sent", uri, have, sha, resumes,
                resent);
        return new Result(part, have, sha, resumes, resent);
    }

    private long checkTotal(long known, long stated, URI uri) throws OtaException {
        if (known >= 0 && known != stated) {
            throw new OtaException(OtaReason.MALFORMED, "The server says " + uri + " is " + stated + " bytes; "
                    + known + " were expected.");
        }
        return stated;
    }

    private static long contentLength(HttpResponseHead head) throws OtaException {
        String v = head.header("Content-Length");
        if (v == null) {
            return -1;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new OtaException(OtaReason.MALFORMED, "Bad Content-Length '" + v + "'.");
        }
    }

    private static void checkSpace(Path part, long needed) throws OtaException, IOException {
        Path dir = part.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        long free = Files.getFileStore(dir).getUsableSpace();
        if (needed >= 0 && free < needed + SPACE_MARGIN) {
            throw new OtaException(OtaReason.STORAGE, "Not enough free space in " + dir + " for the download: "
                    + free + " bytes free, " + (needed + SPACE_MARGIN) + " needed.");
        }
    }

    private void copy(InputStream in, Path part, boolean append, long length, long total, Progress progress,
            int resumes, long resent, BandwidthCap pace) throws IOException, OtaException, InterruptedException {
        byte[] buf = new byte[pace.chunk(BUFFER)];
        long got = 0;
        long lastReport = System.nanoTime();
        try (FileChannel ch = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING);
                OutputStream out = Channels.newOutputStream(ch)) {
            long base = append ? ch.size() : 0;
            long sessionStart = System.nanoTime();
            try {
                while (length < 0 || got < length) {
                    int n = in.read(buf, 0, (int) (length < 0 ? buf.length : Math.min(buf.length, length - got)));
                    if (n < 0) {
                        if (length < 0) {
                            break;
                        }
                        throw new IOException("connection closed after " + (base + got) + " bytes");
                    }
                    out.write(buf, 0, n);
                    got += n;
                    pace.acquire(n); // not reading meanwhile: what stays in the socket, TCP holds back at the server
                    if (base + got > maxBytes) {
                        throw new OtaException(OtaReason.STORAGE, "The download passed " + maxBytes
                                + " bytes, the most allowed.");
                    }
                    long now = System.nanoTime();
                    if (now - lastReport > 1_000_000_000L) {
                        lastReport = now;
                        long rate = got * 1_000_000_000L / Math.max(1, now - sessionStart);
                        Duration left = total < 0 || rate == 0 ? Duration.ZERO
                                : Duration.ofSeconds((total - base - got) / rate);
                        LOG.info("Download: {} of {} bytes, {} B/s, {} s left", base + got, total < 0 ? "?" : total,
                                rate, left.toSeconds());
                        progress.report(base + got, total, rate, left, resumes, resent);
                    }
                }
            } finally {
                out.flush();
                ch.force(false); // what is on disk is what a resume after a power loss continues from
            }
        }
    }

    private static long size(Path p) {
        try {
            return Files.isRegularFile(p) ? Files.size(p) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    static String sha256(Path file) throws OtaException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[BUFFER];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new OtaException(OtaReason.STORAGE, "Cannot read " + file + ": " + e.getMessage() + ".", e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
        }
    }
}
