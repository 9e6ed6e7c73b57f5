package io.uplink.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConsolePasswordTest {

    @TempDir
    Path dir;

    @Test
    void hashHasTheWebConsoleFormatAndVerifies() {
        String hash = ConsolePassword.hash("correct horse", "0011aabb", 1000);
        assertThat(hash).matches("\\{sha-256\\}0011aabb-1000-[A-Za-z0-9+/]+=*");
        assertThat(ConsolePassword.matches("correct horse", hash)).isTrue();
        assertThat(ConsolePassword.matches("correct horsE", hash)).isFalse();
        assertThat(ConsolePassword.matches("", hash)).isFalse();
    }

    @Test
    void sameSaltAndPasswordGiveTheSameHashAndDifferentSaltsDiffer() {
        assertThat(ConsolePassword.hash("pw", "aa", 10)).isEqualTo(ConsolePassword.hash("pw", "aa", 10));
        assertThat(ConsolePassword.hash("pw", "aa", 10)).isNotEqualTo(ConsolePassword.hash("pw", "ab", 10));
    }

    @Test
    void generateStoresOnlyAHashAndAnOwnerOnlyClearFile() throws IOException {
        ConsolePassword store = new ConsolePassword(dir.resolve("secrets"));
        assertThat(store.exists()).isFalse();
        String password = store.generate();
        assertThat(store.exists()).isTrue();
        assertThat(store.storedHash()).doesNotContain(password);
        assertThat(ConsolePassword.matches(password, store.storedHash())).isTrue();
        assertThat(Files.readString(store.initialPasswordFile()).trim()).isEqualTo(password);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(store.initialPasswordFile())))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(store.hashFile())))
                .isEqualTo("rw-------");
    }

    @Test
    void twoGeneratedPasswordsDiffer() throws IOException {
        String a = new ConsolePassword(dir.resolve("a")).generate();
        String b = new ConsolePassword(dir.resolve("b")).generate();
        assertThat(a).isNotEqualTo(b).hasSize(20);
    }

    @Test
    void aDamagedHashFileIsReportedWithTheFix() throws IOException {
        ConsolePassword store = new ConsolePassword(dir);
        Files.writeString(store.hashFile(), "admin\n");
        assertThatThrownBy(store::storedHash).isInstanceOf(IOException.class).hasMessageContaining("damaged")
                .hasMessageContaining("uplink passwd");
    }
}
