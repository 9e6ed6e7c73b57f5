package io.uplink.web.guard;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Set;

/**
 * Decides whether a request may reach the console: a request that changes state must come from the console's own
 * origin. Browsers mark every cross-site request (Origin on every POST, Sec-Fetch-Site on every request of a current
 * browser); tools such as curl send neither header and are not a cross-site threat, so they pass.
 *
 * <p>Plain logic over header values, without servlet types, so every rule is unit-tested.
 */
final class SameOrigin {

    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS", "TRACE");

    /** The outcome: {@code null} reason means allowed. */
    record Verdict(String reason) {
        static final Verdict ALLOWED = new Verdict(null);

        boolean allowed() {
            return reason == null;
        }
    }

    private SameOrigin() {
    }

    /**
     * @param method the HTTP method
     * @param scheme the scheme the request arrived on ({@code http} or {@code https})
     * @param host the Host header (the name the browser used for the console)
     * @param origin the Origin header or {@code null}
     * @param referer the Referer header or {@code null}
     * @param fetchSite the Sec-Fetch-Site header or {@code null}
     * @param fetchMode the Sec-Fetch-Mode header or {@code null}
     */
    static Verdict check(String method, String scheme, String host, String origin, String referer, String fetchSite,
            String fetchMode) {
        String own = host == null || host.isBlank() ? null : normalize(scheme + "://" + host.trim());
        boolean safe = SAFE_METHODS.contains(method.toUpperCase(Locale.ROOT));
        if (safe) {
            // Reading is harmless unless another site embeds a console resource (a script or image tag reading
            // JSON): browsers mark those as non-navigation cross-site fetches.
            if (crossSite(fetchSite) && fetchMode != null && !"navigate".equalsIgnoreCase(fetchMode)) {
                return new Verdict("a page on another site tried to load this console resource into itself");
            }
            return Verdict.ALLOWED;
        }
        if (crossSite(fetchSite)) {
            return new Verdict("the browser reports the request as sent from another site (Sec-Fetch-Site: "
                    + fetchSite + ")");
        }
        if (origin != null) {
            if (own == null) {
                return new Verdict("the request names no Host, so its origin " + origin + " cannot be checked");
            }
            String o = "null".equals(origin.trim()) ? null : normalize(origin.trim());
            if (o == null || !o.equals(own)) {
                return new Verdict("it was sent from another site (Origin " + origin.trim() + ", the console is "
                        + own + ")");
            }
            return Verdict.ALLOWED;
        }
        if (referer != null && !referer.isBlank()) {
            String r = normalize(referer.trim());
            if (own == null || r == null || !r.equals(own)) {
                return new Verdict("it was sent from another site (Referer " + originOf(referer.trim())
                        + ", the console is " + own + ")");
            }
        }
        return Verdict.ALLOWED;
    }

    private static boolean crossSite(String fetchSite) {
        return fetchSite != null
                && ("cross-site".equalsIgnoreCase(fetchSite.trim()) || "same-site".equalsIgnoreCase(fetchSite.trim()));
    }

    /** {@code scheme://host[:port]} in lower case without a default port, or {@code null} when not a URL. */
    static String normalize(String url) {
        try {
            URI u = new URI(url);
            String scheme = u.getScheme();
            String host = u.getHost();
            if (scheme == null || host == null) {
                return null;
            }
            scheme = scheme.toLowerCase(Locale.ROOT);
            int port = u.getPort();
            if (port == -1 || ("http".equals(scheme) && port == 80) || ("https".equals(scheme) && port == 443)) {
                return scheme + "://" + host.toLowerCase(Locale.ROOT);
            }
            return scheme + "://" + host.toLowerCase(Locale.ROOT) + ":" + port;
        } catch (URISyntaxException e) {
            return null;
        }
    }

    private static String originOf(String url) {
        String n = normalize(url);
        return n == null ? "(unreadable)" : n;
    }
}
