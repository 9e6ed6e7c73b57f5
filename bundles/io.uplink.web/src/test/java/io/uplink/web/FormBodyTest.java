package io.uplink.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.Test;

class FormBodyTest {

    private static InputStream in(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void decodesFieldsAsBrowsersEncodeThem() throws Exception {
        Map<String, String> f = FormBody.read(-1, in("content=-----BEGIN+X-----%0D%0Aab%2Bc%3D&alias=a%C3%BC&e="), 1000);
        assertThat(f).containsEntry("content", "-----BEGIN X-----\r\nab+c=").containsEntry("alias", "aü")
                .containsEntry("e", "");
        assertThat(FormBody.parse("a=1&a=2&&b")).containsEntry("a", "1").containsEntry("b", "");
        assertThat(FormBody.parse("bad=%ZZ%")).containsEntry("bad", "%ZZ%");
    }

    @Test
    void aDeclaredOrActualBodyOverTheBoundIsRefusedWithoutReadingIt() {
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                return 'A';
            }

            @Override
            public int read(byte[] b, int off, int len) {
                java.util.Arrays.fill(b, off, off + len, (byte) 'A');
                return len;
            }
        };
        assertThatThrownBy(() -> FormBody.read(250_000, endless, 1000)).isInstanceOf(FormBody.TooLarge.class);
        assertThatThrownBy(() -> FormBody.read(-1, endless, 1000)).isInstanceOf(FormBody.TooLarge.class)
                .satisfies(e -> assertThat(((FormBody.TooLarge) e).length()).isBetween(1001L, 1000L + 8192));
    }

    @Test
    void theExplanationNamesTheLimitAndWhatToCheck() throws IOException {
        assertThat(UplinkConsolePlugin.tooLarge(250_000)).contains("244 KiB").contains("128 KiB")
                .contains("certificate and key files");
    }
}
