package io.uplink.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PackageUploadTest {

    @TempDir
    Path dir;

    private static ByteArrayInputStream body(int n) {
        return new ByteArrayInputStream(new byte[n]);
    }

    @Test
    void storesTheAnnouncedBytesOwnerOnly() throws Exception {
        Path f = PackageUpload.receive(50_000, body(50_000), dir.resolve("up"), "a.dp", 100_000);
        assertThat(Files.size(f)).isEqualTo(50_000);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-------");
    }

    @Test
    void refusesMissingLengthTooLargeEmptyShortAndLongBodies() {
        assertThatThrownBy(() -> PackageUpload.receive(-1, body(10), dir, "a.dp", 100))
                .isInstanceOfSatisfying(PackageUpload.Refused.class, e -> assertThat(e.status()).isEqualTo(411));
        assertThatThrownBy(() -> PackageUpload.receive(101, body(101), dir, "a.dp", 100))
                .isInstanceOfSatisfying(PackageUpload.Refused.class, e -> {
                    assertThat(e.status()).isEqualTo(413);
                    assertThat(e.getMessage()).contains("up to 100 bytes");
                });
        assertThatThrownBy(() -> PackageUpload.receive(0, body(0), dir, "a.dp", 100))
                .isInstanceOfSatisfying(PackageUpload.Refused.class, e -> assertThat(e.status()).isEqualTo(400));
        assertThatThrownBy(() -> PackageUpload.receive(50, body(20), dir, "a.dp", 100))
                .isInstanceOfSatisfying(PackageUpload.Refused.class,
                        e -> assertThat(e.getMessage()).contains("after 20 of the 50"));
        assertThatThrownBy(() -> PackageUpload.receive(50, body(60), dir, "a.dp", 100))
                .isInstanceOf(PackageUpload.Refused.class).hasMessageContaining("more bytes");
        assertThat(dir.resolve("a.dp")).doesNotExist(); // nothing half-written stays behind
    }

    @Test
    void namesShownAreSanitized() {
        assertThat(PackagesApi.displayName("../../etc/<script>.dp")).isEqualTo(".._.._etc__script_.dp");
        assertThat(PackagesApi.displayName(null)).isEqualTo("uploaded package");
        assertThat(PackagesApi.displayName("x".repeat(500))).hasSize(200);
    }
}
