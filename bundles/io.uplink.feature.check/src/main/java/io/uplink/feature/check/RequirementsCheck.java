package io.uplink.feature.check;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.osgi.framework.Bundle;
import org.osgi.framework.namespace.BundleNamespace;
import org.osgi.framework.namespace.ExecutionEnvironmentNamespace;
import org.osgi.framework.namespace.PackageNamespace;
import org.osgi.framework.wiring.BundleRequirement;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.resource.Namespace;

/** Resolves bundles and, for those that stay unresolved, names each mandatory requirement nothing installed meets. */
final class RequirementsCheck {

    private static final Pattern VERSION_LOW = Pattern.compile("\\(version>=([^)]+)\\)");
    private static final Pattern VERSION_HIGH = Pattern.compile("\\(!\\(version>=([^)]+)\\)\\)");

    private final FrameworkWiring wiring;
    private final Hints hints;

    RequirementsCheck(FrameworkWiring wiring, Hints hints) {
        this.wiring = wiring;
        this.hints = hints;
    }

    /** One sentence per problem; empty when every bundle resolved. */
    List<String> unresolved(Collection<Bundle> bundles) {
        wiring.resolveBundles(bundles);
        List<String> problems = new ArrayList<>();
        for (Bundle b : bundles) {
            if (b.getState() != Bundle.INSTALLED) {
                continue; // resolved (or further)
            }
            BundleRevision revision = b.adapt(BundleRevision.class);
            List<String> missing = new ArrayList<>();
            if (revision != null) {
                for (BundleRequirement r : revision.getDeclaredRequirements(null)) {
                    if (isMandatoryAtResolve(r) && wiring.findProviders(r).isEmpty()) {
                        missing.add(describe(r));
                    }
                }
            }
            if (missing.isEmpty()) {
                problems.add("Bundle " + b.getSymbolicName() + " " + b.getVersion() + " does not resolve although"
                        + " each of its requirements exists: two bundles offer conflicting versions of a package it"
                        + " uses; the OSGi log names them.");
            } else {
                problems.add("Bundle " + b.getSymbolicName() + " " + b.getVersion() + " needs "
                        + String.join("; ", missing) + ".");
            }
        }
        return problems;
    }

    private static boolean isMandatoryAtResolve(BundleRequirement r) {
        String ns = r.getNamespace();
        if (!ns.equals(PackageNamespace.PACKAGE_NAMESPACE) && !ns.equals(BundleNamespace.BUNDLE_NAMESPACE)
                && !ns.equals(ExecutionEnvironmentNamespace.EXECUTION_ENVIRONMENT_NAMESPACE)) {
            return false;
        }
        String effective = r.getDirectives().get(Namespace.REQUIREMENT_EFFECTIVE_DIRECTIVE);
        String resolution = r.getDirectives().get(Namespace.REQUIREMENT_RESOLUTION_DIRECTIVE);
        return (effective == null || Namespace.EFFECTIVE_RESOLVE.equals(effective))
                && !Namespace.RESOLUTION_OPTIONAL.equals(resolution);
    }

    private String describe(BundleRequirement r) {
        String filter = r.getDirectives().getOrDefault(Namespace.REQUIREMENT_FILTER_DIRECTIVE, "");
        String ns = r.getNamespace();
        String name = attribute(filter, ns);
        String what = switch (ns) {
            case PackageNamespace.PACKAGE_NAMESPACE -> "package " + name;
            case BundleNamespace.BUNDLE_NAMESPACE -> "bundle " + name;
            default -> "Java " + filter;
        };
        String range = range(filter);
        String hint = name.isEmpty() ? "" : hints.forName(name);
        return what + range + ", which no installed bundle provides" + (hint.isEmpty() ? "" : " (" + hint + ")");
    }

    private static String attribute(String filter, String key) {
        Matcher m = Pattern.compile("\\(" + Pattern.quote(key) + "=([^)]+)\\)").matcher(filter);
        return m.find() ? m.group(1) : "";
    }

    private static String range(String filter) {
        Matcher low = VERSION_LOW.matcher(filter);
        Matcher high = VERSION_HIGH.matcher(filter);
        String lo = low.find() ? low.group(1) : null;
        String hi = high.find() ? high.group(1) : null;
        if (lo == null && hi == null) {
            return "";
        }
        return " version " + (lo == null ? "" : ">= " + lo) + (lo != null && hi != null ? " and " : "")
                + (hi == null ? "" : "< " + hi);
    }
}
