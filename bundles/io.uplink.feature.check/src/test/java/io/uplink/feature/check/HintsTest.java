package io.uplink.feature.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class HintsTest {

    private static Hints hints(String text) throws Exception {
        return Hints.read(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), 1024);
    }

    @Test
    void theLongestMatchingPrefixWinsAndOnlyWholeNameSegmentsMatch() throws Exception {
        Hints h = hints("org.bouncycastle = bcprov\norg.bouncycastle.tls = bctls: install uplink-thirdparty.dp\n");
        assertThat(h.forName("org.bouncycastle.tls.crypto")).isEqualTo("bctls: install uplink-thirdparty.dp");
        assertThat(h.forName("org.bouncycastle.tls")).isEqualTo("bctls: install uplink-thirdparty.dp");
        assertThat(h.forName("org.bouncycastle.asn1")).isEqualTo("bcprov");
        assertThat(h.forName("org.bouncycastlex")).isEmpty();
        assertThat(h.forName("com.example")).isEmpty();
    }

    @Test
    void aResourceLargerThanTheBoundIsRefused() {
        byte[] big = new byte[2000];
        assertThatThrownBy(() -> Hints.read(new ByteArrayInputStream(big), 1024))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("longer than 1024 bytes");
    }

    @Test
    void theShippedHintsNameThePackagesKuraLacks() throws Exception {
        Hints h = Hints.read(HintsTest.class.getResourceAsStream("/requirements.properties"), 64 * 1024);
        assertThat(h.forName("org.bouncycastle.tls")).contains("uplink-thirdparty.dp");
        assertThat(h.forName("com.fazecast.jSerialComm")).contains("uplink-thirdparty.dp");
        assertThat(h.forName("io.uplink.cloud")).contains("uplink-core.dp");
    }
}
