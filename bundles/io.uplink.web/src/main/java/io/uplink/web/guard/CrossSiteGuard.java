package io.uplink.web.guard;

import java.io.IOException;
import java.util.Locale;

import javax.servlet.Filter;
import javax.servlet.FilterChain;
import javax.servlet.FilterConfig;
import javax.servlet.ServletException;
import javax.servlet.ServletRequest;
import javax.servlet.ServletResponse;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A filter in front of everything the web server serves (every Http Whiteboard context, so the whole Felix Web
 * Console and every plugin page, not page by page): refuses state-changing requests that another site's page makes the
 * administrator's browser send (cross-site request forgery), refuses bundle uploads (the gateway installs only what it
 * was built or signed with), and adds the headers that keep the console out of other sites' frames.
 *
 * <p>Stateless; called on Jetty's request threads.
 */
@Component(service = Filter.class, configurationPolicy = ConfigurationPolicy.IGNORE, property = {
    "osgi.http.whiteboard.filter.pattern=/*",
    "osgi.http.whiteboard.context.select=(osgi.http.whiteboard.context.name=*)",
    "osgi.http.whiteboard.filter.name=" + CrossSiteGuard.FILTER_NAME,
    "service.ranking:Integer=1000" })
public final class CrossSiteGuard implements Filter {

    /** The filter's name in the Http Whiteboard; the console's first connection waits until it is registered. */
    public static final String FILTER_NAME = "uplink-cross-site-guard";
    private static final Logger LOG = LoggerFactory.getLogger(CrossSiteGuard.class);

    /** Content Security Policy that the console's own pages (inline scripts, jQuery) live with. */
    static final String CSP = "frame-ancestors 'self'; form-action 'self'; base-uri 'self'; object-src 'none'";

    /**
     * Over HTTPS, browsers are told to use nothing else for a year (RFC 6797): a later plain-HTTP link or a network
     * that strips TLS cannot expose the login. Browsers ignore the header on a connection whose certificate they did
     * not accept, so a self-signed certificate still needs the operator's one-time check of its fingerprint.
     */
    static final String HSTS = "max-age=31536000";

    @Override
    public void init(FilterConfig config) {
        // nothing to set up
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest req = (HttpServletRequest) request;
        HttpServletResponse res = (HttpServletResponse) response;
        secureHeaders(req, res);

        SameOrigin.Verdict verdict = SameOrigin.check(req.getMethod(), req.getScheme(), req.getHeader("Host"),
                req.getHeader("Origin"), req.getHeader("Referer"), req.getHeader("Sec-Fetch-Site"),
                req.getHeader("Sec-Fetch-Mode"));
        if (!verdict.allowed()) {
            LOG.warn("Refused a cross-site {} {}: {}", req.getMethod(), req.getRequestURI(), verdict.reason());
            refuse(res, "Refused: " + verdict.reason() + ". The Web Console accepts changes only from its own "
                    + "pages; a page on another site cannot act with your login. If you did this yourself, "
                    + "open the console at the address you use for it and do it there.");
            return;
        }
        if (isBundleUpload(req)) {
            LOG.warn("Refused a bundle upload through the Web Console ({})", req.getRequestURI());
            refuse(res, "Refused: installing bundles through the Web Console is switched off. The gateway runs "
                    + "the bundles of its bundle/ folder (copy a jar there and restart) and deployment packages "
                    + "you install on purpose; an upload form is what an attacker with a stolen session would use.");
            return;
        }
        try {
            chain.doFilter(request, response);
        } catch (IOException | ServletException | RuntimeException e) {
            // The container would answer with the stack trace in the page; the log is the place for it.
            LOG.error("{} {} failed", req.getMethod(), req.getRequestURI(), e);
            if (res.isCommitted()) {
                throw e;
            }
            res.reset();
            secureHeaders(req, res);
            res.setStatus(HttpServletResponse.SC_INTERNAL_SERVER_ERROR);
            res.setContentType("text/plain;charset=UTF-8");
            res.getWriter().write("The gateway failed to answer this request (" + e.getClass().getSimpleName()
                    + "); the details are in its log (logs/uplink.log).\n");
        }
    }

    /** The console's bundle page installs and updates uploaded jars with multipart POSTs to {@code bundles}. */
    static boolean isBundleUpload(HttpServletRequest req) {
        if (!"POST".equalsIgnoreCase(req.getMethod())) {
            return false;
        }
        String type = req.getContentType();
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("multipart/")) {
            return false;
        }
        String uri = req.getRequestURI();
        return uri.contains("/bundles") || uri.endsWith("/install");
    }

    static void secureHeaders(HttpServletRequest req, HttpServletResponse res) {
        if (req.isSecure()) {
            res.setHeader("Strict-Transport-Security", HSTS);
        }
        res.setHeader("X-Frame-Options", "SAMEORIGIN");
        res.setHeader("X-Content-Type-Options", "nosniff");
        res.setHeader("Referrer-Policy", "same-origin");
        res.setHeader("Content-Security-Policy", CSP);
    }

    private static void refuse(HttpServletResponse res, String message) throws IOException {
        res.setStatus(HttpServletResponse.SC_FORBIDDEN);
        res.setContentType("text/plain;charset=UTF-8");
        res.setHeader("Cache-Control", "no-store");
        res.getWriter().write(message + "\n");
    }

    @Override
    public void destroy() {
        // nothing to release
    }
}
