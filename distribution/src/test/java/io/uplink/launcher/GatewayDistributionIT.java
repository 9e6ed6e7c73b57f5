package io.uplink.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the built distribution as an operator would: {@code bin/uplink run} from an unpacked copy, then the Web
 * Console over HTTP.
 */
class GatewayDistributionIT {

    private static final Pattern BANNER = Pattern.compile("started in (\\d+) ms: (\\d+) of (\\d+) bundles active");

    @TempDir
    Path temp;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @Test
    void startsWithAllBundlesActiveAndAConsoleThatRequiresTheGeneratedPassword() throws Exception {
        try (GatewayProcess gw = GatewayProcess.copyOfDistribution(temp)) {
            Files.writeString(gw.home.resolve("conf/io.uplink.transport.os.cfg"), "connect.timeout.ms=4321\n");
            String banner = gw.start();

            Matcher m = BANNER.matcher(banner);
            assertThat(m.find()).as("start-up banner in:\n%s", banner).isTrue();
            assertThat(m.group(2)).as("active bundles").isEqualTo(m.group(3));
            assertThat(banner).doesNotContain("WARNING");
            assertThat(banner).contains("First start").contains("initial-admin-password");

            Path passwordFile = gw.home.resolve("data/secrets/initial-admin-password");
            String password = Files.readString(passwordFile).trim();
            assertThat(password).hasSizeGreaterThanOrEqualTo(16);
            String hash = Files.readString(gw.home.resolve("data/secrets/webconsole-admin.hash"));
            assertThat(hash).startsWith("{sha-256}").doesNotContain(password);

            // The launcher holds the port; Jetty starts when the first connection is waiting, and serves it.
            assertThat(banner).contains("the web server starts on the first connection");
            assertThat(gw.output()).doesNotContain("Started Jetty");
            String console = "http://127.0.0.1:" + gw.port + "/system/console/bundles";
            assertThat(get(console, null).statusCode()).isEqualTo(401);
            assertThat(gw.output()).contains("started by the first connection to it");
            assertThat(get(console, "admin:admin").statusCode()).isEqualTo(401);
            assertThat(get(console, "admin:" + password + "x").statusCode()).isEqualTo(401);
            assertThat(get(console, "admin:" + password).statusCode()).isEqualTo(200);

            // The configuration form of our component renders from its metatype.
            HttpResponse<String> form = get("http://127.0.0.1:" + gw.port
                    + "/system/console/configMgr/io.uplink.transport.os", "admin:" + password);
            assertThat(form.statusCode()).isEqualTo(200);

            // conf/*.cfg reaches the component; logs go to the rotating file as well as the console.
            gw.awaitOutput(s -> s.contains("connect timeout 4321 ms"), "the configuration from conf/");
            // The embedded default: the emulated modem attaches and offers its sockets.
            gw.awaitOutput(s -> s.contains("Modem emulator:bg95 attached"), "the emulated modem");
            assertThat(Files.readString(gw.home.resolve("logs/uplink.log"))).contains("OS transport ready");
            assertThat(Files.readString(gw.home.resolve("logs/uplink.log"))).doesNotContain(password);

            assertThat(gw.stop()).as("exit code after SIGTERM").isZero();
            assertThat(gw.output()).contains("Uplink stopped.");

            // Second start: the same password, no new one; configuration kept.
            String again = gw.start();
            assertThat(again).doesNotContain("First start");
            assertThat(get(console, "admin:" + password).statusCode()).isEqualTo(200);
            gw.stop();
        }
    }

    @Test
    void passwdReplacesThePasswordAndRemovesTheFirstStartFile() throws Exception {
        try (GatewayProcess gw = GatewayProcess.copyOfDistribution(temp)) {
            gw.start();
            String first = Files.readString(gw.home.resolve("data/secrets/initial-admin-password")).trim();
            gw.stop();

            GatewayProcess.Result tooShort = gw.command("short\n", "passwd", "--stdin");
            assertThat(tooShort.exitCode()).isEqualTo(2);
            assertThat(tooShort.output()).contains("too short");

            GatewayProcess.Result changed = gw.command("a-new-long-password\n", "passwd", "--stdin");
            assertThat(changed.exitCode()).as(changed.output()).isZero();
            assertThat(gw.home.resolve("data/secrets/initial-admin-password")).doesNotExist();

            gw.start();
            String console = "http://127.0.0.1:" + gw.port + "/system/console/bundles";
            assertThat(get(console, "admin:" + first).statusCode()).isEqualTo(401);
            assertThat(get(console, "admin:a-new-long-password").statusCode()).isEqualTo(200);
            gw.stop();
        }
    }

    @Test
    void passwdWinsOverAPasswordSetOnTheConsolesConfigurationPage() throws Exception {
        try (GatewayProcess gw = GatewayProcess.copyOfDistribution(temp)) {
            gw.start();
            String first = Files.readString(gw.home.resolve("data/secrets/initial-admin-password")).trim();
            String base = "http://127.0.0.1:" + gw.port + "/system/console";
            // What the hostile review did through the console (here from its own origin, with the login).
            Path override = gw.home.resolve(
                    "data/config/org/apache/felix/webconsole/internal/servlet/OsgiManager.config");
            setPasswordOnTheConsolesPage(base, "admin:" + first, "attacker-password-1", override);
            awaitConsole(base, "admin:" + first); // the console re-registers itself after its configuration changed
            assertThat(get(base + "/bundles", "admin:attacker-password-1").statusCode()).isEqualTo(401);

            GatewayProcess.Result changed = gw.command("a-new-long-password\n", "passwd", "--stdin");
            assertThat(changed.exitCode()).as(changed.output()).isZero();
            assertThat(changed.output()).contains("applies at once").contains("Removed the password set on the "
                    + "Web Console's own configuration page");
            assertThat(Files.readString(override)).doesNotContain("password");
            // At once, without a restart, and after one.
            assertThat(get(base + "/bundles", "admin:" + first).statusCode()).isEqualTo(401);
            assertThat(get(base + "/bundles", "admin:a-new-long-password").statusCode()).isEqualTo(200);
            gw.stop();
            gw.start();
            assertThat(get(base + "/bundles", "admin:attacker-password-1").statusCode()).isEqualTo(401);
            assertThat(get(base + "/bundles", "admin:a-new-long-password").statusCode()).isEqualTo(200);
            gw.stop();
        }
    }

    @Test
    void everyConsoleAnswerKeepsOutOfOtherSitesFramesAndTheHashIsNotShown() throws Exception {
        try (GatewayProcess gw = GatewayProcess.copyOfDistribution(temp)) {
            gw.start();
            String password = Files.readString(gw.home.resolve("data/secrets/initial-admin-password")).trim();
            String hash = Files.readString(gw.home.resolve("data/secrets/webconsole-admin.hash")).trim();
            String base = "http://127.0.0.1:" + gw.port + "/system/console";
            for (String path : new String[] { "/bundles", "/uplink", "/configMgr" }) {
                HttpResponse<String> r = get(base + path, "admin:" + password);
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.headers().firstValue("X-Frame-Options")).hasValue("SAMEORIGIN");
                assertThat(r.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
                assertThat(r.headers().firstValue("Content-Security-Policy").orElse(""))
                        .contains("frame-ancestors 'self'");
            }
            HttpResponse<String> properties = get(base + "/status-Configurations.txt", "admin:" + password);
            HttpResponse<String> framework = get(base + "/status-Framework%20Properties.txt", "admin:" + password);
            assertThat(properties.body() + framework.body()).doesNotContain(hash.substring(9, 30));
            assertThat(framework.body()).contains("uplink.console.password.file");

            // Bundle uploads are refused with a reason, not a bare 405.
            HttpResponse<String> upload = http.send(HttpRequest.newBuilder(URI.create(base + "/bundles"))
                    .header("Authorization", basic("admin:" + password))
                    .header("Content-Type", "multipart/form-data; boundary=x")
                    .POST(HttpRequest.BodyPublishers.ofString("--x\r\nContent-Disposition: form-data; "
                            + "name=\"action\"\r\n\r\ninstall\r\n--x--\r\n")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(upload.statusCode()).isEqualTo(403);
            assertThat(upload.body()).contains("installing bundles through the Web Console is switched off");
            gw.stop();
        }
    }

    @Test
    void aMistypedValueIsNamedAndDefaultedAndTheComponentStays() throws Exception {
        try (GatewayProcess gw = GatewayProcess.copyOfDistribution(temp)) {
            Path transport = gw.home.resolve("conf/io.uplink.transport.os.cfg");
            Files.writeString(transport, "read.timeout.ms=abc\nconnect.timeout.ms= 4321 \n");
            Files.writeString(gw.home.resolve("conf/io.uplink.credentials.cfg"), "expiry.warning.days=abc\n");
            String banner = gw.start();
            assertThat(banner).doesNotContain("WARNING");
            String out = gw.awaitOutput(s -> s.contains("OS transport ready"), "the OS transport");
            assertThat(out).contains("read.timeout.ms='abc' is not a whole number; using the default 0")
                    .contains(transport.toString()).contains("connect timeout 4321 ms")
                    .contains("expiry.warning.days='abc' is not a whole number")
                    .contains("Credential store open").doesNotContain("NumberFormatException");
            // The command line reads the same file.
            GatewayProcess.Result list = gw.command(null, "creds", "list");
            assertThat(list.exitCode()).as(list.output()).isZero();
            assertThat(list.output()).contains("expiry.warning.days=abc").doesNotContain("Exception");

            // Corrected while running: applied at once.
            Files.writeString(transport, "read.timeout.ms=5000\n");
            gw.awaitOutput(s -> s.contains("read timeout 5000 ms"), "the corrected value");
            assertThat(gw.output()).contains("read.timeout.ms is valid again");
            gw.stop();
        }
    }

    @Test
    void aConfFileDeletedWhileStoppedTakesItsConfigurationAndSecretsWithIt() throws Exception {
        try (GatewayProcess gw = GatewayProcess.copyOfDistribution(temp)) {
            Path endpoint = gw.home.resolve("conf/io.uplink.cloud.mqtt-gone.cfg");
            Files.writeString(endpoint, "cloud.endpoint.id=gone\nhost=127.0.0.1\nport=1\ntls.mode=none\n"
                    + ".password=SecretInConf77\n");
            gw.start();
            gw.awaitOutput(s -> s.contains("'gone'"), "the endpoint");
            assertThat(gw.output()).contains("holds .password: made readable by its owner only");
            assertThat(Files.getPosixFilePermissions(endpoint)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
            Path cm = gw.home.resolve("data/config");
            assertThat(Files.getPosixFilePermissions(gw.home.resolve("data")))
                    .isEqualTo(PosixFilePermissions.fromString("rwx------"));
            try (Stream<Path> files = Files.walk(cm)) {
                for (Path p : (Iterable<Path>) files::iterator) {
                    assertThat(Files.getPosixFilePermissions(p).toString()).as(p.toString())
                            .doesNotContain("GROUP").doesNotContain("OTHERS");
                }
            }
            assertThat(gw.stop()).isZero();

            Files.delete(endpoint);
            String again = gw.start();
            assertThat(again).contains("Configuration removed: io.uplink.cloud.mqtt~gone");
            Thread.sleep(3000); // FileInstall's first scan and DS activations have happened by now
            assertThat(gw.output()).doesNotContain("Endpoint 'gone'");
            try (Stream<Path> files = Files.walk(cm)) {
                for (Path p : (Iterable<Path>) files::iterator) {
                    if (Files.isRegularFile(p)) {
                        assertThat(Files.readString(p)).as(p.toString()).doesNotContain("SecretInConf77");
                    }
                }
            }
            gw.stop();
        }
    }

    @Test
    void commandLineBehavesLikeAUnixTool() throws Exception {
        try (GatewayProcess gw = GatewayProcess.copyOfDistribution(temp)) {
            assertThat(gw.command(null, "--help").exitCode()).isZero();
            assertThat(gw.command(null, "run", "--help").output()).contains("--http-port");
            assertThat(gw.command(null, "passwd", "--help").output()).contains("--stdin");
            assertThat(gw.command(null, "--version").output()).contains("uplink ");

            GatewayProcess.Result unknown = gw.command(null, "frobnicate");
            assertThat(unknown.exitCode()).isEqualTo(2);
            assertThat(unknown.output()).contains("unknown command 'frobnicate'").contains("--help");

            GatewayProcess.Result badPort = gw.command(null, "run", "--http-port", "eighty");
            assertThat(badPort.exitCode()).isEqualTo(2);
            assertThat(badPort.output()).contains("--http-port must be a number");

            assertThat(gw.command(null).exitCode()).isEqualTo(2);
        }
    }

    @Test
    void theWebServerStartsWithTheGatewayWhenSetSoAndAnUnknownChoiceIsRefused() throws Exception {
        try (GatewayProcess gw = GatewayProcess.copyOfDistribution(temp)) {
            Path properties = gw.home.resolve("conf/framework.properties");
            String shipped = Files.readString(properties);
            Files.writeString(properties, shipped + "\nuplink.http.start=later\n");
            GatewayProcess.Result refused = gw.command(null, "run", "--no-shell", "--http-port",
                    String.valueOf(gw.port));
            assertThat(refused.exitCode()).isEqualTo(1);
            assertThat(refused.output()).contains("uplink.http.start").contains("'later'").contains("first-connection")
                    .contains("at-start");

            Files.writeString(properties, shipped + "\nuplink.http.start=at-start\n");
            String banner = gw.start();
            assertThat(banner).doesNotContain("starts on the first connection");
            gw.awaitOutput(s -> s.contains("Started Jetty"), "Jetty started without a connection");
            assertThat(get("http://127.0.0.1:" + gw.port + "/system/console/bundles", null).statusCode())
                    .isEqualTo(401);
            assertThat(gw.output()).doesNotContain("HeldPortConnector");
            gw.stop();
        }
    }

    @Test
    void refusesToStartWhenThePortIsTaken() throws Exception {
        try (GatewayProcess gw = GatewayProcess.copyOfDistribution(temp);
                java.net.ServerSocket taken = new java.net.ServerSocket(0, 1,
                        java.net.InetAddress.getByName("127.0.0.1"))) {
            GatewayProcess.Result r = gw.command(null, "run", "--no-shell", "--http-port",
                    String.valueOf(taken.getLocalPort()));
            assertThat(r.exitCode()).isEqualTo(1);
            assertThat(r.output()).contains("cannot listen on 127.0.0.1:" + taken.getLocalPort())
                    .contains("--http-port");
            assertThat(gw.home.resolve("data/secrets")).as("a refused start leaves no secrets behind")
                    .doesNotExist();
        }
    }

    private HttpResponse<String> get(String url, String credentials) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20));
        if (credentials != null) {
            b.header("Authorization", basic(credentials));
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Sets a password on the console's own configuration page until ConfigAdmin has stored it. Right after start-up
     * the console can still be wiring its configuration plugin; a POST answered then is sent again. Every answer is
     * kept for the failure message.
     */
    private void setPasswordOnTheConsolesPage(String base, String credentials, String password, Path stored)
            throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(GatewayProcess.WAIT_SECONDS).toNanos();
        List<String> answers = new ArrayList<>();
        while (true) {
            try {
                HttpResponse<String> set = post(
                        base + "/configMgr/org.apache.felix.webconsole.internal.servlet.OsgiManager", credentials,
                        "apply=true&action=ajaxConfigManager&propertylist=username,password"
                                + "&username=admin&password=" + password);
                answers.add(set.statusCode() + " " + set.headers().firstValue("Location").orElse("") + " "
                        + set.body().substring(0, Math.min(200, set.body().length())));
            } catch (java.io.IOException e) {
                answers.add(e.toString()); // the console re-registering after an earlier POST that did apply
            }
            for (int i = 0; i < 25 && !Files.exists(stored); i++) {
                Thread.sleep(200);
            }
            if (Files.exists(stored)) {
                return;
            }
            assertThat(System.nanoTime()).as("ConfigAdmin stored the console's password; answers: %s", answers)
                    .isLessThan(deadline);
        }
    }

    /** Waits (bounded) until the console answers 200 with these credentials. */
    private void awaitConsole(String base, String credentials) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(GatewayProcess.WAIT_SECONDS).toNanos();
        int status;
        while ((status = get(base + "/bundles", credentials).statusCode()) != 200) {
            assertThat(System.nanoTime()).as("console back, last status %d", status).isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    private HttpResponse<String> post(String url, String credentials, String form) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
                .header("Authorization", basic(credentials))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String basic(String credentials) {
        return "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
    }
}
