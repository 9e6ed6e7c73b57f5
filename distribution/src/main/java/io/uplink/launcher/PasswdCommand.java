package io.uplink.launcher;

import java.io.Console;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/** {@code uplink passwd}: sets the Web Console password of user {@code admin}. */
final class PasswdCommand {

    static final String USAGE = String.join("\n",
            "Usage: uplink passwd [--stdin]",
            "",
            "Set a new Web Console password for user 'admin'. Only a salted hash is stored",
            "(data/secrets/webconsole-admin.hash), the only password the console accepts.",
            "Takes effect at once, also in a running gateway.",
            "",
            "Options:",
            "  --stdin     Read the password from the first line of standard input (for scripts)",
            "  -h, --help  Show this help",
            "",
            "Passwords must be at least 12 characters long.");

    private static final int MIN_LENGTH = 12;

    private final Path home;
    private final PrintStream out;
    private final PrintStream err;

    PasswdCommand(Path home, PrintStream out, PrintStream err) {
        this.home = home;
        this.out = out;
        this.err = err;
    }

    int execute(List<String> args) {
        boolean stdin = false;
        for (String a : args) {
            if (a.equals("-h") || a.equals("--help")) {
                out.println(USAGE);
                return Main.EXIT_OK;
            } else if (a.equals("--stdin")) {
                stdin = true;
            } else {
                err.println("uplink passwd: unknown option '" + a + "'. Run 'uplink passwd --help'.");
                return Main.EXIT_USAGE;
            }
        }
        String password;
        try {
            password = stdin ? readStdin() : readConsole();
        } catch (IOException e) {
            err.println("uplink passwd: cannot read the password: " + e.getMessage());
            return Main.EXIT_FAILURE;
        }
        if (password == null) {
            return Main.EXIT_FAILURE;
        }
        if (password.isBlank()) {
            err.println("uplink passwd: the password is only spaces or tabs; give one with at least " + MIN_LENGTH
                    + " other characters.");
            return Main.EXIT_USAGE;
        }
        if (!password.equals(password.strip())) {
            err.println("uplink passwd: the password starts or ends with a space or tab, usually a copy-paste "
                    + "accident that makes the login fail later; remove it, or put it inside the password.");
            return Main.EXIT_USAGE;
        }
        if (password.length() < MIN_LENGTH) {
            err.println("uplink passwd: the password is too short (" + password.length() + " characters); use at least "
                    + MIN_LENGTH + ".");
            return Main.EXIT_USAGE;
        }
        try {
            ConsolePassword store = new ConsolePassword(home.resolve("data/secrets"));
            store.store(password);
            out.println("Web Console password for user '" + ConsolePassword.USER + "' changed; it applies at once.");
            for (Path removed : ConsolePassword.removeConsoleOverrides(home.resolve("data"))) {
                out.println("Removed the password set on the Web Console's own configuration page from " + removed
                        + ": it was not used (the console checks only " + store.hashFile() + ").");
            }
            return Main.EXIT_OK;
        } catch (IOException e) {
            err.println("uplink passwd: cannot store the password hash under " + home.resolve("data/secrets") + ": "
                    + e.getMessage() + ". Check that the folder is writable by this user.");
            return Main.EXIT_FAILURE;
        }
    }

    private static String readStdin() throws IOException {
        String line = InputFiles.readLine(System.in, 4096, "the password on standard input");
        if (line == null) {
            throw new IOException("standard input is empty");
        }
        return line;
    }

    private String readConsole() {
        Console console = System.console();
        if (console == null) {
            err.println("uplink passwd: no terminal to ask on; pipe the password in with --stdin.");
            return null;
        }
        char[] first = console.readPassword("New Web Console password for '%s': ", ConsolePassword.USER);
        char[] second = console.readPassword("Repeat it: ");
        if (first == null || second == null || !new String(first).equals(new String(second))) {
            err.println("uplink passwd: the two entries differ; nothing was changed.");
            return null;
        }
        return new String(first);
    }
}
