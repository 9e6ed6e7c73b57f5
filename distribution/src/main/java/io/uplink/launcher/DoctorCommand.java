package io.uplink.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.uplink.credentials.ClientIdentity;
import io.uplink.credentials.CredentialException;
import io.uplink.credentials.CredentialPart;
import io.uplink.credentials.PemStyle;
import io.uplink.credentials.Problem;
import io.uplink.credentials.store.BcCredentialStore;
import io.uplink.diagnostics.Diagnosis;
import io.uplink.diagnostics.Finding;
import io.uplink.diagnostics.Finding.Status;
import io.uplink.diagnostics.Layer;
import io.uplink.diagnostics.ProgressListener;
import io.uplink.doctor.Doctor;
import io.uplink.doctor.DoctorRequests;
import io.uplink.doctor.DoctorTarget;
import io.uplink.doctor.ModemRungs;
import io.uplink.modem.Modem;
import io.uplink.modem.ModemCredentials;
import io.uplink.modem.ModemTls;
import io.uplink.modem.serial.SerialAtChannel;
import io.uplink.tls.bc.BcTlsEngine;
import io.uplink.transport.Transport;
import io.uplink.transport.os.OsSocketTransport;
import io.uplink.transport.os.SocketSettings;

/**
 * {@code uplink doctor}: walks the ladder from the modem's serial port (or the gateway's network) to an MQTT publish
 * and reports what failed, why, and what to do.
 */
final class DoctorCommand {

    static final String USAGE = String.join("\n",
            "Usage: uplink doctor --endpoint mqtts://HOST:PORT [options]",
            "",
            "Find out why a gateway does not reach its broker. Walks the ladder: serial port, modem, SIM,",
            "registration, PDP context (with --modem), then DNS, TCP, TLS, MQTT CONNECT and one QoS 1 publish,",
            "stops at the first failure and says what it is and how to fix it. When the path through the modem",
            "fails, the same steps are tried over the gateway's own network to tell modem from server faults.",
            "",
            "Options:",
            "  --endpoint URI        mqtts://HOST[:PORT] (TLS, default port 8883) or mqtt://HOST[:PORT]",
            "  --ca F                CA certificate(s) the server must chain to (default: the Java runtime's list)",
            "  --cert F --key F      Client certificate and key (PEM any line endings, DER, PKCS#8, ...)",
            "  --alias A             Client identity from the gateway's credential store",
            "  --trust-alias A       CA certificates from the gateway's credential store",
            "  --sni NAME            Server name to send (default: the host)",
            "  --alpn P[,P]          ALPN protocols (AWS IoT on 443: x-amzn-mqtt-ca)",
            "  --client-id ID        MQTT client id (AWS IoT: the thing name)",
            "  --profile P           generic, aws-iot, azure-iot-hub, hivemq-cloud: check the profile's rules",
            "  -u, --username U      MQTT user name;  --password-stdin  reads the password from standard input",
            "  --topic T             Topic of the one test message (default uplink/doctor/CLIENT-ID)",
            "  --timeout S           Bound of each network step, 1-50 s (default 10)",
            "  --modem PORT          Through a modem: a serial port such as /dev/ttyUSB2, or emulator:MODEL",
            "                        (bg95, nrf9160, hl7800, bc660k)",
            "  --tls MODE            host (default): the gateway's TLS over the modem's plain sockets;",
            "                        modem: the modem's own TLS, with --modem and --ca/--trust-alias: stores the",
            "                        certificates in the modem (only when they differ), reads them back, connects;",
            "                        a failed handshake is repeated by the gateway as the modem would, for its cause",
            "  --baud N, --apn NAME  Serial speed and APN for --modem",
            "  --json                Machine-readable report: {verdict, findings, trace}",
            "  --pcap F              Write the TLS bytes (also of a failed handshake) to F, for Wireshark",
            "  -v, --verbose         Show the evidence of every step, not only of the failing one",
            "  -h, --help            Show this help",
            "",
            causeCodes(),
            "",
            "Exit codes: 0 everything passed, 1 a cause was found, 2 bad arguments.");

    /** The cause codes, from the doctor's own table, wrapped for the help text. */
    static String causeCodes() {
        StringBuilder text = new StringBuilder("Cause codes (stable):");
        int line = text.length();
        for (io.uplink.doctor.Cause c : io.uplink.doctor.Cause.values()) {
            String word = " " + c.code() + ",";
            if (line + word.length() > 100) {
                text.append('\n');
                word = word.substring(1);
                line = 0;
            }
            text.append(word);
            line += word.length();
        }
        return text.substring(0, text.length() - 1) + ".\nSee README.md, 'When it does not connect'.";
    }

    private final Path home;
    private final PrintStream out;
    private final PrintStream err;

    DoctorCommand(Path home, PrintStream out, PrintStream err) {
        this.home = home;
        this.out = out;
        this.err = err;
    }

    /** Parsed options. */
    private static final class Options {
        String endpoint;
        Path ca;
        Path cert;
        Path key;
        String alias = "";
        String trustAlias = "";
        final Map<String, String> request = new LinkedHashMap<>();
        boolean passwordStdin;
        final ClientOptions modem = new ClientOptions();
        boolean modemTls;
        boolean json;
        Path pcap;
        boolean verbose;
        boolean help;
    }

    int execute(List<String> args) {
        Options o;
        DoctorTarget target;
        try {
            o = parse(args);
            if (o.help) {
                out.println(USAGE);
                return Main.EXIT_OK;
            }
            if (o.endpoint == null) {
                throw new IllegalArgumentException("--endpoint mqtts://HOST:PORT is required");
            }
            target = DoctorRequests.target(o.endpoint, o.request, List.of(), null, null);
            if (o.modemTls && !target.tls()) {
                throw new IllegalArgumentException("--tls modem needs an mqtts:// endpoint");
            }
        } catch (IllegalArgumentException e) {
            err.println("uplink doctor: " + e.getMessage());
            err.println("Run 'uplink doctor --help' for the options.");
            return Main.EXIT_USAGE;
        }
        Cli.logging(false);
        // The report says what the engine would log as a warning; keep standard error for real trouble.
        System.setProperty("org.slf4j.simpleLogger.log.io.uplink.tls.bc", "error");
        long started = System.nanoTime();
        List<Finding> earlier = new ArrayList<>();
        if (!o.json) {
            out.println("Diagnosing " + o.endpoint + (o.modem.modem.isEmpty() ? " over the gateway's own network"
                    : " through the modem on " + o.modem.modem) + (o.modemTls ? ", with the modem's own TLS" : "")
                    + " ...");
        }
        try (ClientPath path = new ClientPath()) {
            char[] password = null;
            if (o.passwordStdin) {
                String line = InputFiles.readLine(System.in, 4096, "standard input");
                password = line == null ? null : line.toCharArray();
            }
            Credentials creds = credentials(o, earlier);
            target = target.withCredentials(creds.anchors, creds.identity, password);
            Transport os = new OsSocketTransport(SocketSettings.DEFAULTS);
            Transport via = os;
            boolean viaModem = !o.modem.modem.isEmpty();
            if (viaModem && earlier.isEmpty()) {
                via = modemRungs(o, path, earlier);
            }
            Doctor doctor = new Doctor(new BcTlsEngine(List.of(), 0, Clock.systemUTC()));
            ProgressListener progress = f -> {
                if (!o.json) {
                    printFinding(f, o.verbose);
                }
            };
            Diagnosis d;
            if (o.modemTls && via != null && earlier.stream().noneMatch(f -> f.status() == Status.FAIL)) {
                Modem m = path.modem();
                ModemCredentials[] sets = modemSets(o, m.tls().map(ModemTls::pemStyle).orElse(PemStyle.STANDARD));
                d = doctor.diagnoseModemTls(target, m, sets[0], sets[1], earlier, progress);
            } else {
                d = doctor.diagnose(target, via == null ? os : via, viaModem, os, earlier, progress);
            }
            report(d, o, (System.nanoTime() - started) / 1e9);
            if (o.pcap != null) {
                byte[] pcap = doctor.lastCapture();
                if (pcap.length == 0) {
                    err.println("uplink doctor: no TLS step ran, so there is no capture for " + o.pcap);
                } else {
                    Files.write(o.pcap, pcap);
                    if (!o.json) {
                        out.println("TLS capture: " + o.pcap + " (" + pcap.length + " bytes; open with Wireshark)");
                    }
                }
            }
            return d.verdict().status() == Status.PASS ? Main.EXIT_OK : Main.EXIT_FAILURE;
        } catch (CredentialException e) {
            err.println("uplink doctor: the certificates for the modem: " + e.getMessage());
            return Main.EXIT_USAGE;
        } catch (IOException e) {
            err.println("uplink doctor: " + e.getMessage());
            return Main.EXIT_USAGE;
        }
    }

    /**
     * The CA set and the identity set (or null) to store in the modem, in its PEM style: from the store's aliases
     * (named after them, as the gateway's endpoint names them) or from the files (sets doctor-ca and doctor-id).
     */
    private ModemCredentials[] modemSets(Options o, PemStyle style) throws IOException, CredentialException {
        ModemCredentials trust;
        if (!o.trustAlias.isEmpty()) {
            trust = ModemCredentials.trust(ModemCredentials.nameFor(o.trustAlias), openStore().exportPem(o.trustAlias,
                    CredentialPart.TRUST_ANCHORS, style));
        } else {
            trust = ModemCredentials.trust("doctor-ca", CredentialFiles.load("ca", List.of(o.ca), List.of("ca"))
                    .exportPem(CredentialPart.TRUST_ANCHORS, style));
        }
        ModemCredentials identity = null;
        if (!o.alias.isEmpty()) {
            BcCredentialStore store = openStore();
            identity = ModemCredentials.identity(ModemCredentials.nameFor(o.alias), null, store.exportPem(o.alias,
                    CredentialPart.CLIENT_CERTIFICATE, style), store.exportPem(o.alias, CredentialPart.PRIVATE_KEY,
                            style));
        } else if (o.cert != null) {
            BcCredentialStore.Loaded l = CredentialFiles.load("identity", List.of(o.cert, o.key), List.of("cert",
                    "key"));
            identity = ModemCredentials.identity("doctor-id", null, l.exportPem(CredentialPart.CLIENT_CERTIFICATE,
                    style), l.exportPem(CredentialPart.PRIVATE_KEY, style));
        }
        return new ModemCredentials[] { trust, identity };
    }

    private BcCredentialStore openStore() throws IOException {
        return BcCredentialStore.open(home.resolve("data/credentials/credentials.bcfks"), "", "", Duration.ofDays(30),
                (a, c) -> { });
    }

    /** Serial through attach; returns the modem's transport, or null when a rung failed (recorded in earlier). */
    private Transport modemRungs(Options o, ClientPath path, List<Finding> earlier) {
        SerialAtChannel at;
        try {
            at = path.openChannel(o.modem);
        } catch (ClientPath.PathException e) {
            earlier.add(new Finding(Layer.SERIAL, Status.FAIL, "serial.no-response", e.getMessage() + ".",
                    "Check the port name (ls /dev/ttyUSB* /dev/ttyACM*), that no other program (ModemManager) holds "
                            + "it, and that this user may open it (group dialout).", List.of()));
            return null;
        }
        io.uplink.modem.serial.ModemIdentification.chooseLineEnd(at); // CR+LF for Nordic's Serial LTE Modem
        earlier.addAll(ModemRungs.walk(at, o.modem.modem));
        if (earlier.stream().anyMatch(f -> f.status() == Status.FAIL)) {
            return null;
        }
        try {
            path.attach(o.modem, at);
            earlier.add(new Finding(Layer.PDP, Status.PASS, "ok", "The module attached: PDP context up, its "
                    + "sockets are ready (" + path.modemDescription() + ").", "", List.of()));
            return path.transport();
        } catch (ClientPath.PathException e) {
            earlier.add(e.getCause() instanceof io.uplink.modem.ModemException me
                    ? ModemRungs.attachFailed(me, o.modem.apn)
                    : new Finding(Layer.PDP, Status.FAIL, "modem.pdp", e.getMessage() + ".", "Check the APN (--apn).",
                            List.of()));
            return null;
        }
    }

    private record Credentials(List<java.security.cert.X509Certificate> anchors, ClientIdentity identity) {
    }

    /** Reads CA and identity; a problem becomes a credentials.* finding, never an exception. */
    private Credentials credentials(Options o, List<Finding> earlier) throws IOException {
        List<java.security.cert.X509Certificate> anchors = List.of();
        ClientIdentity identity = null;
        try {
            if (o.ca != null) {
                anchors = CredentialFiles.load("ca", List.of(o.ca), List.of("ca")).anchors();
            }
            if (o.cert != null) {
                identity = CredentialFiles.load("identity", List.of(o.cert, o.key), List.of("cert", "key"))
                        .identity();
            }
            if (!o.alias.isEmpty() || !o.trustAlias.isEmpty()) {
                BcCredentialStore store = openStore();
                if (!o.trustAlias.isEmpty()) {
                    anchors = store.trustAnchors(o.trustAlias);
                    if (anchors.isEmpty()) {
                        earlier.add(new Finding(Layer.TLS, Status.FAIL, "credentials.malformed", "The credential store "
                                + "has no CA certificates under '" + o.trustAlias + "'.", "Import them: bin/uplink "
                                        + "creds import --alias " + o.trustAlias + " --ca FILE", List.of()));
                    }
                }
                if (!o.alias.isEmpty()) {
                    identity = store.clientIdentity(o.alias).orElse(null);
                    if (identity == null) {
                        earlier.add(new Finding(Layer.TLS, Status.FAIL, "credentials.malformed", "The credential store "
                                + "has no certificate with its key under '" + o.alias + "'.", "Import them: "
                                        + "bin/uplink creds import --alias " + o.alias + " --cert FILE --key FILE",
                                List.of()));
                    }
                }
            }
        } catch (CredentialException e) {
            boolean mismatch = e.problems().stream().anyMatch(p -> p.code().equals("key-mismatch"));
            List<String> evidence = new ArrayList<>();
            for (Problem p : e.problems()) {
                evidence.add(p.severity() + " " + p.code() + ": " + p.cause());
            }
            earlier.add(new Finding(Layer.TLS, Status.FAIL, mismatch ? "credentials.key-mismatch"
                    : "credentials.malformed", e.getMessage(), mismatch ? "Use the key created together with this "
                            + "certificate (AWS IoT: the private.pem.key downloaded with it), or the certificate "
                            + "issued for this key." : "Check the files with 'bin/uplink creds check --cert F --key "
                                    + "F' and fix what it reports.", evidence));
        } catch (java.nio.file.NoSuchFileException e) {
            earlier.add(new Finding(Layer.TLS, Status.FAIL, "credentials.malformed", "There is no file " + e.getFile()
                    + ".", "Give the path of the certificate or key file.", List.of()));
        }
        return new Credentials(anchors, identity);
    }

    private void printFinding(Finding f, boolean verbose) {
        out.printf(Locale.ROOT, "  %-9s %-12s %s%n", "[" + f.status() + "]", f.layer(), f.summary());
        if (f.status() == Status.FAIL || verbose) {
            int shown = 0;
            for (String line : f.evidence()) {
                if (shown++ == 40) {
                    out.println("                         ... (" + (f.evidence().size() - 40) + " more lines; --json "
                            + "has them all)");
                    break;
                }
                out.println("                         " + line);
            }
        }
    }

    private void report(Diagnosis d, Options o, double seconds) {
        Finding v = d.verdict();
        if (o.json) {
            Map<String, Object> verdict = new LinkedHashMap<>();
            verdict.put("cause", v.cause());
            verdict.put("layer", v.layer().name().toLowerCase(Locale.ROOT));
            verdict.put("summary", v.summary());
            verdict.put("fix", v.fix());
            List<Object> findings = new ArrayList<>();
            List<String> trace = new ArrayList<>();
            for (Finding f : d.findings()) {
                Map<String, Object> j = new LinkedHashMap<>();
                j.put("layer", f.layer().name().toLowerCase(Locale.ROOT));
                j.put("status", f.status().name().toLowerCase(Locale.ROOT));
                j.put("cause", f.cause());
                j.put("summary", f.summary());
                j.put("fix", f.fix());
                j.put("evidence", f.evidence());
                findings.add(j);
                if (f.layer() == Layer.TLS) {
                    trace.addAll(f.evidence());
                }
            }
            Map<String, Object> all = new LinkedHashMap<>();
            all.put("verdict", verdict);
            all.put("findings", findings);
            all.put("trace", trace);
            all.put("seconds", Math.round(seconds * 10) / 10.0);
            out.println(Json.write(all));
            return;
        }
        out.println();
        if (v.status() == Status.PASS) {
            out.println("Verdict: ok. " + v.summary());
        } else {
            out.println("Verdict: " + v.cause() + " (" + v.layer().name().toLowerCase(Locale.ROOT) + ")");
            out.println("  Why:  " + v.summary());
            out.println("  Fix:  " + v.fix());
        }
        out.printf(Locale.ROOT, "(%.1f s)%n", seconds);
    }

    private static Options parse(List<String> args) {
        Options o = new Options();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            String v = null;
            if (a.startsWith("--") && a.contains("=")) {
                v = a.substring(a.indexOf('=') + 1);
                a = a.substring(0, a.indexOf('='));
            }
            switch (a) {
            case "-h", "--help" -> o.help = true;
            case "--json" -> o.json = true;
            case "-v", "--verbose" -> o.verbose = true;
            case "--password-stdin" -> o.passwordStdin = true;
            default -> {
                if (v == null) {
                    v = ClientOptions.value(args, ++i, a);
                }
                switch (a) {
                case "--endpoint" -> o.endpoint = v;
                case "--pcap" -> o.pcap = Path.of(v);
                case "--ca", "--cafile" -> o.ca = Path.of(v);
                case "--cert" -> o.cert = Path.of(v);
                case "--key" -> o.key = Path.of(v);
                case "--alias" -> o.alias = v;
                case "--trust-alias" -> o.trustAlias = v;
                case "--sni" -> o.request.put("sni", v);
                case "--alpn" -> o.request.put("alpn", v);
                case "--client-id", "-i" -> o.request.put("client.id", v);
                case "--profile" -> o.request.put("profile", v);
                case "-u", "--username" -> o.request.put("username", v);
                case "--topic" -> o.request.put("topic", v);
                case "--timeout" -> o.request.put("timeout.seconds", v);
                case "--modem" -> o.modem.modem = v;
                case "--tls" -> o.modemTls = ClientOptions.oneOf(v, a, "host", "modem").equals("modem");
                case "--baud" -> o.modem.baud = ClientOptions.number(v, a, 300, 4_000_000);
                case "--apn" -> o.modem.apn = v;
                default -> throw new IllegalArgumentException("unknown option '" + a + "'");
                }
            }
            }
        }
        if ((o.cert == null) != (o.key == null)) {
            throw new IllegalArgumentException("--cert and --key go together");
        }
        if (o.modemTls && o.modem.modem.isEmpty()) {
            throw new IllegalArgumentException("--tls modem runs TLS in the modem: give --modem PORT");
        }
        if (o.modemTls && o.ca == null && o.trustAlias.isEmpty()) {
            throw new IllegalArgumentException("--tls modem needs the broker's CA (--ca FILE or --trust-alias A): a "
                    + "modem has no CA list of its own");
        }
        return o;
    }
}
