package io.uplink.web.guard;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import org.junit.jupiter.api.Test;

/** The headers every answer carries; HSTS only on HTTPS, where browsers honour it. */
class SecureHeadersTest {

    @Test
    void httpsAnswersCarryHsts() {
        Map<String, String> headers = headers(true);
        assertThat(headers).containsEntry("Strict-Transport-Security", "max-age=31536000")
                .containsEntry("X-Frame-Options", "SAMEORIGIN").containsKey("Content-Security-Policy");
    }

    @Test
    void plainHttpAnswersDoNot() {
        // Over plain HTTP the header is meaningless (RFC 6797 8.1) and would only mislead a reader of the answers.
        assertThat(headers(false)).doesNotContainKey("Strict-Transport-Security").containsKey("X-Frame-Options");
    }

    private static Map<String, String> headers(boolean secure) {
        HttpServletRequest req = (HttpServletRequest) Proxy.newProxyInstance(SecureHeadersTest.class.getClassLoader(),
                new Class<?>[] { HttpServletRequest.class }, (p, m, a) -> {
                    if (m.getName().equals("isSecure")) {
                        return secure;
                    }
                    throw new UnsupportedOperationException(m.getName());
                });
        Map<String, String> headers = new LinkedHashMap<>();
        HttpServletResponse res = (HttpServletResponse) Proxy.newProxyInstance(
                SecureHeadersTest.class.getClassLoader(), new Class<?>[] { HttpServletResponse.class }, (p, m, a) -> {
                    if (m.getName().equals("setHeader")) {
                        headers.put((String) a[0], (String) a[1]);
                        return null;
                    }
                    throw new UnsupportedOperationException(m.getName());
                });
        CrossSiteGuard.secureHeaders(req, res);
        return headers;
    }
}
