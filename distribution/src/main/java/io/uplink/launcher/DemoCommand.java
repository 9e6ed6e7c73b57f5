package io.uplink.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.uplink.credentials.CredentialException;
import io.uplink.credentials.store.BcCredentialStore;
import io.uplink.launcher.demo.DemoBroker;
import io.uplink.launcher.demo.DemoPki;

/**
 * {@code uplink demo}: the gateway on its embedded default. An MQTT broker with TLS in this JVM (demo PKI made at
 * first start), an emulated Quectel BG95 with cellular latency, an endpoint using host TLS with a client certificate
 * from the credential store, and the telemetry publisher. Its state lives in data/demo, apart from the installation's
 * own configuration and data.
 */
final class DemoCommand {

    static final String USAGE = String.join("\n",
            "Usage: uplink demo [options]",
            "",
            "Run the gateway on its embedded default, everything on this machine:",
            "  - an MQTT broker (Moquette) on 127.0.0.1, TLS only, client certificates from a demo CA made at",
            "    first start (data/demo/pki: usable with mosquitto_sub --cafile/--cert/--key),",
            "  - an emulated modem (Quectel BG95 unless --modem names another) with cellular latency, attached",
            "    like a real one by the dialect its answers identify,",
            "  - an MQTT endpoint 'demo' going through that modem, with the gateway's own TLS engine and the",
            "    client certificate from the encrypted credential store,",
            "  - gateway telemetry published every few seconds; the broker prints every message it receives.",
            "Stop it with Ctrl+C. The Web Console shows the bundles and configurations (bin/uplink run's password).",
            "",
            "Options:",
            "  --mqtt-port PORT   Broker port on 127.0.0.1 (default 8883)",
            "  --interval S       Seconds between telemetry records, 1-86400 (default 5)",
            "  --latency MS       One-way latency of the emulated cellular link, 0-5000 ms (default 100)",
            "  --modem PORT       The emulated module: emulator:bg95 (default), emulator:nrf9160, emulator:hl7800,",
            "                     emulator:bc660k (the dialect is found from the module's answers)",
            "  --reset            Forget the demo's state first (queue, configuration, credentials, certificates)",
            "  --http-host HOST   Web server address (default 127.0.0.1)",
            "  --http-port PORT   Web server port (default 8080)",
            "  --no-shell         Do not start the interactive Gogo shell",
            "  -h, --help         Show this help",
            "",
            "Exit codes: 0 stopped cleanly, 1 failed to start, 2 bad arguments.");

    static final String ENDPOINT_ID = "demo";
    static final String MODEM_PID = "io.uplink.modem~demo";

    private final Path home;
    private final PrintStream out;
    private final PrintStream err;

    DemoCommand(Path home, PrintStream out, PrintStream err) {
        this.home = home;
        this.out = out;
        this.err = err;
    }

    /** Parsed options: the run options plus the demo's own. */
    record Options(RunOptions run, int mqttPort, int interval, int latency, boolean reset, String modem) {

        static Options parse(List<String> args) {
            int port = 8883;
            int interval = 5;
            int latency = 100;
            boolean reset = false;
            String modem = "emulator:bg95";
            List<String> rest = new ArrayList<>();
            for (int i = 0; i < args.size(); i++) {
                String a = args.get(i);
                String name = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
                switch (name) {
                case "--mqtt-port" -> {
                    String v = a.contains("=") ? a.substring(a.indexOf('=') + 1) : value(args, ++i, a);
                    port = number(v, name, 1, 65535);
                }
                case "--interval" -> {
                    String v = a.contains("=") ? a.substring(a.indexOf('=') + 1) : value(args, ++i, a);
                    interval = number(v, name, 1, 86400);
                }
                case "--latency" -> {
                    String v = a.contains("=") ? a.substring(a.indexOf('=') + 1) : value(args, ++i, a);
                    latency = number(v, name, 0, 5000);
                }
                case "--reset" -> reset = true;
                case "--modem" -> {
                    String v = a.contains("=") ? a.substring(a.indexOf('=') + 1) : value(args, ++i, a);
                    String model = v.toLowerCase(java.util.Locale.ROOT).replaceFirst("^emulator:", "");
                    if (!io.uplink.modem.emulator.Personalities.names().contains(model)) {
                        throw new IllegalArgumentException("--modem " + v + ": the demo runs on an emulated module, "
                                + "one of " + io.uplink.modem.emulator.Personalities.names().stream()
                                        .map(n -> "emulator:" + n).toList()
                                + " (a real modem: configure io.uplink.modem with bin/uplink run)");
                    }
                    modem = "emulator:" + model;
                }
                default -> rest.add(a);
                }
            }
            return new Options(RunOptions.parse(rest), port, interval, latency, reset, modem);
        }

        private static String value(List<String> args, int i, String option) {
            if (i >= args.size() || args.get(i).startsWith("--")) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return args.get(i);
        }

        private static int number(String text, String option, int min, int max) {
            return ClientOptions.number(text, option, min, max);
        }
    }

    int execute(List<String> args) {
        Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("uplink demo: " + e.getMessage());
            err.println("Run 'uplink demo --help' for the options.");
            return Main.EXIT_USAGE;
        }
        if (o.run().help()) {
            out.println(USAGE);
            return Main.EXIT_OK;
        }
        long started = System.nanoTime();
        Path data = home.resolve("data/demo");
        Path conf = data.resolve("conf");
        DemoBroker broker;
        try {
            if (o.reset()) {
                deleteTree(data);
                out.println("Demo state in " + data + " deleted.");
            }
            DemoPki pki = DemoPki.loadOrCreate(data.resolve("pki"));
            importCredentials(data, pki);
            writeConfiguration(conf, o);
            broker = DemoBroker.start(o.mqttPort(), pki, out);
        } catch (CredentialException e) {
            err.println("uplink demo: the demo certificates were refused by the credential store: " + e.getMessage()
                    + " Run 'uplink demo --reset' to make new ones.");
            return Main.EXIT_FAILURE;
        } catch (IOException e) {
            err.println("uplink demo: " + e.getMessage());
            return Main.EXIT_FAILURE;
        }
        Path pkiDir = data.resolve("pki");
        List<String> banner = List.of(
                "Demo: MQTT broker on mqtts://127.0.0.1:" + o.mqttPort() + " (TLS, client certificates from "
                        + pkiDir.resolve("ca.pem") + ")",
                "Demo: emulated modem " + o.modem() + " as '" + MODEM_PID + "', " + o.latency() + " ms one-way latency; endpoint '"
                        + ENDPOINT_ID + "' through it with host TLS; telemetry every " + o.interval() + " s.",
                "Demo: watch with  mosquitto_sub -h 127.0.0.1 -p " + o.mqttPort() + " --cafile "
                        + pkiDir.resolve("ca.pem") + " --cert " + pkiDir.resolve("device.pem") + " --key "
                        + pkiDir.resolve("device.key") + " -i watcher -t '#' -v",
                "Demo: the broker prints each message below as '[broker] message N ...'. Stop with Ctrl+C.");
        return new RunCommand(home, out, err, data, conf, banner, broker::close).start(o.run(), started);
    }

    /** The device identity and the CA go into the demo's credential store, as an operator would import them. */
    private void importCredentials(Path data, DemoPki pki) throws IOException, CredentialException {
        BcCredentialStore store = BcCredentialStore.open(data.resolve("credentials/credentials.bcfks"), "", "",
                Duration.ofDays(30), (alias, change) -> { });
        List<String> present = new ArrayList<>();
        store.list().forEach(s -> present.add(s.alias()));
        if (!present.contains("demo-ca")) {
            store.importCredential("demo-ca", Files.readAllBytes(pki.caFile()), null);
        }
        if (!present.contains("demo-device")) {
            byte[] joined = CredentialFiles.join(CredentialFiles.read(List.of(pki.deviceCertFile(),
                    pki.deviceKeyFile(), pki.caFile())), List.of("cert", "key", "ca"));
            store.importCredential("demo-device", joined, null);
        }
    }

    /**
     * The demo's configuration files, rewritten at every start (edit them under data/demo/conf while it runs to
     * try settings; they are reset at the next start).
     */
    private static void writeConfiguration(Path conf, Options o) throws IOException {
        Files.createDirectories(conf);
        try (DirectoryStream<Path> old = Files.newDirectoryStream(conf, "*.cfg")) {
            for (Path f : old) {
                Files.delete(f);
            }
        }
        write(conf.resolve("io.uplink.transport.os.cfg"), "# The gateway's own network (unused by the demo "
                + "endpoint, which goes through the modem).", "connect.timeout.ms=15000");
        write(conf.resolve("io.uplink.modem.emulator.cfg"), "# The emulated module's cellular link.",
                "latency.ms=" + o.latency(), "loss.percent=0");
        write(conf.resolve("io.uplink.modem-demo.cfg"), "# The emulated modem, attached like a real one.",
                "port=" + o.modem(), "baud=921600", "dialect=auto", "apn=iot.emulated", "registration.timeout.s=30");
        write(conf.resolve("io.uplink.cloud.mqtt-" + ENDPOINT_ID + ".cfg"),
                "# The demo endpoint: the embedded broker, through the emulated modem, host TLS, client certificate.",
                "cloud.endpoint.id=" + ENDPOINT_ID, "profile=generic", "host=localhost", "port=" + o.mqttPort(),
                "client.id=" + DemoPki.DEVICE_CN, "keepalive.seconds=60", "clean.session=true",
                "transport=" + MODEM_PID, "tls.mode=host", "credentials.alias=demo-device", "trust.alias=demo-ca");
        write(conf.resolve("io.uplink.telemetry-demo.cfg"), "# Gateway telemetry through the demo endpoint.",
                "cloud.endpoint.id=" + ENDPOINT_ID, "gateway.id=" + DemoPki.DEVICE_CN,
                "topic=gateways/{gateway.id}/telemetry", "interval.seconds=" + o.interval(), "qos=1");
    }

    private static void write(Path file, String... lines) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
