package io.uplink.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

class RunOptionsTest {

    @Test
    void defaultsLeaveTheConfigurationFileInCharge() {
        RunOptions o = RunOptions.parse(List.of());
        assertThat(o.httpHost()).isNull();
        assertThat(o.httpPort()).isNull();
        assertThat(o.shell()).isTrue();
        assertThat(o.help()).isFalse();
    }

    @Test
    void parsesBothOptionForms() {
        assertThat(RunOptions.parse(List.of("--http-port", "9090")).httpPort()).isEqualTo(9090);
        assertThat(RunOptions.parse(List.of("--http-port=9091")).httpPort()).isEqualTo(9091);
        assertThat(RunOptions.parse(List.of("--http-host", "0.0.0.0")).httpHost()).isEqualTo("0.0.0.0");
        assertThat(RunOptions.parse(List.of("--no-shell")).shell()).isFalse();
        assertThat(RunOptions.parse(List.of("-h")).help()).isTrue();
    }

    @Test
    void rejectsBadValuesNamingTheOption() {
        assertThatThrownBy(() -> RunOptions.parse(List.of("--http-port", "0"))).hasMessageContaining("1..65535");
        assertThatThrownBy(() -> RunOptions.parse(List.of("--http-port", "x"))).hasMessageContaining("not 'x'");
        assertThatThrownBy(() -> RunOptions.parse(List.of("--http-port"))).hasMessageContaining("needs a value");
        assertThatThrownBy(() -> RunOptions.parse(List.of("--http-host", "--no-shell")))
                .hasMessageContaining("needs a value");
        assertThatThrownBy(() -> RunOptions.parse(List.of("--colour"))).hasMessageContaining("unknown option");
    }
}
