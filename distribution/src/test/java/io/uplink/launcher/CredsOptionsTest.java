package io.uplink.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code uplink creds} refuses options its subcommand does not take, as mosquitto_pub and openssl do. */
class CredsOptionsTest {

    @TempDir
    Path home;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return new CredsCommand(home, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).execute(List.of(args));
    }

    @Test
    void anOptionTheSubcommandDoesNotTakeIsRefusedWithWhatItTakes() {
        assertThat(run("list", "--for", "console")).isEqualTo(Main.EXIT_USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--for does not apply to 'creds list', which takes "
                + "--json").contains("uplink creds --help");
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();

        err.reset();
        assertThat(run("delete", "--alias", "a", "--for", "broker")).isEqualTo(Main.EXIT_USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--for does not apply to 'creds delete', which "
                + "takes --alias");

        err.reset();
        assertThat(run("import", "--alias", "a", "--cert", "x.crt", "--endpoint", "h")).isEqualTo(Main.EXIT_USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--endpoint does not apply to 'creds import'");
    }

    @Test
    void whatEachSubcommandTakesStillParsesAndHelpWinsOverEverything() {
        assertThat(run("list", "--json")).isEqualTo(Main.EXIT_OK);
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("[");
        out.reset();
        assertThat(run("delete", "--alias", "nothing-here")).as(err.toString(StandardCharsets.UTF_8))
                .isEqualTo(Main.EXIT_FAILURE);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("No credentials named 'nothing-here'");
        out.reset();
        assertThat(run("list", "--for", "console", "--help")).isEqualTo(Main.EXIT_OK);
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("Usage: uplink creds");
    }
}
