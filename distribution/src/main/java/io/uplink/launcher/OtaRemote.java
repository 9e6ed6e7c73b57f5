package io.uplink.launcher;

import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * {@code uplink ota install|list|rollback}: asks the running gateway, through its Web Console (see
 * {@link ConsoleClient}), and follows the job to its end with progress on stderr.
 */
final class OtaRemote {

    static final String USAGE = String.join("\n",
            "  install FILE|URL [--sha256 HEX] [--size BYTES] [--json]",
            "          Install or update a signed deployment package on the running gateway: a local FILE is",
            "          uploaded, a URL is downloaded by the gateway itself (resumed after drops; --sha256 and --size",
            "          are checked). Progress (bytes, rate, time left) goes to stderr; the gateway then checks the",
            "          signature, installs, and health-checks the package (rolling back when it fails).",
            "  list [--json]",
            "          The gateway's deployment packages: name, version, signer, the version a rollback returns",
            "          to, and the last job.",
            "  rollback NAME [--json]",
            "          Reinstall the version of package NAME that ran before its last update.",
            "",
            "  Options for install, list, rollback:",
            "    --gateway URL        The console, e.g. https://10.0.0.5:8443/system/console (default: the address",
            "                         'uplink run' recorded in data/console.url, else conf/framework.properties)",
            "    --fingerprint SHA256 Pin the gateway's HTTPS certificate (default: the one recorded at its start)",
            "    --password-file FILE The Web Console password (default: $" + ConsoleClient.PASSWORD_ENV + ", else",
            "                         data/secrets/initial-admin-password, else asked on the terminal)");

    private static final long POLL_MILLIS = 500;
    /** How long to wait for the page to come back when the update replaced it. */
    private static final long AFTER_RESTART_NANOS = 120_000_000_000L;

    private final Path home;
    private final PrintStream out;
    private final PrintStream err;
    private final LongSupplier nanos;

    OtaRemote(Path home, PrintStream out, PrintStream err, LongSupplier nanos) {
        this.home = home;
        this.out = out;
        this.err = err;
        this.nanos = nanos;
    }

    /** Options after the subcommand; positional arguments in {@code args}. */
    record Options(List<String> args, String gateway, String fingerprint, Path passwordFile, String sha256,
            long size, boolean json) {
    }

    int execute(String sub, Options o) {
        try {
            return switch (sub) {
            case "install" -> install(o);
            case "list" -> list(o);
            case "rollback" -> rollback(o);
            default -> throw new IllegalStateException(sub);
            };
        } catch (ConsoleClient.Failure e) {
            err.println("uplink ota " + sub + ": " + e.getMessage() + ".");
            return e.exit();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("uplink ota " + sub + ": interrupted; the job goes on in the gateway ('uplink ota list' "
                    + "shows its outcome).");
            return Main.EXIT_FAILURE;
        }
    }

    private int install(Options o) throws ConsoleClient.Failure, InterruptedException {
        if (o.args().size() != 1) {
            return usage("install", "install needs one FILE or URL");
        }
        String what = o.args().get(0);
        boolean url = what.matches("(?i)https?://.*");
        if (!o.sha256().isEmpty() && !o.sha256().matches("[0-9a-fA-F]{64}")) {
            return usage("install", "--sha256 needs 64 hex digits, not '" + o.sha256() + "'");
        }
        ConsoleClient.Answer started;
        if (url) {
            URI u;
            try {
                u = URI.create(what);
            } catch (IllegalArgumentException e) {
                return usage("install", "'" + what + "' is not a URL: " + e.getMessage());
            }
            ConsoleClient c = ConsoleClient.locate(home, o.gateway(), o.fingerprint(), o.passwordFile());
            Map<String, String> form = new LinkedHashMap<>();
            form.put("url", u.toString());
            form.put("sha256", o.sha256());
            form.put("size", o.size() < 0 ? "" : String.valueOf(o.size()));
            started = c.postForm("ota/install-url.json", form);
            return follow(c, started, o.json());
        }
        Path file = Path.of(what);
        if (!Files.isRegularFile(file)) {
            return usage("install", "no such file: " + file + " (give a deployment package file or an http(s) URL)");
        }
        if (o.size() >= 0 || !o.sha256().isEmpty()) {
            try {
                if (o.size() >= 0 && Files.size(file) != o.size()) {
                    err.println("uplink ota install: " + file + " is " + Files.size(file) + " bytes, not the "
                            + o.size() + " given with --size.");
                    return Main.EXIT_FAILURE;
                }
                if (!o.sha256().isEmpty() && !sha256(file).equalsIgnoreCase(o.sha256())) {
                    err.println("uplink ota install: the SHA-256 of " + file + " is " + sha256(file) + ", not the "
                            + o.sha256() + " given with --sha256: it is not the file meant.");
                    return Main.EXIT_FAILURE;
                }
            } catch (java.io.IOException e) {
                return usage("install", "cannot read " + file + ": " + e.getMessage());
            }
        }
        ConsoleClient c = ConsoleClient.locate(home, o.gateway(), o.fingerprint(), o.passwordFile());
        long total;
        try {
            total = Files.size(file);
        } catch (java.io.IOException e) {
            return usage("install", "cannot read " + file + ": " + e.getMessage());
        }
        // One web job at a time: ask before sending a large body that the gateway would refuse.
        ConsoleClient.Answer now = c.get("ota/packages.json");
        if (now.status() == 200 && now.object().get("web_job") instanceof Map<?, ?> w
                && "running".equals(w.get("state"))) {
            err.println("uplink ota install: the gateway runs an update started from the web (" + w.get("action") + " "
                    + w.get("target") + "); wait for it to end ('uplink ota list').");
            return Main.EXIT_FAILURE;
        }
        ProgressLine line = new ProgressLine(err, System.console() != null, nanos);
        started = c.upload("ota/upload?file=" + URLEncoder.encode(file.getFileName().toString(),
                StandardCharsets.UTF_8), file, sent -> line.report("Uploading", sent, total, -1, -1));
        line.done();
        return follow(c, started, o.json());
    }

    private int rollback(Options o) throws ConsoleClient.Failure, InterruptedException {
        if (o.args().size() != 1) {
            return usage("rollback", "rollback needs the package NAME ('uplink ota list' shows the names)");
        }
        ConsoleClient c = ConsoleClient.locate(home, o.gateway(), o.fingerprint(), o.passwordFile());
        return follow(c, c.postForm("ota/rollback.json", Map.of("name", o.args().get(0))), o.json());
    }

    /** Polls the job the gateway accepted until it ends; prints its outcome. */
    private int follow(ConsoleClient c, ConsoleClient.Answer started, boolean json)
            throws ConsoleClient.Failure, InterruptedException {
        if (started.status() != 202) {
            throw refused(started);
        }
        String id = String.valueOf(started.object().get("id"));
        java.time.Instant since = java.time.Instant.now().minusSeconds(5);
        ProgressLine line = new ProgressLine(err, System.console() != null, nanos);
        String phase = "";
        Map<String, Object> state = started.object();
        while ("running".equals(state.get("state"))) {
            Thread.sleep(POLL_MILLIS);
            ConsoleClient.Answer a;
            try {
                a = c.get("ota/job.json?id=" + URLEncoder.encode(id, StandardCharsets.UTF_8));
            } catch (ConsoleClient.Failure f) {
                if (f.exit() != Main.EXIT_GATEWAY) {
                    throw f;
                }
                a = null; // the page is away: the package may be replacing it
            }
            if (a == null || a.status() == 404 || a.status() == 503) {
                line.done();
                return afterPageRestart(c, since, json);
            }
            if (a.status() != 200) {
                throw refused(a);
            }
            state = a.object();
            if (state.get("progress") instanceof Map<?, ?> p) {
                String ph = String.valueOf(p.get("phase"));
                if (ph.equals("DOWNLOADING")) {
                    line.report("Gateway downloading", num(p.get("bytes")), num(p.get("total")),
                            num(p.get("bytes_per_second")), num(p.get("seconds_left")));
                } else if (!ph.equals(phase)) {
                    line.done();
                    err.println(phaseText(ph));
                }
                phase = ph;
            }
        }
        line.done();
        if (json) {
            out.println(Json.write(state));
        }
        String outcome = String.valueOf(state.get("outcome"));
        if ("done".equals(state.get("state"))) {
            if (!json) {
                out.println(outcome + ": " + state.get("message"));
            }
            return exitFor(outcome);
        }
        if (!json) {
            out.println("REFUSED (" + state.get("reason") + "): " + state.get("message"));
            if (state.get("fix") != null) {
                out.println("Fix: " + state.get("fix"));
            }
        }
        return Main.EXIT_FAILURE;
    }

    /**
     * The job vanished from the page: the package being installed replaced io.uplink.web (DeploymentAdmin restarts
     * it), or the gateway restarted. The OTA service's own record of its last job says how it ended.
     */
    private int afterPageRestart(ConsoleClient c, java.time.Instant since, boolean json)
            throws ConsoleClient.Failure, InterruptedException {
        err.println("The gateway's Uplink page went away during the job (an update of io.uplink.web itself, or a "
                + "restart); waiting for the OTA service's record of the outcome ...");
        long deadline = nanos.getAsLong() + AFTER_RESTART_NANOS;
        ConsoleClient.Failure last = null;
        while (nanos.getAsLong() - deadline < 0) {
            Thread.sleep(1000);
            ConsoleClient.Answer a;
            try {
                a = c.get("ota/packages.json");
            } catch (ConsoleClient.Failure f) {
                if (f.exit() != Main.EXIT_GATEWAY) {
                    throw f;
                }
                last = f;
                continue;
            }
            Map<String, Object> j = a.object();
            if (a.status() != 200 || !Boolean.TRUE.equals(j.get("available")) || j.get("running") != null) {
                continue;
            }
            if (j.get("last_job") instanceof Map<?, ?> m && endedSince(m.get("finished"), since)) {
                @SuppressWarnings("unchecked")
                Map<String, Object> job = (Map<String, Object>) m;
                Map<String, Object> state = new LinkedHashMap<>(job);
                state.put("state", "done");
                if (json) {
                    out.println(Json.write(state));
                } else {
                    out.println(job.get("outcome") + ": " + job.get("message"));
                }
                return exitFor(String.valueOf(job.get("outcome")));
            }
            break;
        }
        throw new ConsoleClient.Failure(Main.EXIT_GATEWAY, "lost track of the job: the gateway "
                + (last != null ? "did not come back (" + last.getMessage() + ")" : "records no job that ended since "
                        + since) + "; 'uplink ota list' shows the last job when it does");
    }

    private static boolean endedSince(Object finished, java.time.Instant since) {
        try {
            return !java.time.Instant.parse(String.valueOf(finished)).isBefore(since);
        } catch (java.time.format.DateTimeParseException e) {
            return false;
        }
    }

    private static int exitFor(String outcome) {
        return switch (outcome) {
        case "INSTALLED", "UNINSTALLED" -> Main.EXIT_OK;
        case "ROLLED_BACK" -> Main.EXIT_ROLLED_BACK;
        default -> Main.EXIT_FAILURE;
        };
    }

    private int list(Options o) throws ConsoleClient.Failure {
        if (!o.args().isEmpty()) {
            return usage("list", "list takes no arguments");
        }
        ConsoleClient c = ConsoleClient.locate(home, o.gateway(), o.fingerprint(), o.passwordFile());
        ConsoleClient.Answer a = c.get("ota/packages.json");
        if (a.status() != 200) {
            throw refused(a);
        }
        Map<String, Object> j = a.object();
        if (o.json()) {
            out.println(Json.write(j));
            return Boolean.TRUE.equals(j.get("available")) ? Main.EXIT_OK : Main.EXIT_GATEWAY;
        }
        if (!Boolean.TRUE.equals(j.get("available"))) {
            err.println("uplink ota list: " + j.get("problem") + ".");
            return Main.EXIT_GATEWAY;
        }
        List<?> packages = j.get("packages") instanceof List<?> l ? l : List.of();
        if (packages.isEmpty()) {
            out.println("No deployment packages installed.");
        } else {
            out.printf(Locale.ROOT, "%-32s %-16s %-16s %s%n", "NAME", "VERSION", "ROLLBACK TO", "SIGNER");
            for (Object p : packages) {
                Map<?, ?> m = (Map<?, ?>) p;
                out.printf(Locale.ROOT, "%-32s %-16s %-16s %s%n", m.get("name"), m.get("version"),
                        blank(m.get("previous")), blank(m.get("signer")));
            }
        }
        if (j.get("running") instanceof Map<?, ?> r) {
            out.println("Running: " + r.get("action") + " " + r.get("target") + " (" + r.get("phase") + ")");
        }
        if (j.get("last_job") instanceof Map<?, ?> last) {
            out.println("Last job: " + last.get("action") + " " + last.get("package") + " " + blank(last.get("from"))
                    + " -> " + blank(last.get("to")) + ": " + last.get("outcome") + " at " + last.get("finished")
                    + ". " + last.get("message"));
        }
        return Main.EXIT_OK;
    }

    private static ConsoleClient.Failure refused(ConsoleClient.Answer a) {
        int exit = a.status() == 503 || a.status() == 403 ? Main.EXIT_GATEWAY
                : a.status() == 409 ? Main.EXIT_FAILURE : a.status() >= 500 ? Main.EXIT_GATEWAY : Main.EXIT_FAILURE;
        return new ConsoleClient.Failure(exit, "the gateway answered " + a.status() + ": " + a.error());
    }

    private static String phaseText(String phase) {
        return switch (phase) {
        case "VERIFYING" -> "Checking the signature ...";
        case "INSTALLING" -> "Installing ...";
        case "HEALTH_CHECK" -> "Health check: waiting for the package's bundles and components ...";
        case "ROLLING_BACK" -> "Health check failed: rolling back ...";
        case "COMMITTING" -> "Healthy: confirming ...";
        case "UNINSTALLING" -> "Uninstalling ...";
        default -> phase + " ...";
        };
    }

    private static long num(Object v) {
        return v instanceof Number n ? n.longValue() : -1;
    }

    private static String blank(Object v) {
        return v == null || v.toString().isEmpty() ? "-" : v.toString();
    }

    private static String sha256(Path file) throws java.io.IOException {
        try (java.io.InputStream in = Files.newInputStream(file)) {
            java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[64 * 1024];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
            return java.util.HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    private int usage(String sub, String problem) {
        err.println("uplink ota " + sub + ": " + problem + ".");
        err.println("Run 'uplink ota --help' for the options.");
        return Main.EXIT_USAGE;
    }
}
