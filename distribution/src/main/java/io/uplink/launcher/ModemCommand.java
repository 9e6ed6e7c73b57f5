package io.uplink.launcher;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.uplink.modem.Modem;
import io.uplink.modem.ModemException;
import io.uplink.modem.ModemTls;
import io.uplink.modem.ModemTlsCapabilities;
import io.uplink.modem.StoredCredential;

/** {@code uplink modem info}: what a modem is, how it is attached, what its own TLS offers and holds. */
final class ModemCommand {

    static final String USAGE = String.join("\n",
            "Usage: uplink modem info --modem PORT [--baud N] [--apn NAME] [--json]",
            "",
            "Attach the modem on PORT (a serial port such as /dev/ttyUSB2, or emulator:MODEL) and show its identity,",
            "dialect, network registration, what its own TLS offers (versions, cipher suites, key types, credential",
            "slots) and the credential sets stored in it (see 'uplink creds provision').",
            "",
            "Options:",
            "  --modem PORT   The modem's port (required)",
            "  --baud N       Serial speed (default 115200)",
            "  --apn NAME     APN (default: keep the modem's; emulator: iot.emulated)",
            "  --json         Machine-readable output",
            "  -h, --help     Show this help",
            "",
            "Exit codes: 0 attached and read, 1 the modem did not attach or answer, 2 bad arguments.");

    private final PrintStream out;
    private final PrintStream err;

    ModemCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    int execute(List<String> args) {
        if (args.isEmpty() || args.contains("-h") || args.contains("--help")) {
            (args.isEmpty() ? err : out).println(USAGE);
            return args.isEmpty() ? Main.EXIT_USAGE : Main.EXIT_OK;
        }
        if (!args.get(0).equals("info")) {
            err.println("uplink modem: unknown subcommand '" + args.get(0) + "'. Run 'uplink modem --help'.");
            return Main.EXIT_USAGE;
        }
        ClientOptions o;
        try {
            o = ClientOptions.parse(args.subList(1, args.size()), (opt, list, i) -> 0);
        } catch (IllegalArgumentException e) {
            err.println("uplink modem info: " + e.getMessage() + ". Run 'uplink modem --help'.");
            return Main.EXIT_USAGE;
        }
        if (o.modem.isEmpty()) {
            err.println("uplink modem info: give the modem's port with --modem (/dev/ttyUSB2, or emulator:bg95, emulator:nrf9160, ...).");
            return Main.EXIT_USAGE;
        }
        try (ClientPath path = new ClientPath()) {
            path.openTransport(o);
            Modem m = path.modem();
            Map<String, Object> info = describe(m);
            if (o.json) {
                out.println(Json.write(info));
            } else {
                print(info);
            }
            return Main.EXIT_OK;
        } catch (ClientPath.PathException e) {
            err.println("uplink modem info: " + e.getMessage());
            return Main.EXIT_FAILURE;
        } catch (ModemException e) {
            err.println("uplink modem info: " + e.getMessage() + (e.fix().isEmpty() ? "" : " Fix: " + e.fix()));
            return Main.EXIT_FAILURE;
        }
    }

    static Map<String, Object> describe(Modem m) throws ModemException {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("manufacturer", m.identity().manufacturer());
        j.put("model", m.identity().model());
        j.put("revision", m.identity().revision());
        j.put("dialect", m.dialectFamily());
        j.put("registration", m.registration().name());
        j.put("transport", m.transport().describe());
        ModemTlsCapabilities caps = m.tlsCapabilities();
        Map<String, Object> tls = new LinkedHashMap<>();
        tls.put("versions", caps.versions().stream().sorted().toList());
        List<String> suites = new ArrayList<>();
        caps.cipherSuites().forEach(c -> suites.add(String.format("0x%04X", c)));
        tls.put("cipher_suites", suites);
        tls.put("sni", caps.sni());
        tls.put("max_file_bytes", caps.maxCertificateBytes());
        tls.put("key_types", caps.keyTypes().stream().sorted().toList());
        tls.put("credential_slots", caps.credentialSlots());
        List<Object> stored = new ArrayList<>();
        if (m.tls().isPresent()) {
            ModemTls t = m.tls().get();
            for (StoredCredential s : t.stored()) {
                Map<String, Object> c = new LinkedHashMap<>();
                c.put("set", s.name());
                c.put("part", s.kind().name().toLowerCase());
                c.put("location", s.location());
                c.put("bytes", s.bytes());
                if (!s.fingerprint().isEmpty()) {
                    c.put("fingerprint", s.fingerprint());
                }
                stored.add(c);
            }
        }
        tls.put("provisioning", m.tls().isPresent());
        tls.put("stored", stored);
        j.put("tls", tls);
        return j;
    }

    @SuppressWarnings("unchecked")
    private void print(Map<String, Object> info) {
        out.println("Modem:        " + info.get("manufacturer") + " " + info.get("model") + " (" + info.get("revision")
                + ")");
        out.println("Dialect:      " + info.get("dialect"));
        out.println("Registration: " + info.get("registration"));
        out.println("Transport:    " + info.get("transport"));
        Map<String, Object> tls = (Map<String, Object>) info.get("tls");
        out.println("Own TLS:      " + tls.get("versions") + ", " + ((List<?>) tls.get("cipher_suites")).size()
                + " cipher suites " + tls.get("cipher_suites") + (Boolean.TRUE.equals(tls.get("sni")) ? ", SNI" : "")
                + ", files up to " + tls.get("max_file_bytes") + " bytes, keys " + tls.get("key_types") + ", "
                + tls.get("credential_slots") + " credential slots");
        List<Map<String, Object>> stored = (List<Map<String, Object>>) tls.get("stored");
        if (!Boolean.TRUE.equals(tls.get("provisioning"))) {
            out.println("Stored:       (this dialect cannot provision credentials)");
        } else if (stored.isEmpty()) {
            out.println("Stored:       no credential sets (uplink creds provision stores them)");
        } else {
            out.println("Stored:");
            for (Map<String, Object> s : stored) {
                out.println("  " + s.get("set") + ": " + s.get("part") + " at " + s.get("location") + ", "
                        + s.get("bytes") + " bytes");
            }
        }
    }
}
