package io.uplink.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

class PubHostNameTest {

    @Test
    void theDefaultClientIdUsesTheKernelsNameWithoutALookup() throws Exception {
        Path kernel = Path.of("/proc/sys/kernel/hostname");
        String expected = Files.isReadable(kernel) ? Files.readString(kernel).trim() : System.getenv("HOSTNAME");
        assertThat(PubCommand.hostName()).isEqualTo(expected == null || expected.isBlank() ? "host" : expected);
    }
}
