package io.uplink.web.guard;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;

import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import org.apache.felix.webconsole.WebConsoleSecurityProvider2;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Web Console's login: HTTP Basic against the password file that {@code bin/uplink passwd} writes
 * (framework property {@value #PASSWORD_FILE}), the one source of truth for the console password. The console's own
 * user and password settings (its configuration page) no longer apply. The launcher lists this provider's id in
 * {@code felix.webconsole.security.providers}, so without this bundle the console is not served at all: it fails
 * closed rather than falling back to a default password.
 */
@Component(service = org.apache.felix.webconsole.WebConsoleSecurityProvider.class,
        configurationPolicy = ConfigurationPolicy.IGNORE, property = {
            "webconsole.security.provider.id=" + ConsoleLogin.PROVIDER_ID, "service.ranking:Integer=1000" })
public final class ConsoleLogin implements WebConsoleSecurityProvider2 {

    static final String PROVIDER_ID = "uplink";
    static final String PASSWORD_FILE = "uplink.console.password.file";
    static final String USER = "uplink.console.user";
    private static final String REALM = "Uplink gateway";
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleLogin.class);

    private final String user;
    private final PasswordFile password;

    @Activate
    public ConsoleLogin(BundleContext context) {
        String u = context.getProperty(USER);
        this.user = u == null || u.isBlank() ? "admin" : u.trim();
        String file = context.getProperty(PASSWORD_FILE);
        this.password = file == null || file.isBlank() ? null : new PasswordFile(Path.of(file.trim()));
        if (password == null) {
            LOG.error("The framework property {} is not set: nobody can log in to the Web Console. The launcher "
                    + "(bin/uplink run) sets it; set it to the file 'bin/uplink passwd' writes.", PASSWORD_FILE);
        }
    }

    ConsoleLogin(String user, PasswordFile password) {
        this.user = user;
        this.password = password;
    }

    @Override
    public boolean authenticate(HttpServletRequest request, HttpServletResponse response) {
        String[] credentials = basic(request.getHeader("Authorization"));
        try {
            if (password == null) {
                return unavailable(response, "no password file is configured (framework property "
                        + PASSWORD_FILE + ")");
            }
            if (credentials != null && authenticate(credentials[0], credentials[1]) != null) {
                request.setAttribute("org.osgi.service.http.authentication.type", "BASIC");
                request.setAttribute("org.osgi.service.http.authentication.remote.user", credentials[0]);
                return true;
            }
            response.setHeader("WWW-Authenticate", "Basic realm=\"" + REALM + "\", charset=\"UTF-8\"");
            response.sendError(HttpServletResponse.SC_UNAUTHORIZED);
            return false;
        } catch (IOException e) {
            LOG.error("Web Console login impossible: {}", e.getMessage());
            return unavailable(response, e.getMessage());
        }
    }

    @Override
    public Object authenticate(String username, String pass) {
        if (password == null || username == null || pass == null || !user.equals(username)) {
            return null;
        }
        try {
            return password.matches(pass) ? username : null;
        } catch (IOException e) {
            LOG.error("Web Console login impossible: {}", e.getMessage());
            return null;
        }
    }

    @Override
    public boolean authorize(Object user, String role) {
        return user != null; // one administrator, allowed everything the console offers
    }

    private static boolean unavailable(HttpServletResponse response, String why) {
        try {
            response.setStatus(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
            response.setContentType("text/plain;charset=UTF-8");
            response.getWriter().write("The Web Console cannot check logins: " + why + ".\n");
        } catch (IOException | IllegalStateException e) {
            LOG.debug("could not answer the refused request", e);
        }
        return false;
    }

    /** User and password of an {@code Authorization: Basic} header, or {@code null}. */
    static String[] basic(String header) {
        if (header == null) {
            return null;
        }
        String h = header.trim();
        int space = h.indexOf(' ');
        if (space < 0 || !h.substring(0, space).equalsIgnoreCase("Basic")) {
            return null;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(h.substring(space + 1).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
        int colon = decoded.indexOf(':');
        return colon < 0 ? null : new String[] { decoded.substring(0, colon), decoded.substring(colon + 1) };
    }
}
