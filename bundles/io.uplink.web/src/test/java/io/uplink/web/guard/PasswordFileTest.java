package io.uplink.web.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PasswordFileTest {

    @TempDir
    Path dir;

    /** Written as 'uplink passwd' writes it (the launcher's ConsolePassword uses the same format). */
    private Path write(String password, Instant at) throws IOException {
        Path f = dir.resolve("webconsole-admin.hash");
        Files.writeString(f, PasswordFile.hash(password, "00112233445566778899aabbccddeeff", 1000) + "\n");
        Files.setLastModifiedTime(f, FileTime.from(at));
        return f;
    }

    @Test
    void checksThePasswordAndFollowsAChangedFileWithoutARestart() throws IOException {
        PasswordFile file = new PasswordFile(write("first-password-1", Instant.parse("2026-01-01T00:00:00Z")));
        assertThat(file.matches("first-password-1")).isTrue();
        assertThat(file.matches("first-password-1")).isTrue(); // remembered
        assertThat(file.matches("wrong")).isFalse();

        write("second-password-2", Instant.parse("2026-01-01T00:01:00Z"));
        assertThat(file.matches("first-password-1")).isFalse();
        assertThat(file.matches("second-password-2")).isTrue();
    }

    @Test
    void aMissingOrDamagedFileSaysHowToFixIt() throws IOException {
        PasswordFile missing = new PasswordFile(dir.resolve("nothing"));
        assertThatThrownBy(() -> missing.matches("x")).isInstanceOf(IOException.class).hasMessageContaining("missing")
                .hasMessageContaining("uplink passwd");
        Path f = dir.resolve("damaged");
        Files.writeString(f, "{sha-256}zz-99999999999-abc\n");
        assertThatThrownBy(() -> new PasswordFile(f).matches("x")).hasMessageContaining("damaged");
        Files.writeString(f, "admin\n");
        assertThatThrownBy(() -> new PasswordFile(f).matches("x")).hasMessageContaining("damaged");
    }

    @Test
    void basicHeadersAreParsedStrictly() {
        assertThat(ConsoleLogin.basic("Basic YWRtaW46cHc6d2l0aDpjb2xvbnM=")).containsExactly("admin",
                "pw:with:colons");
        assertThat(ConsoleLogin.basic("Bearer abc")).isNull();
        assertThat(ConsoleLogin.basic("Basic !!!")).isNull();
        assertThat(ConsoleLogin.basic("Basic YWRtaW4=")).isNull(); // no colon
        assertThat(ConsoleLogin.basic(null)).isNull();
    }

    @Test
    void onlyTheConfiguredUserWithTheRightPasswordLogsIn() throws IOException {
        ConsoleLogin login = new ConsoleLogin("admin",
                new PasswordFile(write("first-password-1", Instant.parse("2026-01-01T00:00:00Z"))));
        assertThat(login.authenticate("admin", "first-password-1")).isEqualTo("admin");
        assertThat(login.authenticate("root", "first-password-1")).isNull();
        assertThat(login.authenticate("admin", "admin")).isNull();
        assertThat(login.authenticate("admin", null)).isNull();
    }
}
