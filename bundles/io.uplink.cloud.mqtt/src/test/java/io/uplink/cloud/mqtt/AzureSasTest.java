package io.uplink.cloud.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;

import org.junit.jupiter.api.Test;

class AzureSasTest {

    /** Expected value computed independently (Python hmac/base64/urllib) from Azure's documented algorithm. */
    @Test
    void matchesAnIndependentlyComputedToken() {
        assertThat(AzureSas.token("myhub.azure-devices.net", "gw-1", "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
                Instant.ofEpochSecond(1_800_000_000L))).isEqualTo("SharedAccessSignature "
                        + "sr=myhub.azure-devices.net%2Fdevices%2Fgw-1&sig=Qjqfdky0fzxL%2FoLAZROhask75b8gGKOlp08llnC91gk%3D"
                        + "&se=1800000000");
    }

    @Test
    void aKeyThatIsNotBase64IsRefusedWithTheFix() {
        assertThatThrownBy(() -> AzureSas.token("h", "d", "not base64 !!", Instant.EPOCH))
                .hasMessageContaining("not Base64").hasMessageContaining("Primary key");
    }
}
