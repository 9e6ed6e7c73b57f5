package io.uplink.web;

import java.util.function.BooleanSupplier;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.http.runtime.HttpServiceRuntime;
import org.osgi.service.http.runtime.dto.FilterDTO;
import org.osgi.service.http.runtime.dto.RuntimeDTO;
import org.osgi.service.http.runtime.dto.ServletContextDTO;
import org.osgi.service.http.runtime.dto.ServletDTO;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.uplink.web.guard.CrossSiteGuard;

/**
 * When a web server started by its first connection may accept: once the Web Console's servlet is registered and
 * the cross-site guard filters the context it is in (read from Felix HTTP's {@link HttpServiceRuntime}). Jetty's
 * connector starts before the console and the guard have registered with it; a request accepted then would meet
 * a 404, or a console page not yet behind the guard.
 *
 * <p>If the console's servlet does not appear within {@value #PATIENCE_MS} ms (the Web Console bundle did not
 * start), the connector accepts once the guard is on every context that serves anything, and says so. Without the
 * guard it never accepts, and says why.
 *
 * <p>Threads: {@link #whenReady} starts one daemon thread per web server start, which polls and then runs the
 * action; {@link #close} (component deactivation) ends it.
 */
final class ConsoleReady implements AutoCloseable {

    static final long PATIENCE_MS = 15_000;
    private static final long POLL_MS = 25;
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleReady.class);

    private final BooleanSupplier consoleGuarded;
    private final BooleanSupplier everythingGuarded;
    private final java.util.function.Supplier<String> describe;
    private volatile boolean closed;

    ConsoleReady(BundleContext context) {
        String root = context.getProperty("felix.webconsole.manager.root");
        String consoleRoot = root == null || root.isBlank() ? "/system/console" : root.trim();
        this.consoleGuarded = () -> check(context, consoleRoot, true);
        this.everythingGuarded = () -> check(context, consoleRoot, false);
        this.describe = () -> describe(context);
    }

    ConsoleReady(BooleanSupplier consoleGuarded, BooleanSupplier everythingGuarded) {
        this.consoleGuarded = consoleGuarded;
        this.everythingGuarded = everythingGuarded;
        this.describe = () -> "";
    }

    void whenReady(Runnable accept) {
        Thread t = new Thread(() -> await(accept), "uplink-console-ready");
        t.setDaemon(true);
        t.start();
    }

    private void await(Runnable accept) {
        long start = System.nanoTime();
        boolean warned = false;
        while (!closed) {
            long waited = (System.nanoTime() - start) / 1_000_000;
            if (consoleGuarded.getAsBoolean()) {
                LOG.debug("Web Console and cross-site guard registered after {} ms: accepting", waited);
                accept.run();
                return;
            }
            if (waited >= PATIENCE_MS) {
                if (everythingGuarded.getAsBoolean()) {
                    LOG.warn("The Web Console's servlet is not registered after {} ms (is the bundle "
                            + "org.apache.felix.webconsole active? The console's Bundles page or 'lb' in the shell "
                            + "says): serving what there is, behind the cross-site guard. Registered: {}", waited, describe.get());
                    accept.run();
                    return;
                }
                if (!warned) {
                    LOG.warn("The console's port holds its connections: the cross-site guard ({}, io.uplink.web) is "
                            + "not registered with the web server after {} ms, and nothing is served without it. "
                            + "Check that io.uplink.web is active and that Felix HTTP has no failed filters "
                            + "(the console's HTTP Service page, once up). Registered: {}", CrossSiteGuard.FILTER_NAME, waited,
                            describe.get());
                    warned = true;
                }
            }
            try {
                Thread.sleep(POLL_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public void close() {
        closed = true;
    }

    /**
     * With {@code console}: some context serves the console's root and has the guard. Without: every context that
     * serves a servlet has the guard (and there is at least one).
     */
    private static boolean check(BundleContext context, String consoleRoot, boolean console) {
        ServiceReference<HttpServiceRuntime> ref;
        try {
            ref = context.getServiceReference(HttpServiceRuntime.class);
        } catch (IllegalStateException stopping) {
            return false;
        }
        if (ref == null) {
            return false;
        }
        HttpServiceRuntime runtime = context.getService(ref);
        if (runtime == null) {
            return false;
        }
        try {
            RuntimeDTO dto = runtime.getRuntimeDTO();
            boolean any = false;
            for (ServletContextDTO c : dto.servletContextDTOs) {
                boolean serves = c.servletDTOs != null && c.servletDTOs.length > 0
                        || c.resourceDTOs != null && c.resourceDTOs.length > 0;
                boolean guarded = hasGuard(c.filterDTOs);
                if (console && guarded && servesConsole(c, consoleRoot)) {
                    return true;
                }
                if (!console && serves) {
                    if (!guarded) {
                        return false;
                    }
                    any = true;
                }
            }
            return !console && any;
        } finally {
            try {
                context.ungetService(ref);
            } catch (IllegalStateException stopping) {
                // the bundle is stopping
            }
        }
    }

    /** The contexts, their servlet patterns and filters, for an operator reading a warning. */
    private static String describe(BundleContext context) {
        try {
            ServiceReference<HttpServiceRuntime> ref = context.getServiceReference(HttpServiceRuntime.class);
            HttpServiceRuntime runtime = ref == null ? null : context.getService(ref);
            if (runtime == null) {
                return "no HttpServiceRuntime (Felix HTTP not started)";
            }
            try {
                StringBuilder b = new StringBuilder();
                for (ServletContextDTO c : runtime.getRuntimeDTO().servletContextDTOs) {
                    b.append("context '").append(c.name).append("' servlets");
                    for (ServletDTO s : c.servletDTOs) {
                        b.append(' ').append(java.util.Arrays.toString(s.patterns));
                    }
                    b.append(" filters");
                    for (FilterDTO f : c.filterDTOs) {
                        b.append(' ').append(f.name);
                    }
                    b.append("; ");
                }
                return b.toString();
            } finally {
                context.ungetService(ref);
            }
        } catch (IllegalStateException stopping) {
            return "(bundle stopping)";
        }
    }

    private static boolean hasGuard(FilterDTO[] filters) {
        if (filters != null) {
            for (FilterDTO f : filters) {
                if (CrossSiteGuard.FILTER_NAME.equals(f.name)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The Web Console 4.9 registers its servlet at "/" of a context of its own whose path is the root. */
    private static boolean servesConsole(ServletContextDTO c, String root) {
        ServletDTO[] servlets = c.servletDTOs;
        if (servlets != null && servlets.length > 0 && root.equals(c.contextPath)) {
            return true;
        }
        if (servlets != null) {
            for (ServletDTO s : servlets) {
                for (String p : s.patterns == null ? new String[0] : s.patterns) {
                    if (p.equals(root) || p.startsWith(root + "/")) {
                        return true;
                    }
                }
            }
        }
        return false;
    }
}
