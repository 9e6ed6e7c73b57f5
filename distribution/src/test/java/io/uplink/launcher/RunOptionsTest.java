package io.uplink.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

    @TempDir
    Path home;

    @Test
    void httpsOptions() {
        RunOptions o = RunOptions.parse(List.of("--https"));
        assertThat(o.https()).isTrue();
        assertThat(o.httpsAlias()).isNull();
        RunOptions a = RunOptions.parse(List.of("--https-alias", "console"));
        assertThat(a.https()).isTrue();
        assertThat(a.httpsAlias()).isEqualTo("console");
        assertThat(RunOptions.parse(List.of("--allow-plain-http")).allowPlainHttp()).isTrue();
        assertThatThrownBy(() -> RunOptions.parse(List.of("--https", "--allow-plain-http")))
                .hasMessageContaining("contradict");
        assertThatThrownBy(() -> RunOptions.parse(List.of("--https-alias="))).hasMessageContaining("creds list");
    }

    @Test
    void plainHttpOnAnAddressOthersCanReachIsRefusedSayingWhyAndHow() {
        assertThatThrownBy(() -> FrameworkProperties.load(home, RunOptions.parse(List.of("--http-host", "0.0.0.0"))))
                .isInstanceOf(FrameworkProperties.Refused.class).hasMessageContaining("plain HTTP on 0.0.0.0")
                .hasMessageContaining("readable by anyone")
                .hasMessageContaining("--https").hasMessageContaining("--allow-plain-http");
    }

    @Test
    void plainHttpIsAllowedOnLoopbackOrWhenAskedFor() throws Exception {
        assertThat(FrameworkProperties.https(FrameworkProperties.load(home, RunOptions.parse(List.of())))).isFalse();
        Map<String, String> allowed = FrameworkProperties.load(home, RunOptions.parse(List.of("--http-host", "0.0.0.0",
                "--allow-plain-http")));
        assertThat(allowed.get("org.apache.felix.http.host")).isEqualTo("0.0.0.0");
    }

    @Test
    void httpsServesOnlyHttpsOnTheGivenPort() throws Exception {
        Map<String, String> p = FrameworkProperties.load(home, RunOptions.parse(List.of("--https", "--http-host",
                "0.0.0.0", "--http-port", "9443")));
        assertThat(FrameworkProperties.https(p)).isTrue();
        assertThat(FrameworkProperties.webPort(p)).isEqualTo(9443);
        assertThat(p).containsEntry("org.apache.felix.https.enable", "true")
                .containsEntry("org.apache.felix.http.enable", "false");
        assertThat(FrameworkProperties.webPort(FrameworkProperties.load(home, RunOptions.parse(List.of("--https")))))
                .isEqualTo(8443);
    }

    @Test
    void aGeneratedCertificateIsKeptOwnerOnlyAndReused() throws Exception {
        ConsoleTls tls = new ConsoleTls(home.resolve("data"));
        assertThat(tls.generatedFingerprint()).isEmpty();
        ConsoleTls.Keystore first = tls.generated("0.0.0.0");
        assertThat(first.created()).isTrue();
        assertThat(first.fingerprint()).matches("([0-9A-F]{2}:){31}[0-9A-F]{2}");
        assertThat(java.nio.file.Files.getPosixFilePermissions(first.file()))
                .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        assertThat(java.nio.file.Files.getPosixFilePermissions(first.file().getParent()))
                .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        ConsoleTls.Keystore again = new ConsoleTls(home.resolve("data")).generated("0.0.0.0");
        assertThat(again.created()).isFalse();
        assertThat(again.fingerprint()).isEqualTo(first.fingerprint());
        assertThat(tls.generatedFingerprint()).hasValue(first.fingerprint());
    }
}
