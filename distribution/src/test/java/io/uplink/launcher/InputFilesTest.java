package io.uplink.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bounded reading of the command line's files and standard input (issue 16, Medium 10 and Low 17). */
class InputFilesTest {

    @TempDir
    Path dir;

    @Test
    void readsWhatFitsAndRefusesOneByteMore() throws Exception {
        Path f = dir.resolve("a");
        Files.write(f, new byte[100]);
        assertThat(InputFiles.read(f, 100, "the file")).hasSize(100);
        assertThatThrownBy(() -> InputFiles.read(f, 99, "the file")).isInstanceOf(InputFiles.TooLargeException.class)
                .hasMessageStartingWith("too-large").hasMessageContaining("100 bytes");
    }

    @Test
    void anEndlessStreamStopsAtTheLimit() throws Exception {
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                return 'x';
            }

            @Override
            public int read(byte[] b, int off, int len) {
                java.util.Arrays.fill(b, off, off + len, (byte) 'x');
                return len;
            }
        };
        assertThatThrownBy(() -> InputFiles.read(endless, 1 << 20, "standard input"))
                .isInstanceOf(InputFiles.TooLargeException.class).hasMessageContaining("goes on past 1048576 bytes");
        assertThatThrownBy(() -> InputFiles.readLine(endless, 4096, "standard input"))
                .isInstanceOf(InputFiles.TooLargeException.class);
        assertThat(InputFiles.read(new ByteArrayInputStream(new byte[70_000]), 70_000, "in")).hasSize(70_000);
    }

    @Test
    void aLineEndsAtTheNewlineWithoutItsCarriageReturn() throws Exception {
        assertThat(InputFiles.readLine(new ByteArrayInputStream("pässword\r\nrest".getBytes("UTF-8")), 100, "in"))
                .isEqualTo("pässword");
        assertThat(InputFiles.readLine(new ByteArrayInputStream(new byte[0]), 100, "in")).isNull();
    }

    @Test
    void foldersDevicesAndMissingFilesAreNamed() {
        assertThatThrownBy(() -> InputFiles.read(dir, 10, "the --cafile file")).hasMessageContaining("is a folder");
        assertThatThrownBy(() -> InputFiles.read(Path.of("/dev/zero"), 10, "the file"))
                .hasMessageContaining("not a regular file");
        assertThatThrownBy(() -> InputFiles.read(dir.resolve("missing"), 10, "the file"))
                .isInstanceOf(java.nio.file.NoSuchFileException.class);
    }

    @Test
    void anUnreadableFileSaysPermissionDenied() throws Exception {
        assumeFalse("root".equals(System.getProperty("user.name")), "root reads every file");
        Path f = dir.resolve("secret.key");
        Files.writeString(f, "x");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("---------"));
        assertThatThrownBy(() -> InputFiles.read(f, 10, "the --key file")).isInstanceOf(AccessDeniedException.class)
                .hasMessageContaining("permission denied");
    }
}
