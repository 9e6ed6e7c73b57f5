package io.uplink.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import io.uplink.credentials.CredentialException;
import io.uplink.credentials.CredentialSummary;
import io.uplink.credentials.CredentialUse;
import io.uplink.credentials.Problem;
import io.uplink.credentials.ValidationContext;
import io.uplink.credentials.ValidationReport;
import io.uplink.credentials.store.BcCredentialStore;

/**
 * {@code uplink creds}: check certificate and key files, and manage the gateway's credential store (the same file the
 * running gateway uses; both may work on it at once).
 */
final class CredsCommand {

    static final String USAGE = String.join("\n",
            "Usage: uplink creds <check|import|list|delete|provision> [options]",
            "",
            "  check   --cert F [--key F] [--ca F]... [--endpoint HOST] [--modem FAMILY] [--for USE] [--json]",
            "          Read and validate files without storing them. Exit 0 usable, 1 problems, 2 unreadable input.",
            "  import  --alias A (--cert F [--key F] [--ca F]... | --p12 F) [--for USE] [--json]",
            "          Store them encrypted under alias A (replacing what A held). Nothing is stored on an error.",
            "  list    [--json]             Aliases, subjects, key presence and earliest expiry.",
            "  delete  --alias A            Remove alias A.",
            "  provision --modem PORT (--alias A | --cafile F [--cert F --key F]) [--json]",
            "          Store them in a modem's own TLS stack, compared first and read back ('creds provision --help').",
            "",
            "Options:",
            "  --passphrase-stdin  Read the passphrase of an encrypted key or PKCS#12 file from standard input",
            "  --endpoint HOST     (check) the server host a server certificate must match",
            "  --modem FAMILY      (check) quectel-bg9x, quectel-bc66, nordic-nrf91, sierra-hl78xx, ublox-sara,",
            "                      simcom-sim7080: flag keys that modem's own TLS cannot use",
            "  --for USE           What a certificate with its key is for: 'broker' (default), the gateway's",
            "                      identity to a broker (extended key usage clientAuth), or 'console', the",
            "                      certificate of the console's HTTPS ('run --https-alias A'; serverAuth)",
            "  --json              Machine-readable output",
            "  -h, --help          Show this help",
            "",
            "Files may be PEM (any line endings), DER, PKCS#1, SEC1, PKCS#8 (plain or encrypted) or PKCS#12.",
            "Exit codes: 0 success, 1 validation problems (or refused import), 2 unreadable input or bad arguments.");

    private final Path home;
    private final PrintStream out;
    private final PrintStream err;

    CredsCommand(Path home, PrintStream out, PrintStream err) {
        this.home = home;
        this.out = out;
        this.err = err;
    }

    /** Parsed options. */
    private static final class Options {
        String sub;
        final List<Path> files = new ArrayList<>();
        final List<String> roles = new ArrayList<>();
        String alias;
        String endpoint = "";
        String modem = "";
        CredentialUse use = CredentialUse.TLS_CLIENT;
        boolean json;
        boolean passphraseStdin;
        boolean help;
        /** The options given, as typed, in order. */
        final java.util.Set<String> given = new java.util.LinkedHashSet<>();
    }

    /** The options each subcommand takes: any other is refused rather than silently ignored. */
    private static final Map<String, List<String>> TAKES = Map.of(
            "check", List.of("--cert", "--key", "--ca", "--p12", "--endpoint", "--modem", "--for", "--json",
                    "--passphrase-stdin"),
            "import", List.of("--alias", "--cert", "--key", "--ca", "--p12", "--for", "--json", "--passphrase-stdin"),
            "list", List.of("--json"),
            "delete", List.of("--alias"));

    int execute(List<String> args) {
        if (!args.isEmpty() && args.get(0).equals("provision")) {
            return new CredsProvision(home, out, err).execute(args.subList(1, args.size()));
        }
        Options o;
        try {
            o = parse(args);
        } catch (IllegalArgumentException e) {
            err.println("uplink creds: " + e.getMessage());
            err.println("Run 'uplink creds --help' for the options.");
            return Main.EXIT_USAGE;
        }
        if (o.help) {
            out.println(USAGE);
            return Main.EXIT_OK;
        }
        try {
            switch (o.sub) {
            case "check":
                return check(o);
            case "import":
                return importFiles(o);
            case "list":
                return list(o);
            default:
                return delete(o);
            }
        } catch (NoSuchFileException e) {
            err.println("uplink creds: no such file: " + e.getFile());
            return Main.EXIT_USAGE;
        } catch (IOException e) {
            err.println("uplink creds: " + e.getMessage());
            return Main.EXIT_USAGE;
        }
    }

    private static Options parse(List<String> args) {
        Options o = new Options();
        if (args.isEmpty()) {
            throw new IllegalArgumentException("say what to do: check, import, list or delete");
        }
        o.sub = args.get(0);
        if (o.sub.equals("-h") || o.sub.equals("--help")) {
            o.help = true;
            return o;
        }
        if (!List.of("check", "import", "list", "delete").contains(o.sub)) {
            throw new IllegalArgumentException("unknown subcommand '" + o.sub + "'");
        }
        for (int i = 1; i < args.size(); i++) {
            String a = args.get(i);
            o.given.add(a);
            switch (a) {
            case "-h":
            case "--help":
                o.help = true;
                break;
            case "--json":
                o.json = true;
                break;
            case "--passphrase-stdin":
                o.passphraseStdin = true;
                break;
            case "--cert":
            case "--key":
            case "--ca":
            case "--p12":
                o.files.add(Path.of(value(args, ++i, a)));
                o.roles.add(a.substring(2));
                break;
            case "--alias":
                o.alias = value(args, ++i, a);
                break;
            case "--endpoint":
                o.endpoint = value(args, ++i, a);
                break;
            case "--modem":
                o.modem = value(args, ++i, a);
                break;
            case "--for":
                String use = value(args, ++i, a);
                if (!use.equals("broker") && !use.equals("console")) {
                    throw new IllegalArgumentException("--for takes 'broker' (the gateway's identity to a broker, "
                            + "the default) or 'console' (the console's HTTPS certificate), not '" + use + "'");
                }
                o.use = use.equals("console") ? CredentialUse.TLS_SERVER : CredentialUse.TLS_CLIENT;
                break;
            default:
                throw new IllegalArgumentException("unknown option '" + a + "'");
            }
        }
        if (o.help) {
            return o;
        }
        for (String a : o.given) {
            if (!TAKES.get(o.sub).contains(a)) {
                throw new IllegalArgumentException(a + " does not apply to 'creds " + o.sub + "', which takes "
                        + String.join(", ", TAKES.get(o.sub)));
            }
        }
        if ((o.sub.equals("check") || o.sub.equals("import")) && o.files.isEmpty()) {
            throw new IllegalArgumentException(o.sub + " needs at least one of --cert, --key, --ca, --p12");
        }
        if ((o.sub.equals("import") || o.sub.equals("delete")) && o.alias == null) {
            throw new IllegalArgumentException(o.sub + " needs --alias NAME");
        }
        return o;
    }

    private static String value(List<String> args, int i, String option) {
        if (i >= args.size() || args.get(i).startsWith("--")) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args.get(i);
    }

    private int check(Options o) throws IOException {
        List<byte[]> contents = CredentialFiles.read(o.files);
        char[] pass = passphrase(o);
        try {
            List<String> names = new ArrayList<>();
            for (Path f : o.files) {
                names.add(String.valueOf(f.getFileName()));
            }
            ValidationReport r = CredentialFiles.reader().inspect(names, contents, pass,
                    new ValidationContext("", o.endpoint, o.modem, Instant.now(), o.use));
            print(o, r, "Checked " + names(o.files));
            return r.isUsable() ? Main.EXIT_OK : Main.EXIT_FAILURE;
        } catch (CredentialException e) {
            printFailure(o, e, "Checked " + names(o.files));
            return Main.EXIT_USAGE;
        }
    }

    private int importFiles(Options o) throws IOException {
        List<byte[]> contents = CredentialFiles.read(o.files);
        byte[] joined = CredentialFiles.join(contents, o.roles);
        char[] pass = passphrase(o);
        try {
            ValidationReport r = store().importCredential(o.alias, joined, pass, o.use);
            print(o, r, "Stored under '" + o.alias + "' in " + storePath());
            return Main.EXIT_OK;
        } catch (CredentialException e) {
            boolean unreadable = e.getMessage().startsWith("The content cannot be read");
            printFailure(o, e, unreadable ? "Could not read " + names(o.files) : "Refused");
            return unreadable || e.problems().stream().anyMatch(p -> p.code().equals("alias-invalid"))
                    ? Main.EXIT_USAGE : Main.EXIT_FAILURE;
        }
    }

    private int list(Options o) throws IOException {
        BcCredentialStore store = store();
        try {
            store.verifyReadable();
        } catch (CredentialException e) {
            err.println("uplink creds: " + e.getMessage());
            return Main.EXIT_FAILURE;
        }
        List<CredentialSummary> all = store.list();
        if (o.json) {
            List<Object> items = new ArrayList<>();
            for (CredentialSummary s : all) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("alias", s.alias());
                m.put("subjects", s.subjects());
                m.put("privateKey", s.hasPrivateKey());
                m.put("earliestExpiry", s.earliestExpiry() == null ? null : s.earliestExpiry().toString());
                items.add(m);
            }
            out.println(Json.write(items));
        } else if (all.isEmpty()) {
            out.println("No credentials stored in " + storePath() + ".");
        } else {
            for (CredentialSummary s : all) {
                out.println(s.alias() + (s.hasPrivateKey() ? "  (certificate and key)" : "  (certificates)")
                        + (s.earliestExpiry() == null ? "" : "  expires " + s.earliestExpiry().toString()
                                .substring(0, 10)));
                for (String subject : s.subjects()) {
                    out.println("    " + subject);
                }
            }
        }
        return Main.EXIT_OK;
    }

    private int delete(Options o) throws IOException {
        try {
            boolean existed = store().delete(o.alias);
            out.println(existed ? "Deleted '" + o.alias + "'." : "No credentials named '" + o.alias + "'.");
            return existed ? Main.EXIT_OK : Main.EXIT_FAILURE;
        } catch (CredentialException e) {
            err.println("uplink creds: " + e.getMessage());
            return Main.EXIT_FAILURE;
        }
    }

    // --- output --------------------------------------------------------------------------------------------

    private void print(Options o, ValidationReport r, String heading) {
        if (o.json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("usable", r.isUsable());
            m.put("alias", r.alias().isEmpty() ? null : r.alias());
            m.put("contents", r.contents());
            m.put("problems", problems(r.problems()));
            out.println(Json.write(m));
            return;
        }
        out.println(heading);
        out.println();
        out.println("Found:");
        for (String line : r.contents()) {
            out.println("  " + line);
        }
        printProblems(r.problems());
        long errors = r.problems().stream().filter(p -> p.severity() == Problem.Severity.ERROR).count();
        long warnings = r.problems().stream().filter(p -> p.severity() == Problem.Severity.WARNING).count();
        out.println();
        out.println(r.isUsable() ? "Verdict: usable" + (warnings > 0 ? " (" + warnings + " warning"
                + (warnings > 1 ? "s" : "") + ")" : "") : "Verdict: NOT usable (" + errors + " error"
                        + (errors > 1 ? "s" : "") + ")");
    }

    private void printFailure(Options o, CredentialException e, String heading) {
        if (o.json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("usable", false);
            m.put("error", e.getMessage());
            m.put("problems", problems(e.problems()));
            out.println(Json.write(m));
            return;
        }
        out.println(heading);
        printProblems(e.problems());
        out.println();
        out.println("Verdict: " + e.getMessage());
    }

    private void printProblems(List<Problem> problems) {
        if (problems.isEmpty()) {
            return;
        }
        out.println();
        out.println("Problems:");
        for (Problem p : problems) {
            out.println("  " + String.format("%-7s", p.severity()) + " " + p.code() + ": " + p.cause());
            out.println("          Fix: " + p.fix());
        }
    }

    private static List<Object> problems(List<Problem> problems) {
        List<Object> list = new ArrayList<>();
        for (Problem p : problems) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("code", p.code());
            m.put("severity", p.severity().name());
            m.put("cause", p.cause());
            m.put("fix", p.fix());
            list.add(m);
        }
        return list;
    }

    // --- inputs and the store ------------------------------------------------------------------------------

    private char[] passphrase(Options o) throws IOException {
        if (!o.passphraseStdin) {
            return null;
        }
        String line = InputFiles.readLine(System.in, 4096, "standard input");
        if (line == null) {
            throw new IOException("--passphrase-stdin was given but standard input is empty");
        }
        return line.toCharArray();
    }

    /** The gateway's own store, with its configured file and secret. */
    BcCredentialStore store() throws IOException {
        Properties cfg = storeConfiguration();
        return BcCredentialStore.open(storePath(), "", cfg.getProperty("store.secret.file", ""),
                Duration.ofDays(expiryWarningDays(cfg)), (alias, change) -> { });
    }

    /** As the gateway does: a value that is no number in 1..365 is named and replaced by the default, 30. */
    private int expiryWarningDays(Properties cfg) {
        String text = cfg.getProperty("expiry.warning.days", "30").trim();
        try {
            int days = Integer.parseInt(text);
            if (days >= 1 && days <= 365) {
                return days;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        err.println("uplink creds: " + home.resolve("conf/io.uplink.credentials.cfg") + ": expiry.warning.days="
                + text + " is not a whole number from 1 to 365; using 30. Fix the value in that file.");
        return 30;
    }

    private Path storePath() throws IOException {
        String configured = storeConfiguration().getProperty("store.path", "").trim();
        return configured.isEmpty() ? home.resolve("data/credentials/credentials.bcfks") : Path.of(configured);
    }

    /** The gateway's own settings for the store, so both use the same file and secret. */
    private Properties storeConfiguration() throws IOException {
        Properties p = new Properties();
        Path cfg = home.resolve("conf/io.uplink.credentials.cfg");
        if (Files.isRegularFile(cfg)) {
            try (Reader r = Files.newBufferedReader(cfg, StandardCharsets.UTF_8)) {
                p.load(r);
            }
        }
        return p;
    }

    private static String names(List<Path> files) {
        List<String> n = new ArrayList<>();
        for (Path f : files) {
            n.add(String.valueOf(f.getFileName()));
        }
        return String.join(", ", n);
    }
}
