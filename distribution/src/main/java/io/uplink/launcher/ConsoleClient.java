package io.uplink.launcher;

import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.function.LongConsumer;

import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * The command line's channel to a running gateway: the Uplink page of the Web Console, with the console's login
 * (HTTP Basic, user {@code admin}) and the {@code X-Uplink: 1} header its POSTs need. Over HTTPS the gateway's
 * certificate is pinned by its SHA-256 fingerprint (the one the gateway's banner prints) or checked against the
 * Java runtime's CAs.
 *
 * <p>Where the gateway is: {@code --gateway URL}, else {@code data/console.url} (or the demo's
 * {@code data/demo/console.url}, whichever is newer), which {@code uplink run} writes at every start (its address and
 * certificate fingerprint), else {@code conf/framework.properties}.
 */
final class ConsoleClient {

    static final String CONSOLE_FILE = "console.url";
    static final String PASSWORD_ENV = "UPLINK_CONSOLE_PASSWORD";
    private static final int MAX_ANSWER = 4 * 1024 * 1024;

    /** A failure with the exit code it maps to and a message that says what to do. */
    static final class Failure extends Exception {
        private static final long serialVersionUID = 1L;
        private final int exit;

        Failure(int exit, String message) {
            super(message);
            this.exit = exit;
        }

        int exit() {
            return exit;
        }
    }

    record Answer(int status, Object json, String text) {
        @SuppressWarnings("unchecked")
        Map<String, Object> object() {
            return json instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
        }

        String error() {
            Object e = object().get("error");
            return e != null ? e.toString() : text.strip();
        }
    }

    private final URI base;
    private final String authorization;
    private final String fingerprint;

    ConsoleClient(URI base, String user, String password, String fingerprint) {
        String b = base.toString();
        this.base = URI.create(b.endsWith("/") ? b : b + "/");
        this.authorization = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
                .getBytes(StandardCharsets.UTF_8));
        this.fingerprint = fingerprint == null ? "" : fingerprint.replace(":", "").toLowerCase(Locale.ROOT);
    }

    URI base() {
        return base;
    }

    /**
     * Finds the gateway and the password the way the usage text says.
     *
     * @param gateway {@code --gateway} or {@code null}
     * @param pin {@code --fingerprint} or {@code null}
     * @param passwordFile {@code --password-file} or {@code null}
     */
    static ConsoleClient locate(Path home, String gateway, String pin, Path passwordFile) throws Failure {
        String url = gateway;
        String fp = pin;
        Path recorded = recorded(home);
        if (url == null && recorded != null) {
            try {
                List<String> lines = Files.readAllLines(recorded, StandardCharsets.UTF_8);
                url = lines.isEmpty() ? null : lines.get(0).trim();
                if (fp == null && lines.size() > 1 && !lines.get(1).isBlank()) {
                    fp = lines.get(1).trim();
                }
            } catch (IOException e) {
                throw new Failure(Main.EXIT_USAGE, "cannot read " + recorded + ": " + e.getMessage());
            }
        }
        if (url == null) {
            try {
                Map<String, String> p = FrameworkProperties.load(home, RunOptions.parse(List.of()));
                String host = p.get(FrameworkProperties.HOST);
                if (host.equals("0.0.0.0") || host.equals("::")) {
                    host = "127.0.0.1";
                }
                url = (FrameworkProperties.https(p) ? "https://" : "http://") + (host.contains(":") ? "[" + host
                        + "]" : host) + ":" + FrameworkProperties.webPort(p) + "/system/console";
            } catch (IOException e) {
                throw new Failure(Main.EXIT_USAGE, "cannot tell where the gateway's console is: " + e.getMessage()
                        + ". Give it with --gateway URL");
            }
        }
        URI u;
        try {
            u = URI.create(url.endsWith("/uplink") ? url : url.replaceAll("/+$", "") + "/uplink");
            if (u.getHost() == null || !List.of("http", "https").contains(String.valueOf(u.getScheme()))) {
                throw new IllegalArgumentException("not an http(s) URL with a host");
            }
        } catch (IllegalArgumentException e) {
            throw new Failure(Main.EXIT_USAGE, "'" + url + "' is not the console's address (" + e.getMessage()
                    + "); give it as --gateway http(s)://HOST:PORT/system/console");
        }
        return new ConsoleClient(u, ConsolePassword.USER, password(home, passwordFile), fp);
    }

    /** The console file of the gateway or the demo started last, {@code null} when neither ran. */
    static Path recorded(Path home) {
        Path newest = null;
        long newestTime = Long.MIN_VALUE;
        for (Path p : List.of(home.resolve("data").resolve(CONSOLE_FILE), home.resolve("data/demo")
                .resolve(CONSOLE_FILE))) {
            try {
                long t = Files.getLastModifiedTime(p).toMillis();
                if (t > newestTime) {
                    newest = p;
                    newestTime = t;
                }
            } catch (IOException e) {
                // not there: that gateway never ran here
            }
        }
        return newest;
    }

    private static String password(Path home, Path passwordFile) throws Failure {
        try {
            if (passwordFile != null) {
                if (!Files.isRegularFile(passwordFile)) {
                    throw new Failure(Main.EXIT_USAGE, "no such file: " + passwordFile + " (--password-file)");
                }
                return firstLine(passwordFile);
            }
            String env = System.getenv(PASSWORD_ENV);
            if (env != null && !env.isEmpty()) {
                return env;
            }
            Path initial = home.resolve("data/secrets/initial-admin-password");
            if (Files.isReadable(initial)) {
                return firstLine(initial);
            }
        } catch (IOException e) {
            throw new Failure(Main.EXIT_USAGE, "cannot read the password: " + e.getMessage());
        }
        Console console = System.console();
        if (console != null) {
            char[] typed = console.readPassword("Web Console password for '%s': ", ConsolePassword.USER);
            if (typed != null && typed.length > 0) {
                return new String(typed);
            }
        }
        throw new Failure(Main.EXIT_USAGE, "the Web Console password is needed: give it with --password-file FILE or "
                + "the environment variable " + PASSWORD_ENV + ", or run the command on a terminal to type it");
    }

    private static String firstLine(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        int nl = text.indexOf('\n');
        return (nl < 0 ? text : text.substring(0, nl)).strip();
    }

    Answer get(String path) throws Failure {
        return exchange("GET", path, null, null, -1, null);
    }

    Answer postForm(String path, Map<String, String> form) throws Failure {
        StringJoiner j = new StringJoiner("&");
        form.forEach((k, v) -> j.add(URLEncoder.encode(k, StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(v, StandardCharsets.UTF_8)));
        byte[] body = j.toString().getBytes(StandardCharsets.UTF_8);
        return exchange("POST", path, "application/x-www-form-urlencoded", new java.io.ByteArrayInputStream(body),
                body.length, null);
    }

    /** Sends the file as the body; {@code sent} hears the bytes written so far. */
    Answer upload(String path, Path file, LongConsumer sent) throws Failure {
        try (InputStream in = Files.newInputStream(file)) {
            return exchange("POST", path, "application/octet-stream", in, Files.size(file), sent);
        } catch (IOException e) {
            throw new Failure(Main.EXIT_USAGE, "cannot read " + file + ": " + e.getMessage());
        }
    }

    private Answer exchange(String method, String path, String type, InputStream body, long length,
            LongConsumer sent) throws Failure {
        URI target = base.resolve(path);
        HttpURLConnection c = null;
        try {
            c = (HttpURLConnection) target.toURL().openConnection();
            if (c instanceof HttpsURLConnection https && !fingerprint.isEmpty()) {
                https.setSSLSocketFactory(pinned().getSocketFactory());
                https.setHostnameVerifier((host, session) -> true); // the pinned certificate is the check
            }
            c.setConnectTimeout(10_000);
            c.setReadTimeout(60_000);
            c.setInstanceFollowRedirects(false);
            c.setRequestMethod(method);
            c.setRequestProperty("Authorization", authorization);
            c.setRequestProperty("Accept", "application/json");
            if (body != null) {
                c.setRequestProperty("X-Uplink", "1");
                c.setRequestProperty("Content-Type", type);
                c.setDoOutput(true);
                c.setFixedLengthStreamingMode(length);
                try (OutputStream out = c.getOutputStream()) {
                    byte[] buf = new byte[64 * 1024];
                    long done = 0;
                    int n;
                    while ((n = body.read(buf)) > 0) {
                        out.write(buf, 0, n);
                        done += n;
                        if (sent != null) {
                            sent.accept(done);
                        }
                    }
                }
            }
            int status = c.getResponseCode();
            InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
            byte[] bytes = in == null ? new byte[0] : in.readNBytes(MAX_ANSWER);
            String text = new String(bytes, StandardCharsets.UTF_8);
            if (status == 401) {
                throw new Failure(Main.EXIT_GATEWAY, "the gateway at " + base + " refused the login of user '"
                        + ConsolePassword.USER + "': give the current Web Console password (--password-file or "
                        + PASSWORD_ENV + "); 'bin/uplink passwd' sets a new one");
            }
            if (status == 404 && text.contains("<")) {
                throw new Failure(Main.EXIT_GATEWAY, "the gateway at " + base + " has no Uplink page (HTTP 404): "
                        + "is io.uplink.web running, and is this the console's address (--gateway)?");
            }
            Object json = null;
            String contentType = String.valueOf(c.getContentType());
            if (contentType.startsWith("application/json")) {
                try {
                    json = JsonReader.parse(text);
                } catch (IllegalArgumentException e) {
                    throw new Failure(Main.EXIT_GATEWAY, "the gateway's answer to " + target + " is not readable: "
                            + e.getMessage());
                }
            }
            return new Answer(status, json, text);
        } catch (ConnectException e) {
            throw new Failure(Main.EXIT_GATEWAY, "no gateway answers at " + base + " (" + e.getMessage() + "): is it "
                    + "running ('bin/uplink run')? Give its console address with --gateway URL if it is elsewhere");
        } catch (UnknownHostException e) {
            throw new Failure(Main.EXIT_GATEWAY, "the gateway's host " + e.getMessage() + " is unknown (--gateway)");
        } catch (SSLHandshakeException e) {
            throw new Failure(Main.EXIT_GATEWAY, "the gateway at " + base + " did not present the certificate "
                    + "expected (" + e.getMessage() + "): compare the SHA-256 fingerprint 'bin/uplink run' prints "
                    + "with the one given to --fingerprint");
        } catch (IOException e) {
            throw new Failure(Main.EXIT_GATEWAY, "talking to the gateway at " + base + " failed: " + e);
        } finally {
            if (c != null) {
                c.disconnect();
            }
        }
    }

    private SSLContext pinned() throws IOException {
        X509TrustManager pin = new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String auth) {
                throw new UnsupportedOperationException("client side only");
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String auth)
                    throws java.security.cert.CertificateException {
                try {
                    String got = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                            .digest(chain[0].getEncoded()));
                    if (!MessageDigest.isEqual(got.getBytes(StandardCharsets.US_ASCII),
                            fingerprint.getBytes(StandardCharsets.US_ASCII))) {
                        throw new java.security.cert.CertificateException("its SHA-256 fingerprint is " + got
                                + ", not " + fingerprint);
                    }
                } catch (GeneralSecurityException e) {
                    throw new java.security.cert.CertificateException(e);
                }
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] { pin }, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot set up TLS: " + e.getMessage(), e);
        }
    }
}
