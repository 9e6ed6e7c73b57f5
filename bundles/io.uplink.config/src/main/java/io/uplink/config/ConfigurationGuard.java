package io.uplink.config;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationPlugin;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.MetaTypeInformation;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.service.metatype.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stands between ConfigurationAdmin and Uplink's components: a value that cannot become its field's type
 * ({@code read.timeout.ms=abc}, a keep-alive of 99999999999, {@code tcp.nodelay=yes}) is reported once, naming the
 * file or form, the field, the value and the fix, and left out of what the component receives, so the component runs
 * on that field's default instead of failing to activate (Declarative Services would throw and the service would
 * vanish). When the value is corrected the component gets it at once. Values are checked against the metatype of the
 * bundle the configuration is delivered to, so the rule is the one the forms show.
 *
 * <p>Called by ConfigurationAdmin on its own threads; the set of reported problems is concurrent. Immediate, so that
 * the reported set lives as long as the bundle (a delayed component would be made anew for every call).
 */
@Component(service = ConfigurationPlugin.class, immediate = true, configurationPolicy = ConfigurationPolicy.IGNORE,
        property = { ConfigurationPlugin.CM_RANKING + ":Integer=500", "config.plugin.id=io.uplink.config.guard" })
public final class ConfigurationGuard implements ConfigurationPlugin {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigurationGuard.class);
    private static final String OWN_PREFIX = "io.uplink.";

    private final MetaTypeService metaType;
    private final BundleContext context;
    /** OCD id -> the bundle that defines it: SCR names the target bundle on the first delivery only. */
    private final Map<String, Bundle> owners = new ConcurrentHashMap<>();
    /** pid -> "key=value problem" already reported, so that repeated deliveries do not repeat the log. */
    private final Map<String, Set<String>> reported = new ConcurrentHashMap<>();

    @org.osgi.service.component.annotations.Activate
    public ConfigurationGuard(@Reference MetaTypeService metaType, BundleContext context) {
        this.metaType = metaType;
        this.context = context;
    }

    @Override
    public void modifyConfiguration(ServiceReference<?> reference, Dictionary<String, Object> properties) {
        String pid = (String) properties.get("service.pid");
        String factoryPid = (String) properties.get("service.factoryPid");
        String ocdId = factoryPid != null ? factoryPid : pid;
        if (ocdId == null || !ocdId.startsWith(OWN_PREFIX)) {
            return;
        }
        ObjectClassDefinition ocd = definition(reference == null ? null : reference.getBundle(), ocdId);
        if (ocd == null) {
            return;
        }
        AttributeDefinition[] ads = ocd.getAttributeDefinitions(ObjectClassDefinition.ALL);
        if (ads == null) {
            return;
        }
        List<String> problems = new ArrayList<>();
        for (AttributeDefinition ad : ads) {
            Object value = properties.get(ad.getID());
            ValueCheck.Result r = ValueCheck.check(ad.getType(), value);
            if (r.usable()) {
                if (r.value() != null && r.value() != value) {
                    properties.put(ad.getID(), r.value());
                }
                continue;
            }
            properties.remove(ad.getID());
            problems.add(ad.getID() + "|" + shown(ad, value) + "|" + r.problem() + "|" + defaultOf(ad));
        }
        report(pid, source(properties), problems);
    }

    private void report(String pid, String source, List<String> problems) {
        Set<String> before = reported.getOrDefault(pid, Set.of());
        for (String p : problems) {
            if (!before.contains(p)) {
                String[] f = p.split("\\|", 4);
                LOG.error("Configuration {} ({}): {}={} {}; using the default {} until it is corrected. Fix: give "
                        + "{} a valid value there (the form in Web Console > OSGi > Configuration explains the field).",
                        pid, source, f[0], f[1], f[2], f[3], f[0]);
            }
        }
        for (String p : before) {
            if (!problems.contains(p)) {
                LOG.info("Configuration {} ({}): {} is valid again", pid, source, p.substring(0, p.indexOf('|')));
            }
        }
        if (problems.isEmpty()) {
            reported.remove(pid);
        } else {
            reported.put(pid, Set.copyOf(problems));
        }
    }

    /**
     * The OCD from the bundle the configuration is delivered to; when ConfigurationAdmin does not say (SCR passes no
     * reference for updates), from the bundle that defined it before, or else from whichever bundle defines it.
     */
    private ObjectClassDefinition definition(Bundle target, String ocdId) {
        if (target != null) {
            ObjectClassDefinition ocd = definitionIn(target, ocdId);
            if (ocd != null) {
                owners.put(ocdId, target);
                return ocd;
            }
        }
        Bundle known = owners.get(ocdId);
        if (known != null && known.getState() != Bundle.UNINSTALLED) {
            ObjectClassDefinition ocd = definitionIn(known, ocdId);
            if (ocd != null) {
                return ocd;
            }
        }
        for (Bundle b : context.getBundles()) {
            ObjectClassDefinition ocd = definitionIn(b, ocdId);
            if (ocd != null) {
                owners.put(ocdId, b);
                return ocd;
            }
        }
        return null;
    }

    private ObjectClassDefinition definitionIn(Bundle bundle, String ocdId) {
        MetaTypeInformation info = metaType.getMetaTypeInformation(bundle);
        if (info == null) {
            return null;
        }
        try {
            return info.getObjectClassDefinition(ocdId, null);
        } catch (IllegalArgumentException noSuchOcd) {
            return null;
        }
    }

    /** Secrets are never logged: password fields and the hidden ones whose id starts with a dot. */
    private static String shown(AttributeDefinition ad, Object value) {
        if (ad.getType() == AttributeDefinition.PASSWORD || ad.getID().startsWith(".")) {
            return "(hidden)";
        }
        if (value != null && value.getClass().isArray()) {
            return java.util.Arrays.deepToString(new Object[] { value }).replaceAll("^\\[|\\]$", "");
        }
        String s = String.valueOf(value);
        return "'" + (s.length() > 60 ? s.substring(0, 60) + "..." : s) + "'";
    }

    private static String defaultOf(AttributeDefinition ad) {
        String[] d = ad.getDefaultValue();
        return d == null || d.length == 0 ? "(none)" : String.join(",", d);
    }

    /** Where the value came from: the conf/ file FileInstall read it from, or else a form or ConfigAdmin call. */
    static String source(Dictionary<String, Object> properties) {
        Object file = properties.get("felix.fileinstall.filename");
        if (file != null) {
            try {
                return "file " + Path.of(URI.create(String.valueOf(file)));
            } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
                return "file " + file;
            }
        }
        return "set through ConfigurationAdmin (Web Console form or a management agent)";
    }
}
