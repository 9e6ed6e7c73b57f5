package io.uplink.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
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
}
