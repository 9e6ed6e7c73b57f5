package io.uplink.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.uplink.doctor.BrokerProbe;
import io.uplink.modem.Modem;
import io.uplink.modem.ModemTls;
import io.uplink.modem.ModemTlsCapabilities;
import io.uplink.tls.bc.BcTlsEngine;
import io.uplink.transport.os.OsSocketTransport;
import io.uplink.transport.os.SocketSettings;

/** {@code uplink probe}: what a broker's TLS accepts, set against what modems' own TLS stacks offer. */
final class ProbeCommand {

    static final String USAGE = String.join("\n",
            "Usage: uplink probe HOST[:PORT] [--modem PORT [--baud N] [--apn NAME]] [--timeout S] [--json]",
            "",
            "Ask a broker, one TLS handshake at a time, which TLS versions and cipher suites it accepts, whether it",
            "needs SNI (and what it serves without), which chain it sends and whether it asks for a client",
            "certificate; then say whether a modem's own TLS stack (BC66/BC660K: RSA key exchange with AES-CBC or",
            "3DES only) can talk to it, or the gateway's TLS engine (host TLS) is needed. The server's certificate",
            "is not checked here: the probe only asks what the server accepts (use 'uplink doctor' for that).",
            "",
            "Options:",
            "  --modem PORT  Also set the broker against this modem's own TLS, as the modem reports it",
            "                (a serial port such as /dev/ttyUSB2, or emulator:MODEL): its TLS 1.2 suites are",
            "                asked about too. The handshakes still go over the gateway's own network.",
            "  --baud N, --apn NAME  Serial speed and APN for --modem",
            "  --timeout S   Bound of each handshake, 1-60 s (default 10)",
            "  --json        Machine-readable report",
            "  -h, --help    Show this help",
            "",
            "A server that accepts TCP but sends no ServerHello is reported as silent after two handshakes; a port",
            "that answers something other than TLS stops the probe at once. A ServerHello counts as acceptance only",
            "when it chose the version and suite offered; choosing a suite that was not offered is reported as a",
            "protocol error of the server.",
            "",
            "Exit codes: 0 probed, 1 the broker could not be reached, is silent, does not speak TLS or broke the",
            "protocol, 2 bad arguments.");

    private final PrintStream out;
    private final PrintStream err;

    ProbeCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    int execute(List<String> args) {
        String target = null;
        boolean json = false;
        int timeout = 10;
        ClientOptions modemOptions = new ClientOptions();
        try {
            for (int i = 0; i < args.size(); i++) {
                String a = args.get(i);
                switch (a) {
                case "-h", "--help" -> {
                    out.println(USAGE);
                    return Main.EXIT_OK;
                }
                case "--json" -> json = true;
                case "--timeout" -> timeout = ClientOptions.number(ClientOptions.value(args, ++i, a), a, 1, 60);
                case "--modem" -> modemOptions.modem = ClientOptions.value(args, ++i, a);
                case "--baud" -> modemOptions.baud = ClientOptions.number(ClientOptions.value(args, ++i, a), a, 300,
                        4_000_000);
                case "--apn" -> modemOptions.apn = ClientOptions.value(args, ++i, a);
                default -> {
                    if (a.startsWith("-") || target != null) {
                        throw new IllegalArgumentException("unexpected '" + a + "'");
                    }
                    target = a;
                }
                }
            }
            if (target == null) {
                throw new IllegalArgumentException("give the broker as HOST[:PORT]");
            }
        } catch (IllegalArgumentException e) {
            err.println("uplink probe: " + e.getMessage());
            err.println("Run 'uplink probe --help' for the options.");
            return Main.EXIT_USAGE;
        }
        String host;
        int port;
        try {
            io.uplink.cloud.EndpointAddress address = io.uplink.cloud.EndpointAddress.parse(target, true);
            host = address.host();
            port = address.port();
        } catch (IllegalArgumentException e) {
            err.println("uplink probe: " + e.getMessage());
            return Main.EXIT_USAGE;
        }
        Cli.logging(false);
        System.setProperty("org.slf4j.simpleLogger.log.io.uplink.tls.bc", "off");
        if (!json) {
            out.println("Probing " + host + ":" + port + " (about 20 handshakes; a silent server is given up after two) ...");
        }
        BrokerProbe.Report r;
        String modemName = null;
        try (ClientPath path = new ClientPath()) {
            ModemTlsCapabilities caps = null;
            if (!modemOptions.modem.isEmpty()) {
                path.openTransport(modemOptions);
                Modem m = path.modem();
                modemName = m.identity().model() + " on " + modemOptions.modem;
                caps = m.tls().map(ModemTls::capabilities).orElse(null);
                if (caps == null && !json) {
                    out.println("The " + m.identity() + " has no TLS of its own that Uplink drives: host TLS only.");
                }
            }
            r = new BrokerProbe(new BcTlsEngine(List.of(), 0, Clock.systemUTC()), new OsSocketTransport(
                    SocketSettings.DEFAULTS), Duration.ofSeconds(timeout)).probe(host, port, modemName, caps);
        } catch (ClientPath.PathException e) {
            err.println("uplink probe: " + e.getMessage());
            return Main.EXIT_FAILURE;
        } catch (IOException e) {
            err.println("uplink probe: " + e.getMessage());
            return Main.EXIT_FAILURE;
        }
        if (json) {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("host", r.host());
            j.put("port", r.port());
            j.put("versions", r.versions());
            j.put("sni", r.sni());
            j.put("chain", r.chain());
            j.put("client_certificate_requested", r.asksForClientCertificate());
            Map<String, Object> modems = new LinkedHashMap<>();
            r.modems().forEach((family, shared) -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("shared_suites", shared);
                m.put("verdict", r.stoppedEarly() ? "unknown" : shared.isEmpty() ? "use host TLS"
                        : "modem TLS possible");
                modems.put(family, m);
            });
            j.put("modems", modems);
            j.put("answer", r.answer().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
            j.put("problem", r.problem());
            j.put("evidence", r.evidence());
            out.println(Json.write(j));
            return r.problem().isEmpty() ? Main.EXIT_OK : Main.EXIT_FAILURE;
        }
        if (!r.problem().isEmpty()) {
            out.println("Problem: " + r.problem());
        }
        boolean stopped = r.stoppedEarly();
        r.versions().forEach((v, suites) -> out.println(v + ": " + (!suites.isEmpty() ? String.join(", ", suites)
                : stopped ? "unknown (the server did not answer TLS)" : "refused")));
        out.println("SNI: " + switch (r.sni()) {
        case "needed" -> "needed: without a server name the server refuses the handshake";
        case "same" -> "not needed: the same certificate is served without it";
        case "unknown" -> stopped ? "not tested (the server did not answer TLS)" : isIpLiteral(r.host())
                ? "not tested (the host is an IP address)" : "unknown (the handshake without SNI got no clear answer)";
        default -> "without a server name it serves another certificate: " + r.sni();
        });
        if (stopped) {
            return Main.EXIT_FAILURE;
        }
        out.println("Chain: " + (r.chain().isEmpty() ? "(not seen)" : String.join(" <- ", r.chain())));
        out.println("Client certificate: " + (r.asksForClientCertificate() ? "requested" : "not requested"));
        out.println("Modems' own TLS:");
        r.modems().forEach((family, shared) -> out.println("  " + family + ": " + (shared.isEmpty()
                ? "no cipher suite in common: this modem's own TLS cannot talk to this broker; use host TLS "
                        + "(tls.mode=host: the gateway's TLS engine over the modem's plain sockets)."
                : "can connect with " + String.join(", ", shared) + (shared.stream().anyMatch(x -> x.contains(
                        "ECDHE")) ? "." : " (no forward secrecy; host TLS is stronger)."))));
        return r.problem().isEmpty() ? Main.EXIT_OK : Main.EXIT_FAILURE;
    }

    private static boolean isIpLiteral(String host) {
        return host.matches("[0-9.]+") || host.contains(":");
    }
}
