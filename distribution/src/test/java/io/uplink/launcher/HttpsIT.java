package io.uplink.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Remote access to the console: plain HTTP on an address other machines reach is refused with the reason and the
 * way out; {@code --https} serves it with a generated certificate whose printed fingerprint is the one a client sees,
 * kept across restarts, with HSTS.
 */
class HttpsIT {

    private static final Pattern FINGERPRINT = Pattern.compile("SHA-256 ((?:[0-9A-F]{2}:){31}[0-9A-F]{2})");

    @TempDir
    Path temp;

    @Test
    void plainHttpOnAllAddressesIsRefusedAndHttpsWithTheGeneratedCertificateWorks() throws Exception {
        try (GatewayProcess gw = GatewayProcess.copyOfDistribution(temp)) {
            GatewayProcess.Result refused = gw.command(null, "run", "--no-shell", "--http-host", "0.0.0.0",
                    "--http-port", String.valueOf(gw.port));
            assertThat(refused.exitCode()).as(refused.output()).isEqualTo(2);
            assertThat(refused.output()).contains("refusing to serve the Web Console over plain HTTP on 0.0.0.0")
                    .contains("--https").contains("--allow-plain-http");

            GatewayProcess.Result helpBefore = gw.command(null, "run", "--help");
            assertThat(helpBefore.output()).contains("--https").contains("No HTTPS certificate generated yet");

            gw.launch("run", "--no-shell", "--https", "--http-host", "0.0.0.0", "--http-port",
                    String.valueOf(gw.port));
            String banner = gw.awaitOutput(s -> s.contains("bundles active."), "the start-up banner");
            assertThat(banner).contains("https://0.0.0.0:" + gw.port + "/system/console")
                    .contains("A new certificate was generated");
            Matcher m = FINGERPRINT.matcher(banner);
            assertThat(m.find()).as(banner).isTrue();
            String printed = m.group(1);

            X509Certificate cert = generatedCertificate(gw.home);
            assertThat(ConsoleTls.fingerprint(cert)).isEqualTo(printed);
            assertThat(Files.getPosixFilePermissions(gw.home.resolve("data/https/console-generated.p12")))
                    .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));

            // A client that trusts exactly the printed certificate, as an operator who checked the fingerprint does.
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("gateway", cert);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, tmf.getTrustManagers(), null);
            HttpClient https = HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(10)).build();
            String password = Files.readString(gw.home.resolve("data/secrets/initial-admin-password")).trim();
            String auth = "Basic " + Base64.getEncoder().encodeToString(("admin:" + password)
                    .getBytes(StandardCharsets.UTF_8));
            for (String host : new String[] { "127.0.0.1", "localhost" }) {
                HttpResponse<String> status = awaitAnswer(https, HttpRequest.newBuilder(URI.create("https://" + host
                        + ":" + gw.port + "/system/console/uplink/status.json")).header("Authorization", auth)
                        .GET().build());
                assertThat(status.statusCode()).as(host + ": " + status.body()).isEqualTo(200);
                assertThat(status.body()).contains("\"modems\"");
                assertThat(status.headers().firstValue("Strict-Transport-Security")).hasValue("max-age=31536000");
            }
            assertThat(gw.stop()).isZero();

            GatewayProcess.Result help = gw.command(null, "run", "--help");
            assertThat(help.output()).contains("SHA-256 " + printed);

            // A restart keeps the certificate: the fingerprint the operator checked stays valid.
            gw.launch("run", "--no-shell", "--https", "--http-port", String.valueOf(gw.port));
            String again = gw.awaitOutput(s -> s.contains("bundles active."), "the second start-up banner");
            assertThat(again).contains("SHA-256 " + printed).doesNotContain("A new certificate was generated");
            assertThat(gw.stop()).isZero();
        }
    }

    private static void selfSigned(Path cert, Path key, String extendedKeyUsage) throws Exception {
        Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=localhost", "-addext",
                "subjectAltName=DNS:localhost,IP:127.0.0.1", "-addext", "basicConstraints=critical,CA:FALSE",
                "-addext", "extendedKeyUsage=" + extendedKeyUsage, "-days", "400", "-keyout", key.toString(), "-out",
                cert.toString()).redirectErrorStream(true).start();
        assertThat(openssl.waitFor()).as(new String(openssl.getInputStream().readAllBytes())).isZero();
    }

    @Test
    void httpsWithACertificateFromTheCredentialStore() throws Exception {
        try (GatewayProcess gw = GatewayProcess.copyOfDistribution(temp)) {
            GatewayProcess.Result missing = gw.command(null, "run", "--no-shell", "--https-alias", "console",
                    "--http-port", String.valueOf(gw.port));
            assertThat(missing.exitCode()).as(missing.output()).isEqualTo(1);
            assertThat(missing.output()).contains("no certificate with a private key under alias 'console'")
                    .contains("creds import --for console --alias console");

            // A device identity (clientAuth only) is refused for the console: browsers would refuse it.
            Path deviceCert = temp.resolve("device.pem");
            Path deviceKey = temp.resolve("device.key");
            selfSigned(deviceCert, deviceKey, "clientAuth");
            assertThat(gw.command(null, "creds", "import", "--alias", "device", "--cert", deviceCert.toString(),
                    "--key", deviceKey.toString()).exitCode()).isZero();
            GatewayProcess.Result client = gw.command(null, "run", "--no-shell", "--https-alias", "device",
                    "--http-port", String.valueOf(gw.port));
            assertThat(client.exitCode()).as(client.output()).isEqualTo(1);
            assertThat(client.output()).contains("cannot serve the console over HTTPS").contains("serverAuth")
                    .contains("--for console");

            // A server certificate (serverAuth only, as CAs issue them): refused as a device identity, with the way
            // to import it for the console, which then takes it.
            Path cert = temp.resolve("console.pem");
            Path key = temp.resolve("console.key");
            selfSigned(cert, key, "serverAuth");
            GatewayProcess.Result asDevice = gw.command(null, "creds", "import", "--alias", "console", "--cert",
                    cert.toString(), "--key", key.toString());
            assertThat(asDevice.exitCode()).as(asDevice.output()).isEqualTo(1);
            assertThat(asDevice.output()).contains("does not allow TLS client authentication")
                    .contains("--for console");
            GatewayProcess.Result imported = gw.command(null, "creds", "import", "--for", "console", "--alias",
                    "console", "--cert", cert.toString(), "--key", key.toString());
            assertThat(imported.exitCode()).as(imported.output()).isZero();

            gw.launch("run", "--no-shell", "--https-alias", "console", "--http-port", String.valueOf(gw.port));
            String banner = gw.awaitOutput(s -> s.contains("bundles active."), "the start-up banner");
            X509Certificate expected;
            try (InputStream in = Files.newInputStream(cert)) {
                expected = (X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
                        .generateCertificate(in);
            }
            assertThat(banner).contains("credential store alias 'console'")
                    .contains("SHA-256 " + ConsoleTls.fingerprint(expected));
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("console", expected);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, tmf.getTrustManagers(), null);
            HttpClient https = HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(10)).build();
            HttpResponse<String> page = awaitAnswer(https, HttpRequest.newBuilder(URI.create("https://localhost:"
                    + gw.port + "/system/console/uplink")).GET().build());
            assertThat(page.statusCode()).as("the console's login, over the store's certificate").isEqualTo(401);
            assertThat(gw.stop()).isZero();
        }
    }

    private static X509Certificate generatedCertificate(Path home) throws Exception {
        Path file = home.resolve("data/https/console-generated.p12");
        char[] password = Files.readString(home.resolve("data/https/console-generated.p12.pass")).trim()
                .toCharArray();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            ks.load(in, password);
        }
        return (X509Certificate) ks.getCertificate(ks.aliases().nextElement());
    }

    /** The banner comes as the web server starts; give it the moment to accept connections. */
    private static HttpResponse<String> awaitAnswer(HttpClient client, HttpRequest request) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(GatewayProcess.WAIT_SECONDS).toNanos();
        while (true) {
            try {
                HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 404 && r.statusCode() != 503 || System.nanoTime() > deadline) {
                    return r;
                }
            } catch (java.net.ConnectException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
            }
            Thread.sleep(200);
        }
    }
}
