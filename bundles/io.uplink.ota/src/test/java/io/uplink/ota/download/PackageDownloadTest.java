package io.uplink.ota.download;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.uplink.ota.OtaException;
import io.uplink.ota.OtaReason;
import io.uplink.transport.Connection;

/** Resumed downloads against a local HTTP server that drops the link part-way. */
class PackageDownloadTest {

    private static final byte[] FILE = new byte[300_000];
    static {
        new Random(7).nextBytes(FILE);
    }

    @TempDir
    Path dir;

    private FlakyServer server;

    @AfterEach
    void stop() throws IOException {
        if (server != null) {
            server.close();
        }
    }

    /** Serves a file; the first {@code drops} responses close the socket after {@code dropAfter} body bytes. */
    static final class FlakyServer implements AutoCloseable {
        final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        final byte[] body;
        final List<String> ranges = new CopyOnWriteArrayList<>();
        final AtomicInteger drops;
        /** Range requests still to be answered 200 with the whole file, as a server without ranges would. */
        final AtomicInteger ignoreRanges = new AtomicInteger();
        final int dropAfter;
        final boolean honourRange;
        final Thread thread;

        FlakyServer(int drops, int dropAfter, boolean honourRange) throws IOException {
            this(FILE, drops, dropAfter, honourRange);
        }

        FlakyServer(byte[] body, int drops, int dropAfter, boolean honourRange) throws IOException {
            this.body = body;
            this.drops = new AtomicInteger(drops);
            this.dropAfter = dropAfter;
            this.honourRange = honourRange;
            thread = new Thread(this::serve, "flaky-http");
            thread.setDaemon(true);
            thread.start();
        }

        URI uri() {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/pkg/test.dp");
        }

        private void serve() {
            while (!socket.isClosed()) {
                try (Socket s = socket.accept()) {
                    InputStream in = s.getInputStream();
                    StringBuilder head = new StringBuilder();
                    while (!head.toString().endsWith("\r\n\r\n")) {
                        int c = in.read();
                        if (c < 0) {
                            break;
                        }
                        head.append((char) c);
                    }
                    Matcher m = Pattern.compile("Range: bytes=(\\d+)-").matcher(head);
                    boolean asked = m.find();
                    boolean ignore = asked && ignoreRanges.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
                    long from = asked && honourRange && !ignore ? Long.parseLong(m.group(1)) : 0;
                    ranges.add(m.find(0) ? m.group(1) : "none");
                    OutputStream out = s.getOutputStream();
                    String h = from > 0
                            ? "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes " + from + "-" + (body.length - 1)
                                    + "/" + body.length + "\r\nContent-Length: " + (body.length - from) + "\r\n\r\n"
                            : "HTTP/1.1 200 OK\r\nContent-Length: " + body.length + "\r\n\r\n";
                    out.write(h.getBytes(StandardCharsets.ISO_8859_1));
                    int len = (int) (body.length - from);
                    if (drops.getAndDecrement() > 0) {
                        len = Math.min(len, dropAfter);
                    }
                    out.write(body, (int) from, len);
                    out.flush();
                } catch (IOException e) {
                    // next client
                }
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private static Connection connection(Socket s) {
        return new Connection() {
            @Override
            public InputStream input() throws IOException {
                return s.getInputStream();
            }

            @Override
            public OutputStream output() throws IOException {
                return s.getOutputStream();
            }

            @Override
            public void setReadTimeout(Duration timeout) throws IOException {
                s.setSoTimeout((int) timeout.toMillis());
            }

            @Override
            public Duration readTimeout() {
                return Duration.ZERO;
            }

            @Override
            public boolean isOpen() {
                return !s.isClosed();
            }

            @Override
            public String remote() {
                return s.getRemoteSocketAddress().toString();
            }

            @Override
            public void close() throws IOException {
                s.close();
            }
        };
    }

    private static PackageDownload download(int attempts) {
        return new PackageDownload((host, port, tls) -> {
            Socket s = new Socket(host, port);
            s.setSoTimeout(10_000);
            return connection(s);
        }, attempts, Duration.ZERO, 10_000_000);
    }

    private static String sha(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    @Test
    void aCappedDownloadIsPacedToTheCapAcrossDrops() throws Exception {
        server = new FlakyServer(2, 100_000, true);
        long[] clock = { 0 };
        List<Long> sleeps = new ArrayList<>();
        PackageDownload capped = new PackageDownload((host, port, tls) -> {
            Socket s = new Socket(host, port);
            s.setSoTimeout(10_000);
            return connection(s);
        }, 10, Duration.ZERO, 10_000_000, () -> new BandwidthCap(50_000, () -> clock[0], n -> {
            sleeps.add(n);
            clock[0] += n; // time passes only in the cap's sleeps: the link itself is "infinitely fast"
        }));
        PackageDownload.Result r = capped.fetch(server.uri(), dir.resolve("p.part"), FILE.length, sha(FILE),
                (a, b, c, d, e, f) -> { });
        assertThat(r.resumes()).isEqualTo(2);
        assertThat(r.sha256()).isEqualTo(sha(FILE));
        // 300 000 bytes at 50 000 B/s: the cap held the reads back for exactly 6 s in all, in steps of one chunk
        long slept = sleeps.stream().mapToLong(Long::longValue).sum();
        assertThat(slept).isEqualTo(6_000_000_000L);
        assertThat(sleeps).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(6250 * 1_000_000_000L / 50_000));
    }

    @Test
    void dropsAreResumedWithRangesAndNothingIsSentTwice() throws Exception {
        server = new FlakyServer(3, 50_000, true);
        List<Long> progress = new ArrayList<>();
        PackageDownload.Result r = download(10).fetch(server.uri(), dir.resolve("p.part"), FILE.length, sha(FILE),
                (bytes, total, rate, left, resumes, resent) -> progress.add(bytes));
        assertThat(r.resumes()).isEqualTo(3);
        assertThat(r.bytesResent()).isZero();
        assertThat(r.sha256()).isEqualTo(sha(FILE));
        assertThat(Files.readAllBytes(r.file())).isEqualTo(FILE);
        assertThat(server.ranges).containsExactly("none", "50000", "100000", "150000");
        assertThat(progress).last().isEqualTo((long) FILE.length);
    }

    @Test
    void aServerWithoutRangesIsRestartedAndTheResentBytesCounted() throws Exception {
        server = new FlakyServer(2, 40_000, false);
        PackageDownload.Result r = download(10).fetch(server.uri(), dir.resolve("p.part"), -1, "",
                (a, b, c, d, e, f) -> { });
        assertThat(r.resumes()).isEqualTo(2);
        assertThat(r.bytesResent()).isEqualTo(80_000);
        assertThat(Files.readAllBytes(r.file())).isEqualTo(FILE);
    }

    @Test
    void aPartialFileFromAnEarlierRunIsResumed() throws Exception {
        server = new FlakyServer(0, 0, true);
        Path part = dir.resolve("p.part");
        Files.write(part, java.util.Arrays.copyOf(FILE, 123_456));
        PackageDownload.Result r = download(1).fetch(server.uri(), part, -1, sha(FILE), (a, b, c, d, e, f) -> { });
        assertThat(server.ranges).containsExactly("123456");
        assertThat(r.resumes()).isZero();
        assertThat(Files.readAllBytes(part)).isEqualTo(FILE);
    }

    @Test
    void wrongShaIsRefusedAndTheFileDeleted() throws Exception {
        server = new FlakyServer(0, 0, true);
        Path part = dir.resolve("p.part");
        String wrong = "0".repeat(64);
        assertThatThrownBy(() -> download(2).fetch(server.uri(), part, -1, wrong, (a, b, c, d, e, f) -> { }))
                .isInstanceOfSatisfying(OtaException.class, e -> {
                    assertThat(e.reason()).isEqualTo(OtaReason.ENTRY_CHANGED);
                    assertThat(e.getMessage()).contains(wrong);
                });
        assertThat(part).doesNotExist();
    }

    @Test
    void tooFewAttemptsKeepThePartForLater() throws Exception {
        server = new FlakyServer(5, 10_000, true);
        Path part = dir.resolve("p.part");
        assertThatThrownBy(() -> download(2).fetch(server.uri(), part, FILE.length, "", (a, b, c, d, e, f) -> { }))
                .isInstanceOfSatisfying(OtaException.class,
                        e -> assertThat(e.getMessage()).contains("20000 of 300000 bytes").contains("resumes it"));
        assertThat(Files.size(part)).isEqualTo(20_000);
    }

    @Test
    void wrongSizeAndBadInputAreRefused() throws Exception {
        server = new FlakyServer(0, 0, true);
        assertThatThrownBy(() -> download(1).fetch(server.uri(), dir.resolve("a"), 5, "", (a, b, c, d, e, f) -> { }))
                .isInstanceOf(OtaException.class).hasMessageContaining("5 were expected");
        assertThatThrownBy(() -> download(1).fetch(URI.create("ftp://x/y"), dir.resolve("b"), -1, "",
                (a, b, c, d, e, f) -> { })).isInstanceOf(OtaException.class).hasMessageContaining("http(s)");
        assertThatThrownBy(() -> download(1).fetch(server.uri(), dir.resolve("c"), -1, "abc", (a, b, c, d, e, f) -> { }))
                .isInstanceOf(OtaException.class).hasMessageContaining("64 hex");
    }

    @Test
    void oversizedHeadersAreRefused() throws Exception {
        byte[] huge = ("HTTP/1.1 200 OK\r\nX: " + "a".repeat(10_000) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> HttpResponseHead.read(new java.io.ByteArrayInputStream(huge)))
                .isInstanceOf(IOException.class).hasMessageContaining("longer than 8192");
    }
}
