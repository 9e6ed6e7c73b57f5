package io.uplink.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Uplink page in the Web Console of a running demo gateway, over HTTP as the page's script uses it: behind the
 * console's login, status with the modem and the connection, the doctor naming a cause, a mismatched key refused.
 */
class WebPagesIT {

    @TempDir
    Path temp;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @Test
    void statusDoctorAndCredentialsBehindTheConsoleLogin() throws Exception {
        try (GatewayProcess gw = GatewayProcess.copyOfDistribution(temp)) {
            int mqtt = GatewayProcess.freePort();
            gw.launch("demo", "--no-shell", "--http-port", String.valueOf(gw.port), "--mqtt-port",
                    String.valueOf(mqtt), "--interval", "2");
            gw.awaitOutput(s -> s.contains("[broker] message 1 "), "a message at the broker");
            String password = Files.readString(gw.home.resolve("data/secrets/initial-admin-password")).trim();
            String auth = "Basic " + Base64.getEncoder().encodeToString(("admin:" + password)
                    .getBytes(StandardCharsets.UTF_8));
            String base = "http://127.0.0.1:" + gw.port + "/system/console/uplink";

            assertThat(send(HttpRequest.newBuilder(URI.create(base + "/status.json")).GET(), null).statusCode())
                    .as("without the console's login").isEqualTo(401);

            HttpResponse<String> page = send(HttpRequest.newBuilder(URI.create(base)).GET(), auth);
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("Run the doctor").contains("cred-check");

            HttpResponse<String> status = send(HttpRequest.newBuilder(URI.create(base + "/status.json")).GET(), auth);
            assertThat(status.statusCode()).isEqualTo(200);
            assertThat(status.body()).contains("\"pid\":\"io.uplink.modem~demo\"").contains("\"registration\":\"HOME\"")
                    .contains("\"endpoint\":\"demo\"").contains("\"state\":\"CONNECTED\"").contains("TLSv1.");

            HttpResponse<String> forged = send(post(base + "/doctor.json", Map.of("endpoint", "mqtt://127.0.0.1:1"))
                    , auth);
            assertThat(forged.statusCode()).as("a POST without X-Uplink").isEqualTo(403);

            int closed = GatewayProcess.freePort();
            HttpResponse<String> diagnosis = send(post(base + "/doctor.json", Map.of("endpoint", "mqtt://127.0.0.1:"
                    + closed)).header("X-Uplink", "1"), auth);
            assertThat(diagnosis.statusCode()).isEqualTo(200);
            assertThat(diagnosis.body()).contains("\"cause\":\"net.tcp-refused\"").contains("\"fix\":\"");

            // A TLS failure against the demo broker (its CA is not trusted by default): the capture can be downloaded.
            HttpResponse<String> tls = send(post(base + "/doctor.json", Map.of("endpoint", "mqtts://localhost:"
                    + mqtt)).header("X-Uplink", "1"), auth);
            assertThat(tls.body()).contains("\"cause\":\"tls.unknown-ca\"");
            HttpRequest.Builder pcapRequest = HttpRequest.newBuilder(URI.create(base + "/doctor.pcap")).GET()
                    .header("Authorization", auth);
            HttpResponse<byte[]> pcap = http.send(pcapRequest.build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(pcap.statusCode()).isEqualTo(200);
            assertThat(pcap.headers().firstValue("Content-Type")).hasValue("application/vnd.tcpdump.pcap");
            assertThat(pcap.body().length).isGreaterThan(24);

            String cert = Files.readString(gw.home.resolve("data/demo/pki/device.pem"));
            String wrongKey = Files.readString(gw.home.resolve("data/demo/pki/broker.key"));
            HttpResponse<String> refused = send(post(base + "/credentials/import.json", Map.of("alias", "web-test",
                    "content", cert + wrongKey)).header("X-Uplink", "1"), auth);
            assertThat(refused.statusCode()).isEqualTo(422);
            assertThat(refused.body()).contains("\"stored\":false").contains("key-mismatch");

            // Any size of paste gets one explained 413, never the container's 500 with a stack trace.
            for (int size : new int[] { 140_000, 199_000, 250_000, 3_000_000 }) {
                HttpResponse<String> big = send(post(base + "/credentials/check.json", Map.of("content",
                        "A".repeat(size))).header("X-Uplink", "1"), auth);
                assertThat(big.statusCode()).as("%d bytes: %s", size, big.body()).isEqualTo(413);
                assertThat(big.body()).contains("accepts 128 KiB").doesNotContain("Exception").doesNotContain("at org.");
            }

            // Issue 16, low 18: a damaged credential store is not "credentials": true.
            assertThat(status.body()).contains("\"credentials\":true").contains("\"credentials_problem\":\"\"");
            Path store = gw.home.resolve("data/demo/credentials/credentials.bcfks"); // the demo's store
            byte[] bytes = Files.readAllBytes(store);
            for (int i = bytes.length / 2; i < bytes.length / 2 + 64; i++) {
                bytes[i] ^= 0x5A;
            }
            Files.write(store, bytes);
            HttpResponse<String> damaged = send(HttpRequest.newBuilder(URI.create(base + "/status.json")).GET(), auth);
            assertThat(damaged.body()).contains("\"credentials\":false").contains("\"credentials_problem\":\"")
                    .contains("credentials.bcfks");
            assertThat(send(HttpRequest.newBuilder(URI.create(base)).GET(), auth).body())
                    .contains("id=\"credentials-problem\"");
            assertThat(gw.stop()).isZero();
        }
    }

    private static HttpRequest.Builder post(String url, Map<String, String> form) {
        String body = form.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
        return HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/x-www-form-urlencoded")
                .timeout(Duration.ofSeconds(70)).POST(HttpRequest.BodyPublishers.ofString(body));
    }

    private HttpResponse<String> send(HttpRequest.Builder b, String auth) throws Exception {
        if (auth != null) {
            b.header("Authorization", auth);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

}
