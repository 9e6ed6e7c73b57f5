package io.uplink.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.wiring.BundleRevision;

/**
 * Keeps the installed bundles in step with the jars in {@code bundle/}: installs new ones, updates changed ones,
 * uninstalls removed ones. Bundles installed by other means (deployment packages, the Web Console) are left alone.
 * The framework cache persists between runs, so bundle data (stored credentials, queues) survives restarts.
 */
final class BundleSet {

    private static final String LOCATION_PREFIX = "uplink:bundle/";
    /** Started first so that logging and configuration are in place before the components that use them. */
    private static final List<String> START_FIRST = List.of("slf4j.api", "ch.qos.logback.core",
            "ch.qos.logback.classic", "org.apache.felix.log", "org.apache.felix.logback",
            "org.apache.felix.configadmin", "org.apache.felix.fileinstall", "org.apache.felix.scr");
    private static final String GOGO_SHELL = "org.apache.felix.gogo.shell";

    private final BundleContext context;
    private final Path dir;
    private final boolean shell;
    private final List<Bundle> managed = new ArrayList<>();
    private final List<String> deferred = new ArrayList<>();

    BundleSet(BundleContext context, Path dir, boolean shell) {
        this.context = context;
        this.dir = dir;
        this.shell = shell;
    }

    void synchronize() throws IOException, BundleException {
        Map<String, Bundle> installed = new HashMap<>();
        for (Bundle b : context.getBundles()) {
            if (b.getLocation().startsWith(LOCATION_PREFIX)) {
                installed.put(b.getLocation(), b);
            }
        }
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(dir, "*.jar")) {
            for (Path jar : jars) {
                String location = LOCATION_PREFIX + jar.getFileName();
                Bundle existing = installed.remove(location);
                if (existing == null) {
                    managed.add(install(location, jar));
                } else {
                    if (Files.getLastModifiedTime(jar).toMillis() > existing.getLastModified()) {
                        try (InputStream in = Files.newInputStream(jar)) {
                            existing.update(in);
                        }
                    }
                    managed.add(existing);
                }
            }
        }
        for (Bundle gone : installed.values()) {
            gone.uninstall();
        }
    }

    private Bundle install(String location, Path jar) throws IOException, BundleException {
        try (InputStream in = Files.newInputStream(jar)) {
            return context.installBundle(location, in);
        } catch (BundleException e) {
            throw new BundleException("cannot install " + jar.getFileName() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Leaves the bundle named {@code symbolicName} out of {@link #startAll} and of the counts, for the caller to
     * start later, and clears the persistent start an earlier run left (the framework would start it again at its
     * own start otherwise). Returns the bundle, or null when none of that name is installed. Call before the
     * framework starts.
     */
    Bundle defer(String symbolicName) throws BundleException {
        for (Bundle b : managed) {
            if (symbolicName.equals(b.getSymbolicName())) {
                deferred.add(symbolicName);
                b.stop(); // not started yet: only clears the persistent autostart setting
                return b;
            }
        }
        return null;
    }

    /** Starts every non-fragment bundle; returns a plain-words line per bundle that did not start. */
    List<String> startAll() {
        List<Bundle> order = new ArrayList<>(managed);
        order.sort(Comparator.comparingInt(BundleSet::rank));
        List<String> problems = new ArrayList<>();
        for (Bundle b : order) {
            if (isFragment(b) || !wanted(b)) {
                continue;
            }
            try {
                b.start();
            } catch (BundleException e) {
                problems.add("bundle " + b.getSymbolicName() + " " + b.getVersion() + " did not start: "
                        + e.getMessage());
            }
        }
        return problems;
    }

    /** The bundles meant to run now (the shell excluded when it is switched off, deferred ones excluded). */
    int count() {
        return (int) managed.stream().filter(this::wanted).count();
    }

    int activeCount() {
        int n = 0;
        for (Bundle b : managed) {
            if (!wanted(b)) {
                continue;
            }
            if (b.getState() == Bundle.ACTIVE || isFragment(b) && b.getState() == Bundle.RESOLVED) {
                n++;
            }
        }
        return n;
    }

    private boolean wanted(Bundle b) {
        return (shell || !GOGO_SHELL.equals(b.getSymbolicName())) && !deferred.contains(b.getSymbolicName());
    }

    private static int rank(Bundle b) {
        int i = START_FIRST.indexOf(b.getSymbolicName());
        return i < 0 ? START_FIRST.size() : i;
    }

    private static boolean isFragment(Bundle b) {
        BundleRevision r = b.adapt(BundleRevision.class);
        return r != null && (r.getTypes() & BundleRevision.TYPE_FRAGMENT) != 0;
    }
}
