package io.uplink.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

class ClientOptionsTlsPolicyTest {

    private static final ClientOptions.Own NONE = (option, args, i) -> 0;

    @Test
    void constrainedTurnsTlsOnAndIsKept() {
        ClientOptions o = ClientOptions.parse(List.of("-h", "broker", "-p", "1884", "--tls-policy", "Constrained"),
                NONE);
        assertThat(o.tlsPolicy).isEqualTo("constrained");
        assertThat(o.tlsOn()).isTrue();
    }

    @Test
    void unknownPoliciesAndModemTlsAreRefusedWithTheFix() {
        assertThatThrownBy(() -> ClientOptions.parse(List.of("--tls-policy", "fast"), NONE))
                .hasMessageContaining("'fast'").hasMessageContaining("constrained");
        assertThatThrownBy(() -> ClientOptions.parse(List.of("--tls", "modem", "--modem", "emulator:bg95", "--cafile",
                "ca.pem", "--tls-policy", "constrained"), NONE)).hasMessageContaining("--tls host");
        assertThatThrownBy(() -> ClientOptions.parse(List.of("--tls", "none", "--tls-policy", "modern"), NONE))
                .hasMessageContaining("--tls-policy");
    }
}
