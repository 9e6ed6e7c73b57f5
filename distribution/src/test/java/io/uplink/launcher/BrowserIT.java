package io.uplink.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The Uplink page in headless Chromium (Debian's chromium and chromium-driver): log in to the Web Console, see the
 * demo's modem, run the doctor against a failing endpoint and read the cause and fix, paste a mismatched key and see
 * the refusal.
 */
class BrowserIT {

    @TempDir
    Path temp;

    @Test
    void logInRunTheDoctorAndRefuseAMismatchedKey() throws Exception {
        try (GatewayProcess gw = GatewayProcess.copyOfDistribution(temp)) {
            int mqtt = GatewayProcess.freePort();
            gw.launch("demo", "--no-shell", "--http-port", String.valueOf(gw.port), "--mqtt-port",
                    String.valueOf(mqtt), "--interval", "2");
            gw.awaitOutput(s -> s.contains("[broker] message 1 "), "a message at the broker");
            String password = Files.readString(gw.home.resolve("data/secrets/initial-admin-password")).trim();

            ChromeOptions options = new ChromeOptions();
            options.setBinary("/usr/bin/chromium");
            options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu");
            ChromeDriverService service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(Path.of("/usr/bin/chromedriver").toFile()).usingAnyFreePort().build();
            WebDriver browser = new ChromeDriver(service, options);
            try {
                WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));
                // Logging in: the console's Basic authentication, given with the first navigation.
                browser.get("http://admin:" + password + "@127.0.0.1:" + gw.port + "/system/console/uplink");
                wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("modems"),
                        "io.uplink.modem~demo"));
                assertThat(browser.findElement(By.id("connections")).getText()).contains("demo");

                int closed = GatewayProcess.freePort();
                browser.findElement(By.id("doctor-endpoint")).sendKeys("mqtt://127.0.0.1:" + closed);
                browser.findElement(By.id("doctor-run")).click();
                wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("doctor-cause"),
                        "net.tcp-refused"));
                assertThat(browser.findElement(By.id("doctor-fix")).getText()).isNotBlank();

                // Uploading: the device certificate with a key that is not its own, chosen as two files.
                Path cert = gw.home.resolve("data/demo/pki/device.pem");
                Path wrongKey = gw.home.resolve("data/demo/pki/broker.key");
                browser.findElement(By.id("cred-files")).sendKeys(cert + "\n" + wrongKey);
                wait.until(d -> {
                    String text = String.valueOf(((JavascriptExecutor) d).executeScript(
                            "return document.getElementById('cred-content').value;"));
                    return text.contains("PRIVATE KEY") && text.contains("CERTIFICATE"); // both files read
                });
                browser.findElement(By.id("cred-alias")).sendKeys("browser-test");
                browser.findElement(By.id("cred-import")).click();
                wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("cred-result"), "Refused"));
                assertThat(browser.findElement(By.id("cred-result")).getText()).contains("key-mismatch");

                // A paste far too large: the page shows the gateway's explained refusal.
                ((JavascriptExecutor) browser).executeScript(
                        "document.getElementById('cred-content').value = 'A'.repeat(250000);");
                browser.findElement(By.id("cred-check")).click();
                wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("cred-result"),
                        "accepts 128 KiB"));
            } finally {
                browser.quit();
            }
            assertThat(gw.stop()).isZero();
        }
    }

    /**
     * The dashboard and the doctor as pictures: the demo's link drops (the emulated modem closes its sockets after a
     * few KB) and the endpoint's card counts the reconnect with its cause; the doctor's ladder shows the TCP step failed
     * for a refused port, and the TLS handshake against the demo broker as a timeline. Saves target/dashboard.png
     * (and the README's docs/dashboard.png with {@code -Duplink.docs=../docs}).
     */
    @Test
    void theDashboardShowsAReconnectAndTheDoctorTheFailingStep() throws Exception {
        try (GatewayProcess gw = GatewayProcess.copyOfDistribution(temp)) {
            int mqtt = GatewayProcess.freePort();
            gw.launch("demo", "--no-shell", "--http-port", String.valueOf(gw.port), "--mqtt-port",
                    String.valueOf(mqtt), "--interval", "1");
            gw.awaitOutput(s -> s.contains("[broker] message 1 "), "a message at the broker");
            String password = Files.readString(gw.home.resolve("data/secrets/initial-admin-password")).trim();
            WebDriver browser = chromium();
            try {
                WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(90));
                browser.manage().window().setSize(new Dimension(1100, 1500));
                browser.get("http://admin:" + password + "@127.0.0.1:" + gw.port + "/system/console/uplink");
                wait.until(ExpectedConditions.textToBePresentInElementLocated(
                        By.cssSelector("[data-endpoint='demo'] .badge"), "CONNECTED"));
                assertThat(text(browser, "[data-endpoint='demo'] .reconnects b")).isEqualTo("0");
                // The connection's queue figures reach the page: messages per minute is a number, not "n/a".
                wait.until(d -> text(d, "[data-endpoint='demo'] .rate b").matches("[0-9]+"));
                // Bytes on the wire reach the page: the demo's CONNECT and publishes were counted.
                wait.until(d -> text(d, "[data-endpoint='demo'] .bytes b")
                        .matches("[0-9.]+ (B|KiB|MiB) / [0-9.]+ (B|KiB|MiB)"));
                assertThat(((JavascriptExecutor) browser).executeScript("return typeof uPlot")).isEqualTo("function");
                wait.until(d -> !d.findElements(By.cssSelector("[data-endpoint='demo'] .chart .uplot")).isEmpty());

                // The emulated link drops: sockets close after about 6 KB, so each session carries a few messages.
                Path link = gw.home.resolve("data/demo/conf/io.uplink.modem.emulator.cfg");
                Path edit = link.resolveSibling("emulator.edit");
                Files.writeString(edit, Files.readString(link) + "fault.close.after.bytes=6000\n");
                Files.move(edit, link, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                wait.until(d -> {
                    String n = text(d, "[data-endpoint='demo'] .reconnects b");
                    return !n.isEmpty() && Integer.parseInt(n) >= 1;
                });
                String changes = text(browser, "[data-endpoint='demo'] .changes");
                assertThat(changes).contains("CONNECTED \u2192").contains("\u2192 CONNECTED");
                assertThat(browser.findElement(By.cssSelector("[data-modem='io.uplink.modem~demo'] .badge")).getText())
                        .isNotBlank();
                // The emulated BG95 answers AT+CSQ with 20.
                wait.until(ExpectedConditions.textToBePresentInElementLocated(
                        By.cssSelector("[data-modem='io.uplink.modem~demo'] .signal b"), "20/31"));
                // The operator (AT+COPS?) and the radio access technology (AT+QCSQ) the emulated BG95 reports.
                wait.until(ExpectedConditions.textToBePresentInElementLocated(
                        By.cssSelector("[data-modem='io.uplink.modem~demo'] .network b"), "Uplink Emulated"));
                // The LTE figures of AT+QCSQ (BG95 manual: SINR in fifths of a dB from -20 dB, 130 -> 6 dB).
                wait.until(ExpectedConditions.textToBePresentInElementLocated(
                        By.cssSelector("[data-modem='io.uplink.modem~demo'] .signal b"),
                        "RSRP -95 dBm, RSRQ -11 dB, SINR 6 dB, eMTC"));

                // The doctor's ladder: a refused port fails at TCP, with cause and fix in words.
                int closed = GatewayProcess.freePort();
                browser.findElement(By.id("doctor-endpoint")).sendKeys("mqtt://127.0.0.1:" + closed);
                browser.findElement(By.id("doctor-run")).click();
                wait.until(ExpectedConditions.presenceOfElementLocated(
                        By.cssSelector("#doctor-findings li.fail[data-layer='tcp']")));
                WebElement failing = browser.findElement(By.cssSelector("#doctor-findings li.fail"));
                assertThat(failing.getAttribute("data-layer")).isEqualTo("tcp");
                assertThat(failing.getText()).contains("net.tcp-refused").contains("Fix:");
                assertThat(browser.findElements(By.cssSelector("#doctor-findings li.fail"))).hasSize(1);

                // Against the demo broker, whose CA is not trusted by default: the handshake as a timeline.
                WebElement endpoint = browser.findElement(By.id("doctor-endpoint"));
                endpoint.clear();
                endpoint.sendKeys("mqtts://localhost:" + mqtt);
                browser.findElement(By.id("doctor-run")).click();
                wait.until(ExpectedConditions.presenceOfElementLocated(
                        By.cssSelector("#doctor-findings li.fail[data-layer='tls']")));
                wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("doctor-handshake"),
                        "ClientHello"));

                ((JavascriptExecutor) browser).executeScript("document.getElementById('dashboard').scrollIntoView();");
                byte[] shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES);
                // The README shows docs/dashboard.png: refreshed only when asked (-Duplink.docs=../docs), so a test
                // run leaves the checkout as it was; every run keeps its own in target/.
                Files.write(Path.of("target", "dashboard.png"), shot);
                String docs = System.getProperty("uplink.docs", "");
                if (!docs.isEmpty() && Files.isDirectory(Path.of(docs))) {
                    Files.write(Path.of(docs, "dashboard.png"), shot);
                }

                // On a phone's width the cards stack and the charts shrink to fit: nothing sticks out to the right.
                browser.manage().window().setSize(new Dimension(412, 915));
                wait.until(d -> Boolean.TRUE.equals(((JavascriptExecutor) d).executeScript(
                        "var c = document.querySelector('[data-endpoint=\"demo\"]').getBoundingClientRect();"
                                + "var p = document.querySelector('[data-endpoint=\"demo\"] .uplot');"
                                + "return c.width > 200 && c.right <= document.documentElement.clientWidth + 1"
                                + " && p.getBoundingClientRect().right <= c.right + 1;")));
            } finally {
                browser.quit();
            }
            assertThat(gw.stop()).isZero();
            // The history was written at the stop, owner-only, to keep the day across the restart.
            Path history = gw.home.resolve("data/demo/web/history");
            assertThat(Files.readString(history)).startsWith("uplink-history 2").contains("E demo ")
                    .contains("T demo ");
            assertThat(Files.getPosixFilePermissions(history)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        }
    }

    private static String text(WebDriver d, String css) {
        List<WebElement> found = d.findElements(By.cssSelector(css));
        return found.isEmpty() ? "" : found.get(0).getText().trim();
    }

    static WebDriver chromium() {
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(Path.of("/usr/bin/chromedriver").toFile()).usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }
}
