package io.uplink.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import com.sun.net.httpserver.HttpServer;

/**
 * 'bin/uplink ota install/list/rollback' against one running gateway, through its Web Console with the console's
 * login: a signed package uploaded and installed, an unsigned one refused with its code, a URL downloaded by the
 * gateway with progress on the command's stderr, the list with versions and signer, a rollback, a wrong password,
 * and the console's cross-site rules applying to the upload; then the Packages section of the Uplink page in headless
 * Chromium (like {@link BrowserIT}).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OtaConsoleIT {

    @TempDir
    static Path temp;

    private static GatewayProcess gw;
    private static HttpServer files;
    private static Path v1;
    private static Path v2;
    private static Path unsigned;

    @BeforeAll
    static void gateway() throws Exception {
        OtaFixtures f = new OtaFixtures(temp);
        f.ca("ota-ca");
        f.signer("release", "ota-ca");
        unsigned = f.deploymentPackage("demo.feature", "1.0.0", 0);
        Path raw2 = f.deploymentPackage("demo.feature", "2.0.0", 96 * 1024);
        gw = GatewayProcess.copyOfDistribution(temp);
        String t = temp + "/";
        v1 = temp.resolve("signed-1.0.0.dp");
        v2 = temp.resolve("signed-2.0.0.dp");
        for (Path[] p : new Path[][] { { unsigned, v1 }, { raw2, v2 } }) {
            GatewayProcess.Result r = gw.command(null, "ota", "sign", "--key", t + "release.key", "--cert",
                    t + "release.crt", p[0].toString(), p[1].toString());
            assertThat(r.exitCode()).as(r.output()).isZero();
        }
        GatewayProcess.Result trust = gw.command(null, "creds", "import", "--alias", "ota-trust", "--ca",
                t + "ota-ca.crt");
        assertThat(trust.exitCode()).as(trust.output()).isZero();
        Files.writeString(gw.home.resolve("conf/io.uplink.ota.cfg"), "health.timeout.seconds=20\n");
        gw.start();
        gw.awaitOutput(s -> s.contains("OTA updates ready"), "the OTA service");

        // A download server that sends 16 KiB a second, so the gateway's download takes several seconds.
        byte[] body = Files.readAllBytes(v2);
        files = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        files.createContext("/demo-2.0.0.dp", x -> {
            x.sendResponseHeaders(200, body.length);
            try (OutputStream o = x.getResponseBody()) {
                for (int at = 0; at < body.length; at += 4096) {
                    o.write(body, at, Math.min(4096, body.length - at));
                    o.flush();
                    Thread.sleep(250);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        files.start();
    }

    @AfterAll
    static void stop() throws IOException {
        if (files != null) {
            files.stop(0);
        }
        if (gw != null) {
            gw.close();
        }
    }

    @Test
    @Order(1)
    void installListAndRollBackThroughTheConsole() throws Exception {
        GatewayProcess.Result empty = gw.command(null, "ota", "list");
        assertThat(empty.exitCode()).as(empty.output()).isZero();
        assertThat(empty.output()).contains("No deployment packages installed.");

        GatewayProcess.Result installed = gw.command(null, "ota", "install", v1.toString(), "--json");
        assertThat(installed.exitCode()).as(installed.output()).isZero();
        assertThat(installed.output()).contains("\"outcome\":\"INSTALLED\"").contains("\"to\":\"1.0.0\"");

        GatewayProcess.Result refused = gw.command(null, "ota", "install", unsigned.toString());
        assertThat(refused.exitCode()).as(refused.output()).isEqualTo(1);
        assertThat(refused.output()).contains("REFUSED (ota.unsigned)").contains("Fix: Sign the package");

        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(v2)));
        String url = "http://127.0.0.1:" + files.getAddress().getPort() + "/demo-2.0.0.dp";
        GatewayProcess.Result downloaded = gw.command(null, "ota", "install", url, "--sha256", sha);
        assertThat(downloaded.exitCode()).as(downloaded.output()).isZero();
        assertThat(downloaded.output()).containsPattern("Gateway downloading: [0-9.]+ KiB of [0-9.]+ KiB \\(\\d+ %\\), "
                + "[0-9.]+ KiB/s, \\d+ s left").contains("INSTALLED: demo.feature 2.0.0 is installed and healthy");

        GatewayProcess.Result list = gw.command(null, "ota", "list");
        assertThat(list.exitCode()).as(list.output()).isZero();
        assertThat(list.output()).containsPattern("demo.feature +2.0.0 +1.0.0 +CN=release")
                .contains("Last job: install demo.feature 1.0.0 -> 2.0.0: INSTALLED");

        GatewayProcess.Result back = gw.command(null, "ota", "rollback", "demo.feature");
        assertThat(back.exitCode()).as(back.output()).isZero();
        assertThat(gw.command(null, "ota", "list", "--json").output()).contains("\"version\":\"1.0.0\"")
                .contains("\"previous\":\"2.0.0\"");
    }

    @Test
    @Order(2)
    void aWrongPasswordAndCrossSiteUploadsAreRefused() throws Exception {
        Path wrong = Files.writeString(temp.resolve("wrong-password"), "not-it\n");
        GatewayProcess.Result r = gw.command(null, "ota", "list", "--password-file", wrong.toString());
        assertThat(r.exitCode()).as(r.output()).isEqualTo(3);
        assertThat(r.output()).contains("refused the login of user 'admin'");

        String password = Files.readString(gw.home.resolve("data/secrets/initial-admin-password")).trim();
        URI upload = URI.create("http://127.0.0.1:" + gw.port + "/system/console/uplink/ota/upload?file=x.dp");
        // another site's page (HttpURLConnection drops an Origin header; the Referer says the same)
        assertThat(post(upload, password, true, "http://evil.example/page")).isEqualTo(403);
        assertThat(post(upload, password, false, null)).isEqualTo(403); // no X-Uplink header
        assertThat(post(upload, "not-it", true, null)).isEqualTo(401);
    }

    /**
     * The Packages section in headless Chromium, logged in to the console: the list with version, signer and the
     * version a rollback returns to; an unsigned upload refused with its code; a signed upload installed; a rollback.
     */
    @Test
    @Order(3)
    void thePackagesSectionListsUploadsAndRollsBack() throws Exception {
        String password = Files.readString(gw.home.resolve("data/secrets/initial-admin-password")).trim();
        WebDriver browser = BrowserIT.chromium();
        try {
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));
            browser.get("http://admin:" + password + "@127.0.0.1:" + gw.port + "/system/console/uplink");
            By row = By.cssSelector("#pkg-table tr[data-package='demo.feature']");
            wait.until(ExpectedConditions.textToBePresentInElementLocated(row, "1.0.0"));
            assertThat(browser.findElement(row).getText()).contains("CN=release").contains("2.0.0")
                    .contains("demo.feature.bundle");
            assertThat(browser.findElement(By.id("pkg-last")).getText()).contains("rollback demo.feature");

            browser.findElement(By.id("pkg-file")).sendKeys(unsigned.toString());
            browser.findElement(By.id("pkg-upload")).click();
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("pkg-result"), "ota.unsigned"));

            browser.findElement(By.id("pkg-file")).sendKeys(v2.toString());
            browser.findElement(By.id("pkg-upload")).click();
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("pkg-result"),
                    "INSTALLED: demo.feature 2.0.0 is installed and healthy"));
            wait.until(ExpectedConditions.textToBePresentInElementLocated(row, "Roll back to 1.0.0"));

            browser.findElement(By.cssSelector("#pkg-table tr[data-package='demo.feature'] .pkg-rollback")).click();
            wait.until(ExpectedConditions.alertIsPresent()).accept();
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("pkg-result"),
                    "demo.feature 1.0.0 is installed and healthy"));
            wait.until(ExpectedConditions.textToBePresentInElementLocated(row, "Roll back to 2.0.0"));
        } finally {
            browser.quit();
        }
    }

    private static int post(URI uri, String password, boolean header, String referer) throws IOException {
        HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
        c.setRequestMethod("POST");
        c.setRequestProperty("Authorization", "Basic " + Base64.getEncoder().encodeToString(("admin:" + password)
                .getBytes(StandardCharsets.UTF_8)));
        if (header) {
            c.setRequestProperty("X-Uplink", "1");
        }
        if (referer != null) {
            c.setRequestProperty("Referer", referer);
        }
        c.setRequestProperty("Content-Type", "application/octet-stream");
        c.setDoOutput(true);
        try (OutputStream o = c.getOutputStream()) {
            o.write(Files.readAllBytes(v1));
        }
        try {
            return c.getResponseCode();
        } finally {
            c.disconnect();
        }
    }
}
