package io.uplink.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line's side of 'ota install/list/rollback' without a gateway: arguments, progress pacing, answers. */
class OtaRemoteTest {

    @TempDir
    Path home;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void badArgumentsExitWith2AndSayWhy() throws Exception {
        System.setProperty("uplink.home", home.toString());
        try {
            assertThat(run("ota", "install")).isEqualTo(2);
            assertThat(err()).contains("install needs one FILE or URL");
            assertThat(run("ota", "install", home.resolve("missing.dp").toString())).isEqualTo(2);
            assertThat(err()).contains("no such file");
            assertThat(run("ota", "install", "https://x/p.dp", "--sha256", "abc")).isEqualTo(2);
            assertThat(err()).contains("64 hex digits");
            assertThat(run("ota", "install", "https://x/p.dp", "--size", "ten")).isEqualTo(2);
            assertThat(run("ota", "rollback")).isEqualTo(2);
            assertThat(err()).contains("package NAME");
            assertThat(run("ota", "list", "extra")).isEqualTo(2);
            assertThat(run("ota", "list", "--password-file", home.resolve("nope").toString())).isEqualTo(2);
            assertThat(err()).contains("no such file");
        } finally {
            System.clearProperty("uplink.home");
        }
    }

    @Test
    void aGatewayThatIsNotRunningExitsWith3() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path pw = Files.writeString(home.resolve("pw"), "secret\n");
        assertThat(run("ota", "list", "--gateway", "http://127.0.0.1:" + port + "/system/console",
                "--password-file", pw.toString())).isEqualTo(3);
        assertThat(err()).contains("no gateway answers at http://127.0.0.1:" + port + "/system/console/uplink/")
                .contains("is it running");
    }

    /**
     * A console stand-in: the upload is accepted, then the job vanishes (the package replaced io.uplink.web), and the
     * OTA service's last job says the update was rolled back: exit 4 with its message. The requests carry the login
     * and the X-Uplink header.
     */
    @Test
    void whenTheUpdateReplacesThePageTheOutcomeComesFromTheLastJob() throws Exception {
        java.util.List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.atomic.AtomicBoolean busy = new java.util.concurrent.atomic.AtomicBoolean(true);
        com.sun.net.httpserver.HttpServer console = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        console.createContext("/system/console/uplink/ota/", x -> {
            seen.add(x.getRequestMethod() + " " + x.getRequestURI().getPath() + " "
                    + x.getRequestHeaders().getFirst("X-Uplink") + " " + x.getRequestHeaders().getFirst("Authorization"));
            x.getRequestBody().readAllBytes();
            String path = x.getRequestURI().getPath();
            int status = 200;
            String body;
            if (path.endsWith("/upload")) {
                status = 202;
                body = "{\"id\":\"w1\",\"state\":\"running\"}";
            } else if (path.endsWith("/job.json")) {
                status = 404;
                body = "{\"error\":\"no job 'w1' here\"}";
            } else if (busy.get()) {
                body = "{\"available\":true,\"running\":null,\"packages\":[],\"web_job\":{\"id\":\"w0\","
                        + "\"action\":\"rollback\",\"target\":\"uplink-core\",\"state\":\"running\"}}";
            } else {
                body = "{\"available\":true,\"running\":null,\"packages\":[],\"last_job\":{\"action\":\"install\","
                        + "\"package\":\"uplink-core\",\"outcome\":\"ROLLED_BACK\",\"message\":\"Health check failed: "
                        + "bundle io.uplink.web did not start.\",\"finished\":\"" + java.time.Instant.now().plusSeconds(1)
                        + "\"}}";
            }
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            x.getResponseHeaders().set("Content-Type", "application/json;charset=UTF-8");
            x.sendResponseHeaders(status, b.length);
            x.getResponseBody().write(b);
            x.close();
        });
        console.start();
        try {
            Path pkg = Files.write(home.resolve("core.dp"), new byte[1000]);
            Path pw = Files.writeString(home.resolve("pw"), "s3cret\n");
            String gateway = "http://127.0.0.1:" + console.getAddress().getPort() + "/system/console";
            // A job started from the web runs: the package is not sent.
            assertThat(run("ota", "install", pkg.toString(), "--gateway", gateway, "--password-file", pw.toString()))
                    .isEqualTo(1);
            assertThat(err()).contains("runs an update started from the web (rollback uplink-core)");
            assertThat(seen).noneSatisfy(r -> assertThat(r).startsWith("POST"));
            busy.set(false);
            int exit = run("ota", "install", pkg.toString(), "--gateway", gateway, "--password-file", pw.toString());
            assertThat(exit).as(err()).isEqualTo(4);
            assertThat(out.toString(StandardCharsets.UTF_8)).contains("ROLLED_BACK: Health check failed");
            assertThat(err()).contains("went away during the job");
            String login = "Basic " + java.util.Base64.getEncoder().encodeToString("admin:s3cret".getBytes(
                    StandardCharsets.UTF_8));
            assertThat(seen).contains("POST /system/console/uplink/ota/upload 1 " + login);
            assertThat(seen).anySatisfy(r -> assertThat(r).startsWith("GET /system/console/uplink/ota/packages.json"));
        } finally {
            console.stop(0);
        }
    }

    /** Over HTTPS the gateway's certificate is pinned by the fingerprint its start recorded; another one is refused. */
    @Test
    void theConsoleCertificateIsPinnedByItsFingerprint() throws Exception {
        ConsoleTls.Keystore ks = new ConsoleTls(home.resolve("data")).generated("127.0.0.1");
        java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
        try (java.io.InputStream in = Files.newInputStream(ks.file())) {
            store.load(in, ks.password().toCharArray());
        }
        javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance("PKIX");
        kmf.init(store, ks.password().toCharArray());
        javax.net.ssl.SSLContext tls = javax.net.ssl.SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), null, null);
        com.sun.net.httpserver.HttpsServer console = com.sun.net.httpserver.HttpsServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        console.setHttpsConfigurator(new com.sun.net.httpserver.HttpsConfigurator(tls));
        console.createContext("/system/console/uplink/ota/packages.json", x -> {
            byte[] b = "{\"available\":true,\"packages\":[]}".getBytes(StandardCharsets.UTF_8);
            x.getResponseHeaders().set("Content-Type", "application/json");
            x.sendResponseHeaders(200, b.length);
            x.getResponseBody().write(b);
            x.close();
        });
        console.start();
        try {
            java.net.URI url = java.net.URI.create("https://127.0.0.1:" + console.getAddress().getPort()
                    + "/system/console/uplink/");
            ConsoleClient pinned = new ConsoleClient(url, "admin", "x", ks.fingerprint());
            assertThat(pinned.get("ota/packages.json").object()).containsEntry("available", true);
            ConsoleClient other = new ConsoleClient(url, "admin", "x", "AB".repeat(32));
            assertThatThrownBy(() -> other.get("ota/packages.json")).isInstanceOfSatisfying(
                    ConsoleClient.Failure.class, f -> {
                        assertThat(f.exit()).isEqualTo(3);
                        assertThat(f.getMessage()).contains("fingerprint");
                    });
        } finally {
            console.stop(0);
        }
    }

    @Test
    void theRecordedConsoleOfTheNewestStartIsUsed() throws Exception {
        Files.createDirectories(home.resolve("data/demo"));
        Files.writeString(home.resolve("data/console.url"), "http://127.0.0.1:1/system/console\n\n");
        Files.writeString(home.resolve("data/demo/console.url"), "https://127.0.0.1:2/system/console\nAB:CD\n");
        Files.setLastModifiedTime(home.resolve("data/console.url"), java.nio.file.attribute.FileTime.fromMillis(1000));
        Files.writeString(home.resolve("pw"), "x");
        ConsoleClient c = ConsoleClient.locate(home, null, null, home.resolve("pw"));
        assertThat(c.base().toString()).isEqualTo("https://127.0.0.1:2/system/console/uplink/");
        assertThatThrownBy(() -> ConsoleClient.locate(home, "ftp://x", null, home.resolve("pw")))
                .isInstanceOf(ConsoleClient.Failure.class).hasMessageContaining("--gateway");
    }

    @Test
    void progressStaysQuietForShortJobsThenReportsOnceASecond() {
        AtomicLong now = new AtomicLong();
        ByteArrayOutputStream lines = new ByteArrayOutputStream();
        ProgressLine p = new ProgressLine(new PrintStream(lines, true, StandardCharsets.UTF_8), false, now::get);
        now.set(1_900_000_000L);
        assertThat(p.report("Uploading", 1000, 10_000, -1, -1)).isFalse(); // a quick job says nothing
        now.set(2_000_000_000L);
        assertThat(p.report("Uploading", 2048, 10_240, -1, -1)).isTrue();
        now.set(2_500_000_000L);
        assertThat(p.report("Uploading", 3000, 10_240, -1, -1)).isFalse(); // within the second
        now.set(3_000_000_000L);
        assertThat(p.report("Uploading", 5120, 10_240, 512, 10)).isTrue();
        assertThat(lines.toString(StandardCharsets.UTF_8).lines().toList()).containsExactly(
                "Uploading: 2.0 KiB of 10.0 KiB (20 %), 1.0 KiB/s, 8 s left",
                "Uploading: 5.0 KiB of 10.0 KiB (50 %), 512 B/s, 10 s left");
        assertThat(ProgressLine.duration(3725)).isEqualTo("1 h 2 min");
    }

    @Test
    void answersAreReadAsJsonWithBoundedNesting() {
        Object v = JsonReader.parse("{\"a\":[1,2.5,\"x\\\"y\\u0041\"],\"b\":{\"c\":null,\"d\":true},\"e\":-3}");
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) v;
        assertThat(m.get("a")).isEqualTo(List.of(1L, 2.5, "x\"yA"));
        @SuppressWarnings("unchecked")
        Map<String, Object> b = (Map<String, Object>) m.get("b");
        assertThat(b).containsEntry("c", null).containsEntry("d", true);
        assertThat(m.get("e")).isEqualTo(-3L);
        assertThatThrownBy(() -> JsonReader.parse("[".repeat(100))).hasMessageContaining("nested deeper");
        assertThatThrownBy(() -> JsonReader.parse("{\"a\":1")).hasMessageContaining("'}' expected");
        assertThatThrownBy(() -> JsonReader.parse("{\"a\":1} x")).hasMessageContaining("text after");
        assertThatThrownBy(() -> JsonReader.parse("\"open")).hasMessageContaining("not closed");
    }
}
