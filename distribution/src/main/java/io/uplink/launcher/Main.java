package io.uplink.launcher;

import java.io.PrintStream;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;

/**
 * Entry point of {@code bin/uplink}: dispatches subcommands. Exit codes: 0 success, 1 failure at run time, 2 bad
 * arguments.
 */
public final class Main {

    static final int EXIT_OK = 0;
    static final int EXIT_FAILURE = 1;
    static final int EXIT_USAGE = 2;
    /** The running gateway cannot be reached, refused the login, or lacks the service asked for. */
    static final int EXIT_GATEWAY = 3;
    /** An update was installed, failed its health check, and the previous version runs again. */
    static final int EXIT_ROLLED_BACK = 4;

    private static final String USAGE = String.join("\n",
            "Usage: uplink <command> [options]",
            "",
            "Commands:",
            "  demo      Run the gateway on its embedded default: broker with TLS, emulated modem, telemetry",
            "  run       Start the gateway (Felix, Web Console, Uplink bundles) in the foreground",
            "  pub       Publish MQTT messages through the Uplink path (like mosquitto_pub, with a durable queue)",
            "  sub       Subscribe through the Uplink path and print what arrives (like mosquitto_sub)",
            "  doctor    Find out why the gateway does not reach its broker, and how to fix it",
            "  probe     What a broker's TLS accepts, and whether a modem's own TLS can talk to it",
            "  explain   Explain raw modem and library codes (+QSSLOPEN, +CME ERROR, mbedTLS, Paho)",
            "  passwd    Set a new Web Console password for user 'admin'",
            "  creds     Check certificate and key files; manage the gateway's credential store",
            "  ota       Over-the-air updates: sign and check packages; install, list, roll back on the gateway",
            "  modem     What a modem is and what its own TLS offers and holds (modem info)",
            "  help      Show this help, or 'uplink help <command>' for one command",
            "",
            "Options for every command:",
            "  -h, --help     Show help for the command",
            "  --version      Print the Uplink version",
            "",
            "Environment:",
            "  UPLINK_HOME        Installation folder (default: the folder above bin/)",
            "  UPLINK_JAVA_OPTS   JVM options (default: -Xms32m -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1;",
            "                     for 'run' they come after the gateway's small-memory defaults, listed in bin/uplink,",
            "                     and win over them)",
            "",
            "Exit codes: 0 success, 1 failure, 2 bad arguments (a command's help lists any others).");

    /**
     * A command's help, for 'uplink help COMMAND'. A switch rather than a map of every command's text: building such
     * a map initialises every command class, and with them the libraries of the one-shot commands, on each start
     * of the gateway too.
     */
    private static String usage(String command) {
        switch (command) {
        case "run":
            return RunCommand.USAGE;
        case "demo":
            return DemoCommand.USAGE;
        case "pub":
            return PubCommand.USAGE;
        case "sub":
            return SubCommand.USAGE;
        case "doctor":
            return DoctorCommand.USAGE;
        case "probe":
            return ProbeCommand.USAGE;
        case "explain":
            return ExplainCommand.USAGE;
        case "passwd":
            return PasswdCommand.USAGE;
        case "creds":
            return CredsCommand.USAGE;
        case "modem":
            return ModemCommand.USAGE;
        case "ota":
            return OtaCommand.USAGE;
        default:
            return USAGE;
        }
    }

    private Main() {
    }

    public static void main(String[] args) {
        // Command-line tools report through their output; their libraries' INFO logs would only be noise.
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        List<String> list = Arrays.asList(args);
        if (list.isEmpty()) {
            err.println(USAGE);
            return EXIT_USAGE;
        }
        String command = list.get(0);
        List<String> rest = list.subList(1, list.size());
        Path home = home();
        switch (command) {
        case "run":
            return new RunCommand(home, out, err).execute(rest);
        case "demo":
            return new DemoCommand(home, out, err).execute(rest);
        case "pub":
            return new PubCommand(home, out, err).execute(rest);
        case "sub":
            return new SubCommand(home, out, err).execute(rest);
        case "doctor":
            return new DoctorCommand(home, out, err).execute(rest);
        case "explain":
            return new ExplainCommand(out, err).execute(rest);
        case "probe":
            return new ProbeCommand(out, err).execute(rest);
        case "passwd":
            return new PasswdCommand(home, out, err).execute(rest);
        case "creds":
            return new CredsCommand(home, out, err).execute(rest);
        case "modem":
            return new ModemCommand(out, err).execute(rest);
        case "ota":
            return new OtaCommand(home, out, err).execute(rest);
        case "help":
        case "-h":
        case "--help":
            out.println(rest.isEmpty() ? USAGE : usage(rest.get(0)));
            return EXIT_OK;
        case "--version":
            out.println("uplink " + version());
            return EXIT_OK;
        default:
            err.println("uplink: unknown command '" + command + "'.");
            err.println("Run 'uplink --help' for the list of commands.");
            return EXIT_USAGE;
        }
    }

    static Path home() {
        String prop = System.getProperty("uplink.home");
        if (prop == null || prop.isBlank()) {
            prop = System.getenv("UPLINK_HOME");
        }
        return Paths.get(prop == null || prop.isBlank() ? "." : prop).toAbsolutePath().normalize();
    }

    static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v == null ? "development build" : v;
    }
}
