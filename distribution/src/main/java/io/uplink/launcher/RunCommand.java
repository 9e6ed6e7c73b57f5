package io.uplink.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;

/** {@code uplink run}: starts the gateway in the foreground until interrupted or the framework stops. */
final class RunCommand {

    static final String USAGE = String.join("\n",
            "Usage: uplink run [options]",
            "",
            "Start the gateway in the foreground: Apache Felix, the Web Console and the Uplink bundles.",
            "Stop it with Ctrl+C (or SIGTERM); it shuts down cleanly.",
            "",
            "Options:",
            "  --http-host HOST   Address the web server listens on (default 127.0.0.1; 0.0.0.0 for all)",
            "  --http-port PORT   Web server port (default 8080; 8443 with --https)",
            "  --https            Serve the console over HTTPS only, with a self-signed certificate generated once",
            "                     (kept in data/https/, owner-only) whose SHA-256 fingerprint is printed at start",
            "                     and below: compare it with what the browser shows on the first connection",
            "  --https-alias A    HTTPS with the certificate and key stored under alias A",
            "                     ('uplink creds import --for console --alias A --cert F --key F')",
            "  --allow-plain-http Allow plain HTTP on an address other machines can reach (refused otherwise: the",
            "                     login would cross the network in clear text)",
            "  --no-shell         Do not start the interactive Gogo shell",
            "  -h, --help         Show this help",
            "",
            "Files (under the installation folder):",
            "  conf/framework.properties   framework and web server settings (uplink.https=true,",
            "                              uplink.https.alias=A, uplink.http.allow.plain=true as the options)",
            "  conf/*.cfg, conf/*.config   component configurations, applied at start and when changed",
            "  conf/logback.xml            logging; logs go to logs/uplink.log and the console",
            "  data/                       runtime state: bundle cache, configurations, secrets",
            "",
            "Exit codes: 0 stopped cleanly, 1 failed to start, 2 bad arguments.");

    private static final long STOP_TIMEOUT_SECONDS = 30;

    private final Path home;
    private final PrintStream out;
    private final PrintStream err;
    private final Path data;
    private final Path conf;
    private final List<String> banner;
    private final Runnable afterStop;

    RunCommand(Path home, PrintStream out, PrintStream err) {
        this(home, out, err, home.resolve("data"), home.resolve("conf"), List.of(), () -> { });
    }

    /**
     * A gateway with its state under {@code data} and configuration files from {@code conf} (the demo keeps both
     * apart from the installation's own); {@code banner} lines are printed after the start, {@code afterStop} runs
     * once the framework has stopped.
     */
    RunCommand(Path home, PrintStream out, PrintStream err, Path data, Path conf, List<String> banner,
            Runnable afterStop) {
        this.home = home;
        this.out = out;
        this.err = err;
        this.data = data;
        this.conf = conf;
        this.banner = banner;
        this.afterStop = afterStop;
    }

    int execute(List<String> args) {
        RunOptions options;
        try {
            options = RunOptions.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("uplink run: " + e.getMessage());
            err.println("Run 'uplink run --help' for the options.");
            return Main.EXIT_USAGE;
        }
        if (options.help()) {
            out.println(USAGE);
            Path generated = data.resolve("https").resolve(ConsoleTls.GENERATED);
            out.println();
            out.println(IsolatedConsoleTls.generatedFingerprint(home, data)
                    .map(f -> "Generated HTTPS certificate (" + generated + "):\n  SHA-256 " + f)
                    .orElse("No HTTPS certificate generated yet: the first 'uplink run --https' generates one and "
                            + "prints its SHA-256 fingerprint."));
            return Main.EXIT_OK;
        }
        return start(options, System.nanoTime());
    }

    /** Runs the gateway until it stops; the caller has parsed the options. */
    int start(RunOptions options, long started) {
        try {
            return runFramework(options, started);
        } catch (FrameworkProperties.Refused e) {
            err.println("uplink run: " + e.getMessage() + ".");
            return Main.EXIT_USAGE;
        } catch (IOException | BundleException | RuntimeException e) {
            err.println("uplink run: the gateway could not start: " + e.getMessage());
            return Main.EXIT_FAILURE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Main.EXIT_FAILURE;
        }
    }

    private int runFramework(RunOptions options, long started)
            throws IOException, BundleException, InterruptedException {
        if (!Files.isDirectory(home.resolve("bundle"))) {
            throw new IOException("no bundle/ folder under " + home
                    + ": run bin/uplink from an unpacked distribution (distribution/target/uplink), or set UPLINK_HOME");
        }
        Map<String, String> properties = FrameworkProperties.load(home, options, data, conf);
        String host = properties.get(FrameworkProperties.HOST);
        int port = FrameworkProperties.webPort(properties);
        boolean onFirstConnection = FrameworkProperties.webOnFirstConnection(properties);
        ConsoleListener listener = listen(host, port);
        if (!onFirstConnection) {
            listener.close(); // Jetty binds it itself; this only checked it is free
            listener = null;
        }
        try {
            return runFramework(options, started, properties, host, port, listener);
        } finally {
            if (listener != null) {
                listener.close();
            }
        }
    }

    private int runFramework(RunOptions options, long started, Map<String, String> properties, String host, int port,
            ConsoleListener listener) throws IOException, BundleException, InterruptedException {
        ConsoleTls.Keystore tls = FrameworkProperties.https(properties) ? keystore(properties, host) : null;
        ConsolePassword password = new ConsolePassword(home.resolve("data/secrets"));
        boolean firstStart = !password.exists();
        if (firstStart) {
            password.generate();
        }
        password.storedHash(); // refuse to start with a damaged password file, saying how to fix it
        // The console's login is io.uplink.web's, against the file 'uplink passwd' writes (one source of truth; the
        // console's own password setting no longer applies); without that provider the console is not served.
        properties.put("felix.webconsole.security.providers", "uplink");
        properties.put("uplink.console.user", ConsolePassword.USER);
        properties.put("uplink.console.password.file", password.hashFile().toString());
        Path cmDir = Path.of(properties.get("felix.cm.dir"));
        List<String> forgotten = DeletedConfFiles.forget(cmDir);
        PrivateFiles.restrict(data, cmDir);
        List<String> secretConf = PrivateFiles.restrictSecretConf(conf);
        System.setProperty("logback.configurationFile", home.resolve("conf/logback.xml").toString());
        System.setProperty("uplink.home", home.toString());

        if (listener != null) {
            FrameworkProperties.placeholderConnector(properties);
        }
        Framework framework = frameworkFactory().newFramework(properties);
        framework.init();
        BundleSet bundles = new BundleSet(framework.getBundleContext(), home.resolve("bundle"), options.shell());
        bundles.synchronize();
        if (listener != null) {
            Bundle jetty = bundles.defer(ConsoleListener.JETTY);
            if (jetty == null) {
                throw new IOException("bundle/ holds no " + ConsoleListener.JETTY + " (the web server): restore it from "
                        + "the distribution archive, or set " + FrameworkProperties.HTTP_START + "="
                        + FrameworkProperties.AT_START + " in conf/framework.properties");
            }
            listener.offer(framework.getBundleContext(), jetty, err);
        }
        framework.start();
        List<String> problems = bundles.startAll();

        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(framework), "uplink-shutdown"));
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        String url = (tls != null ? "https://" : "http://") + (host.contains(":") ? "[" + host + "]" : host) + ":"
                + port + "/system/console";
        // One write for the whole banner: whoever watches the output for "bundles active." (an operator's script,
        // the tests) sees the lines that belong to it, the certificate's fingerprint included, at the same moment.
        StringBuilder text = new StringBuilder();
        java.util.function.Consumer<String> line = l -> text.append(l).append(System.lineSeparator());
        line.accept("Uplink " + Main.version() + " started in " + millis + " ms: " + bundles.activeCount() + " of "
                + bundles.count() + " bundles active.");
        line.accept("Web Console: " + url + "  (user '" + ConsolePassword.USER + "'" + (listener != null
                ? "; the web server starts on the first connection" : "") + ")");
        if (tls != null) {
            line.accept("HTTPS certificate (" + tls.source() + "):");
            line.accept("    SHA-256 " + tls.fingerprint());
            if (tls.created()) {
                line.accept("A new certificate was generated: check that your browser shows this fingerprint on the "
                        + "first connection ('bin/uplink run --help' prints it too).");
            }
        }
        if (firstStart) {
            line.accept("First start: a Web Console password was generated. Read it with:");
            line.accept("    cat " + password.initialPasswordFile());
            line.accept("Change it with 'bin/uplink passwd', which also deletes that file.");
        }
        line.accept("Logs: " + home.resolve("logs/uplink.log") + "    Configuration: " + conf);
        secretConf.forEach(line);
        for (String f : forgotten) {
            line.accept("Configuration removed: " + f + " while the gateway was stopped.");
        }
        banner.forEach(line);
        out.print(text);
        out.flush();
        recordConsole(url, tls);
        for (String problem : problems) {
            err.println("WARNING: " + problem);
        }
        FrameworkEvent stopped = framework.waitForStop(0);
        return stopped.getType() == FrameworkEvent.ERROR ? Main.EXIT_FAILURE : Main.EXIT_OK;
    }

    /**
     * Felix, named directly rather than looked up with a {@link java.util.ServiceLoader}, which reads
     * META-INF/services of every jar on the class path (all of lib/ for 'uplink demo').
     */
    private static FrameworkFactory frameworkFactory() throws IOException {
        try {
            return new org.apache.felix.framework.FrameworkFactory();
        } catch (LinkageError e) {
            throw new IOException("no OSGi framework on the class path (lib/org.apache.felix.framework.jar is missing "
                    + "or damaged: unpack the distribution archive again)", e);
        }
    }

    /**
     * Where this gateway's console listens and which certificate it shows, for 'uplink ota install/list/rollback'
     * ({@link ConsoleClient}); the address uses the loopback address when the console listens on all of them.
     */
    private void recordConsole(String url, ConsoleTls.Keystore tls) {
        String local = url.replace("://0.0.0.0:", "://127.0.0.1:").replace("://[::]:", "://127.0.0.1:");
        Path file = data.resolve(ConsoleClient.CONSOLE_FILE);
        try {
            Files.createDirectories(data);
            Path tmp = Files.createTempFile(data, ConsoleClient.CONSOLE_FILE, ".tmp");
            Files.writeString(tmp, local + "\n" + (tls == null ? "" : tls.fingerprint()) + "\n");
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            err.println("WARNING: cannot write " + file + " (" + e.getMessage() + "); 'uplink ota install' needs "
                    + "--gateway " + local);
        }
    }

    /** Jetty's key store: exported from the credential store at every start, or the generated one. */
    private ConsoleTls.Keystore keystore(Map<String, String> properties, String host) throws IOException {
        String alias = properties.get(FrameworkProperties.HTTPS_ALIAS);
        ConsoleTls.Keystore ks = IsolatedConsoleTls.keystore(home, data, host, alias, out, err);
        properties.put("org.apache.felix.https.keystore", ks.file().toString());
        properties.put("org.apache.felix.https.keystore.type", "PKCS12");
        properties.put("org.apache.felix.https.keystore.password", ks.password());
        properties.put("org.apache.felix.https.keystore.key.password", ks.password());
        return ks;
    }

    /**
     * Binds the console's port, or says in plain words why it cannot be (Jetty would only log a bind failure and run
     * on without a web server): the launcher holds it until the first connection, or closes it again when the web
     * server starts at once.
     */
    private static ConsoleListener listen(String host, int port) throws IOException {
        InetSocketAddress address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) {
            throw new IOException("the web server cannot listen on " + host + ": the name does not resolve to an "
                    + "address of this machine. Give one of its addresses (127.0.0.1 for this machine only, 0.0.0.0 "
                    + "for all) with 'uplink run --http-host ADDRESS' or org.apache.felix.http.host in "
                    + "conf/framework.properties");
        }
        try {
            return ConsoleListener.bind(address);
        } catch (java.net.BindException e) {
            boolean notOurs = e.getMessage() != null && e.getMessage().contains("assign");
            throw new IOException("the web server cannot listen on " + host + ":" + port + " (" + e.getMessage()
                    + "). " + (notOurs ? host + " is not an address of this machine: give one of its addresses "
                            + "(127.0.0.1, 0.0.0.0 for all) with 'uplink run --http-host ADDRESS'"
                            : "Another program (perhaps another Uplink) uses that port: stop it, or choose another "
                                    + "port with 'uplink run --http-port N' or org.osgi.service.http.port in "
                                    + "conf/framework.properties"), e);
        } catch (IOException e) {
            throw new IOException("the web server cannot listen on " + host + ":" + port + " (" + e.getMessage()
                    + "). Another program (perhaps another Uplink) uses that port: stop it, or choose another port "
                    + "with 'uplink run --http-port N' or org.osgi.service.http.port in conf/framework.properties", e);
        }
    }

    /**
     * Shutdown hook: stops the framework, then ends the JVM with 0 after a clean stop (1 if bundles hung), as
     * daemons do, instead of the JVM's 143 for SIGTERM.
     */
    private void stop(Framework framework) {
        int status = Main.EXIT_OK;
        try {
            framework.stop();
            FrameworkEvent e = framework.waitForStop(TimeUnit.SECONDS.toMillis(STOP_TIMEOUT_SECONDS));
            if (e.getType() == FrameworkEvent.WAIT_TIMEDOUT) {
                err.println("uplink: bundles did not stop within " + STOP_TIMEOUT_SECONDS + " s; exiting anyway.");
                status = Main.EXIT_FAILURE;
            } else {
                out.println("Uplink stopped.");
            }
        } catch (BundleException e) {
            err.println("uplink: error while stopping: " + e.getMessage());
            status = Main.EXIT_FAILURE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            status = Main.EXIT_FAILURE;
        }
        try {
            afterStop.run();
        } catch (RuntimeException e) {
            err.println("uplink: error while stopping: " + e);
            status = Main.EXIT_FAILURE;
        }
        out.flush();
        err.flush();
        Runtime.getRuntime().halt(status);
    }
}
