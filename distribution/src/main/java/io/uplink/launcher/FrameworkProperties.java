package io.uplink.launcher;

import java.io.IOException;
import java.io.Reader;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/** Framework launch properties: conf/framework.properties, then command-line overrides, then what the launcher owns. */
final class FrameworkProperties {

    /** Set to "true" when the console is served over HTTPS (by --https or in conf/framework.properties). */
    static final String HTTPS = "uplink.https";
    /** The credential store alias of the console's HTTPS certificate; empty for a generated one. */
    static final String HTTPS_ALIAS = "uplink.https.alias";
    /** "true" allows plain HTTP on an address other hosts can reach (as --allow-plain-http does). */
    static final String ALLOW_PLAIN_HTTP = "uplink.http.allow.plain";
    static final String HOST = "org.apache.felix.http.host";
    /** When the web server starts: {@value #ON_FIRST_CONNECTION} (default) or {@value #AT_START}. */
    static final String HTTP_START = "uplink.http.start";
    static final String ON_FIRST_CONNECTION = "first-connection";
    static final String AT_START = "at-start";
    private static final String SECURE_PORT = "org.osgi.service.http.port.secure";

    /** The options ask for something the launcher refuses on purpose (as opposed to failing to start). */
    static final class Refused extends IOException {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }
    }

    private FrameworkProperties() {
    }

    static Map<String, String> load(Path home, RunOptions options) throws IOException {
        return load(home, options, home.resolve("data"), home.resolve("conf"));
    }

    /**
     * @param data where the framework keeps its state (bundle cache, configurations, queues, credentials)
     * @param conf the folder FileInstall applies configuration files from
     */
    static Map<String, String> load(Path home, RunOptions options, Path data, Path conf) throws IOException {
        Path file = home.resolve("conf/framework.properties");
        Properties p = new Properties();
        if (Files.isRegularFile(file)) {
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(r);
            } catch (IllegalArgumentException e) {
                throw new IOException(file + " is malformed (" + e.getMessage() + "); fix the line or restore the "
                        + "file from the distribution archive");
            }
        }
        Map<String, String> result = new LinkedHashMap<>();
        for (String key : p.stringPropertyNames()) {
            result.put(key, p.getProperty(key).replace("${uplink.home}", home.toString()));
        }
        result.putIfAbsent("org.apache.felix.http.host", "127.0.0.1");
        result.putIfAbsent("org.osgi.service.http.port", "8080");
        if (options.httpHost() != null) {
            result.put("org.apache.felix.http.host", options.httpHost());
        }
        if (options.httpPort() != null) {
            result.put("org.osgi.service.http.port", String.valueOf(options.httpPort()));
        }
        String port = result.get("org.osgi.service.http.port");
        try {
            RunOptions.port(port);
        } catch (IllegalArgumentException e) {
            throw new IOException("org.osgi.service.http.port in " + file + " is invalid: " + e.getMessage());
        }
        web(result, options, file);
        String start = result.getOrDefault(HTTP_START, ON_FIRST_CONNECTION).trim();
        if (!start.equals(ON_FIRST_CONNECTION) && !start.equals(AT_START)) {
            throw new IOException(HTTP_START + " in " + file + " is '" + start + "': use " + ON_FIRST_CONNECTION
                    + " (the web server starts when someone first connects to its port; the default) or " + AT_START);
        }
        result.put(HTTP_START, start);
        // Owned by the launcher: where state lives. The Web Console user and password hash are added by RunCommand.
        result.put("org.osgi.framework.storage", data.resolve("felix-cache").toString());
        result.put("felix.cm.dir", data.resolve("config").toString());
        result.put("felix.fileinstall.dir", conf.toString());
        // Bundles keep their durable state (the credential store, message queues) under uplink.data.
        result.put("uplink.home", home.toString());
        result.put("uplink.data", data.toString());
        if (!options.shell() || System.console() == null) {
            result.put("gosh.args", "--nointeractive");
        }
        return result;
    }

    /** The port the console listens on, HTTPS or HTTP. */
    static int webPort(Map<String, String> properties) {
        return Integer.parseInt(properties.get(https(properties) ? SECURE_PORT : "org.osgi.service.http.port"));
    }

    /** Whether a web server is configured at all (HTTPS, or plain HTTP not switched off). */
    static boolean webServer(Map<String, String> properties) {
        return https(properties) || !"false".equals(properties.getOrDefault("org.apache.felix.http.enable", "true")
                .trim());
    }

    /** Whether the launcher holds the console's port and starts the web server on the first connection. */
    static boolean webOnFirstConnection(Map<String, String> properties) {
        return webServer(properties) && ON_FIRST_CONNECTION.equals(properties.get(HTTP_START));
    }

    /**
     * Points Felix HTTP's own connector at a free loopback port (Felix picks one for 0): the launcher holds the real
     * one, and io.uplink.web's connector factory ({@code HeldPortConnector}, which recognises this placeholder by its
     * host) takes that connector's settings, TLS included, over to it and closes this one (see
     * {@link ConsoleListener}).
     */
    static void placeholderConnector(Map<String, String> properties) {
        properties.put(HOST, "127.0.0.1");
        properties.put(https(properties) ? SECURE_PORT : "org.osgi.service.http.port", "0");
    }

    static boolean https(Map<String, String> properties) {
        return "true".equals(properties.get(HTTPS));
    }

    /**
     * HTTPS or plain HTTP, and on which port. Plain HTTP on an address other machines can reach is refused unless
     * allowed: the console's Basic login and every page would cross the network readable by anyone on it.
     */
    private static void web(Map<String, String> result, RunOptions options, Path file) throws IOException {
        String alias = options.httpsAlias() != null ? options.httpsAlias() : result.getOrDefault(HTTPS_ALIAS, "").trim();
        boolean https = options.https() || !alias.isEmpty() || Boolean.parseBoolean(result.getOrDefault(HTTPS, "false")
                .trim());
        boolean allowPlain = options.allowPlainHttp() || Boolean.parseBoolean(result.getOrDefault(ALLOW_PLAIN_HTTP,
                "false").trim());
        String host = result.get(HOST);
        if (https) {
            String port = options.httpPort() != null ? String.valueOf(options.httpPort())
                    : result.getOrDefault(SECURE_PORT, "8443").trim();
            try {
                RunOptions.port(port);
            } catch (IllegalArgumentException e) {
                throw new IOException(SECURE_PORT + " in " + file + " is invalid: " + e.getMessage());
            }
            result.put(HTTPS, "true");
            result.put(HTTPS_ALIAS, alias);
            result.put(SECURE_PORT, port);
            result.put("org.apache.felix.https.enable", "true");
            result.put("org.apache.felix.http.enable", "false"); // HTTPS only: no plain port beside it
            result.put("org.apache.felix.https.jetty.session.cookie.secure", "true");
            return;
        }
        result.put(HTTPS, "false");
        result.put("org.apache.felix.https.enable", "false");
        if (!allowPlain && reachableFromOtherHosts(host)) {
            throw new Refused("refusing to serve the Web Console over plain HTTP on " + host + ", an address other "
                    + "machines can reach: the console's login (Basic authentication, the password in every request) "
                    + "and every page would cross the network readable by anyone on it. Serve it over HTTPS with "
                    + "'uplink run --https' (a generated certificate whose fingerprint is printed) or '--https-alias "
                    + "ALIAS' (a certificate from the credential store); or keep it on this machine with --http-host "
                    + "127.0.0.1 and reach it through an SSH tunnel; or, on a network you trust completely, add "
                    + "--allow-plain-http (" + ALLOW_PLAIN_HTTP + "=true in conf/framework.properties)");
        }
    }

    /** Anything but a loopback address; a name that does not resolve is left to the bind check to explain. */
    static boolean reachableFromOtherHosts(String host) {
        try {
            return !InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
