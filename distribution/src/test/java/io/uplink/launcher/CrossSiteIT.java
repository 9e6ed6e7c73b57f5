package io.uplink.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import com.sun.net.httpserver.HttpServer;

/**
 * Cross-site request forgery against the whole Web Console, in headless Chromium: the administrator is logged in
 * (the browser holds the Basic credentials), then opens a page on another site whose forms post to the console. None
 * of the three attacks of the hostile review may change anything: the password, a bundle's state, the web server's
 * address. The console's own pages must still be able to make changes.
 */
class CrossSiteIT {

    @TempDir
    Path temp;

    @Test
    void formsOnAnotherSiteChangeNothingWhileTheConsoleItselfStillCan() throws Exception {
        try (GatewayProcess gw = GatewayProcess.copyOfDistribution(temp)) {
            gw.start();
            String password = Files.readString(gw.home.resolve("data/secrets/initial-admin-password")).trim();
            String console = "http://127.0.0.1:" + gw.port + "/system/console";
            long telemetry = bundleId(gw.port, password, "io.uplink.telemetry");
            assertThat(bundleState(gw.port, password, telemetry)).isEqualTo("Active");

            Map<String, String> pages = new ConcurrentHashMap<>();
            pages.put("/password", autoSubmit(console
                    + "/configMgr/org.apache.felix.webconsole.internal.servlet.OsgiManager", Map.of("apply", "true",
                            "action", "ajaxConfigManager", "propertylist", "username,password", "username", "admin",
                            "password", "attacker-password-1")));
            pages.put("/stop", autoSubmit(console + "/bundles/" + telemetry, Map.of("action", "stop")));
            pages.put("/expose", autoSubmit(console + "/configMgr/org.apache.felix.http", Map.of("apply", "true",
                    "action", "ajaxConfigManager", "propertylist", "org.apache.felix.http.host",
                    "org.apache.felix.http.host", "0.0.0.0")));
            HttpServer attacker = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            attacker.createContext("/", exchange -> {
                byte[] body = pages.getOrDefault(exchange.getRequestURI().getPath(), "none").getBytes(
                        StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            attacker.start();
            // Another site: another host name (localhost, not 127.0.0.1) and another port.
            String evil = "http://localhost:" + attacker.getAddress().getPort();

            WebDriver browser = chromium();
            try {
                WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));
                browser.get("http://admin:" + password + "@127.0.0.1:" + gw.port + "/system/console/bundles");
                wait.until(d -> d.getTitle().contains("Bundles"));

                for (String page : new String[] { "/password", "/stop", "/expose" }) {
                    browser.get(evil + page);
                    wait.until(d -> d.getCurrentUrl().startsWith(console)); // the form was posted
                    wait.until(d -> "complete".equals(((JavascriptExecutor) d).executeScript(
                            "return document.readyState")));
                    assertThat(browser.getPageSource()).contains("another site");
                }
                assertThat(status(gw.port, "admin", password, "/bundles.json")).isEqualTo(200);
                assertThat(status(gw.port, "admin", "attacker-password-1", "/bundles.json")).isEqualTo(401);
                assertThat(bundleState(gw.port, password, telemetry)).isEqualTo("Active");
                assertThat(Files.exists(gw.home.resolve("data/config/org/apache/felix/http.config"))).isFalse();
                assertThat(gw.output()).contains("Refused a cross-site");

                // The console's own page may still change things (same origin).
                browser.get(console + "/bundles");
                Object code = ((JavascriptExecutor) browser).executeAsyncScript(
                        "const done = arguments[arguments.length - 1];"
                                + "fetch('" + console + "/bundles/" + telemetry + "', {method: 'POST',"
                                + " headers: {'Content-Type': 'application/x-www-form-urlencoded'},"
                                + " body: 'action=stop'}).then(r => done(r.status), e => done(String(e)));");
                assertThat(code).isEqualTo(200L);
                assertThat(bundleState(gw.port, password, telemetry)).isEqualTo("Resolved");
            } finally {
                browser.quit();
                attacker.stop(0);
            }
            assertThat(gw.stop()).isZero();
        }
    }

    /** A page that posts a form to {@code target} as soon as it loads, as a hostile site would. */
    private static String autoSubmit(String target, Map<String, String> fields) {
        StringBuilder b = new StringBuilder("<!doctype html><html><body><form id=f method=post action='")
                .append(target).append("'>");
        fields.forEach((k, v) -> b.append("<input type=hidden name='").append(k).append("' value='").append(v)
                .append("'>"));
        return b.append("</form><script>document.getElementById('f').submit();</script></body></html>").toString();
    }

    static WebDriver chromium() {
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update", "--disable-sync");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(Path.of("/usr/bin/chromedriver").toFile()).usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    private static int status(int port, String user, String password, String path)
            throws IOException, InterruptedException {
        return get(port, user, password, path).statusCode();
    }

    private static HttpResponse<String> get(int port, String user, String password, String path)
            throws IOException, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/system/console" + path))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        (user + ":" + password).getBytes(StandardCharsets.UTF_8)))
                .GET().build();
        return HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.ofString());
    }

    private static long bundleId(int port, String password, String symbolicName)
            throws IOException, InterruptedException {
        String json = get(port, "admin", password, "/bundles.json").body();
        Matcher m = Pattern.compile("\"id\":(\\d+),\"name\":\"[^\"]*\",\"fragment\":\\w+,\"stateRaw\":\\d+,"
                + "\"state\":\"\\w+\",\"version\":\"[^\"]*\",\"symbolicName\":\"" + Pattern.quote(symbolicName)
                + "\"").matcher(json);
        assertThat(m.find()).as("bundle %s in %s", symbolicName, json).isTrue();
        return Long.parseLong(m.group(1));
    }

    private static String bundleState(int port, String password, long id) throws IOException, InterruptedException {
        String json = get(port, "admin", password, "/bundles/" + id + ".json").body();
        Matcher m = Pattern.compile("\"state\":\"(\\w+)\"").matcher(json);
        assertThat(m.find()).as("state in %s", json).isTrue();
        return m.group(1);
    }
}
