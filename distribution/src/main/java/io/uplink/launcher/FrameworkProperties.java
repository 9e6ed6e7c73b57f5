package io.uplink.launcher;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/** Framework launch properties: conf/framework.properties, then command-line overrides, then what the launcher owns. */
final class FrameworkProperties {

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
}
