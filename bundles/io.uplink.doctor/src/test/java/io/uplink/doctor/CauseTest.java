package io.uplink.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The cause table is the public vocabulary: unique codes, a meaning and a default fix each, all in README. */
class CauseTest {

    @Test
    void codesAreUniqueAndExplained() {
        List<String> codes = Arrays.stream(Cause.values()).map(Cause::code).toList();
        assertThat(codes).doesNotHaveDuplicates().allMatch(c -> c.equals("ok") || c.matches("[a-z]+\\.[a-z-]+"));
        for (Cause c : Cause.values()) {
            assertThat(c.meaning()).as(c.code()).isNotBlank();
            if (c != Cause.OK) {
                assertThat(c.fix()).as(c.code()).isNotBlank();
            }
            assertThat(Cause.of(c.code())).contains(c);
        }
    }

    @Test
    void readmeListsEveryCause() throws Exception {
        String readme = Files.readString(Path.of("../../README.md"));
        for (Cause c : Cause.values()) {
            assertThat(readme).as("README's cause table").contains("| `" + c.code() + "` |");
        }
    }
}
