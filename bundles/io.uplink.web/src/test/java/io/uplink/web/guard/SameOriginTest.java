package io.uplink.web.guard;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SameOriginTest {

    private static SameOrigin.Verdict post(String origin, String referer, String fetchSite) {
        return SameOrigin.check("POST", "http", "127.0.0.1:8080", origin, referer, fetchSite, null);
    }

    @Test
    void aFormOnAnotherSiteIsRefusedByItsOrigin() {
        SameOrigin.Verdict v = post("http://localhost:9999", null, null);
        assertThat(v.allowed()).isFalse();
        assertThat(v.reason()).contains("another site").contains("http://localhost:9999")
                .contains("http://127.0.0.1:8080");
    }

    @Test
    void anotherPortOnTheSameHostIsAnotherOrigin() {
        assertThat(post("http://127.0.0.1:9999", null, null).allowed()).isFalse();
        assertThat(post("https://127.0.0.1:8080", null, null).allowed()).isFalse();
    }

    @Test
    void theConsolesOwnPagesMayPost() {
        assertThat(post("http://127.0.0.1:8080", "http://127.0.0.1:8080/system/console/bundles", "same-origin")
                .allowed()).isTrue();
        assertThat(post("HTTP://127.0.0.1:8080", null, null).allowed()).isTrue();
        assertThat(SameOrigin.check("POST", "https", "gw.example", "https://gw.example:443", null, null, null)
                .allowed()).isTrue();
    }

    @Test
    void anOpaqueOriginIsRefused() {
        // Sandboxed frames and some redirects send "Origin: null".
        assertThat(post("null", null, null).allowed()).isFalse();
    }

    @Test
    void withoutOriginTheRefererDecides() {
        assertThat(post(null, "http://evil.example/page", null).allowed()).isFalse();
        assertThat(post(null, "http://127.0.0.1:8080/system/console/configMgr", null).allowed()).isTrue();
        assertThat(post(null, "not a url at all", null).allowed()).isFalse();
    }

    @Test
    void theBrowsersFetchMetadataIsBelieved() {
        assertThat(post("http://127.0.0.1:8080", null, "cross-site").allowed()).isFalse();
        assertThat(post(null, null, "same-site").allowed()).isFalse();
    }

    @Test
    void toolsWithoutBrowserHeadersPass() {
        // curl, scripts: no Origin, no Referer, no Sec-Fetch-*; they hold the password themselves.
        assertThat(post(null, null, null).allowed()).isTrue();
    }

    @Test
    void readingIsAllowedButNotEmbeddingIntoAnotherSite() {
        assertThat(SameOrigin.check("GET", "http", "127.0.0.1:8080", null, null, "cross-site", "navigate")
                .allowed()).isTrue();
        assertThat(SameOrigin.check("GET", "http", "127.0.0.1:8080", null, null, "cross-site", "no-cors")
                .allowed()).isFalse();
        assertThat(SameOrigin.check("GET", "http", "127.0.0.1:8080", "http://evil", null, null, null)
                .allowed()).isTrue();
    }

    @Test
    void aRequestWithoutHostCannotBeCheckedAndIsRefused() {
        assertThat(SameOrigin.check("POST", "http", null, "http://127.0.0.1:8080", null, null, null).allowed())
                .isFalse();
    }
}
