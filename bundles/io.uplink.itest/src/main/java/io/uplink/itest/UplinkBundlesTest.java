package io.uplink.itest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.junit5.context.BundleContextExtension;
import org.junit.jupiter.api.extension.ExtendWith;

/** Every Uplink bundle installed in the framework resolves and is ACTIVE. */
@ExtendWith(BundleContextExtension.class)
class UplinkBundlesTest {

    /** The bundles this build must deliver; later bundles are covered by the prefix check below. */
    private static final List<String> REQUIRED = List.of("io.uplink.api", "io.uplink.transport.os",
            "io.uplink.credentials", "io.uplink.tls.bc", "io.uplink.modem.serial", "io.uplink.modem.emulator",
            "io.uplink.modem.quectel");

    @InjectBundleContext
    BundleContext context;

    @Test
    void requiredBundlesAreInstalled() {
        List<String> installed = Arrays.stream(context.getBundles()).map(Bundle::getSymbolicName)
                .collect(Collectors.toList());
        assertThat(installed).containsAll(REQUIRED);
    }

    @Test
    void everyUplinkBundleIsActive() {
        List<String> notActive = uplinkBundles().stream()
                .filter(b -> !isFragment(b) && b.getState() != Bundle.ACTIVE)
                .map(b -> b.getSymbolicName() + " is " + stateName(b.getState()))
                .collect(Collectors.toList());
        assertThat(notActive).as("Uplink bundles that are not ACTIVE").isEmpty();
    }

    @Test
    void implementationBundlesExportNothing() {
        // Consumers depend on io.uplink.api only; that is what makes hot-swap work.
        List<String> exporting = uplinkBundles().stream()
                .filter(b -> !b.getSymbolicName().equals("io.uplink.api"))
                .filter(b -> !b.getSymbolicName().equals("io.uplink.itest"))
                .filter(b -> b.getHeaders().get("Export-Package") != null)
                .map(b -> b.getSymbolicName() + " exports " + b.getHeaders().get("Export-Package"))
                .collect(Collectors.toList());
        assertThat(exporting).isEmpty();
    }

    private List<Bundle> uplinkBundles() {
        return Arrays.stream(context.getBundles()).filter(b -> b.getSymbolicName().startsWith("io.uplink."))
                .collect(Collectors.toList());
    }

    private static boolean isFragment(Bundle b) {
        BundleRevision revision = b.adapt(BundleRevision.class);
        return revision != null && (revision.getTypes() & BundleRevision.TYPE_FRAGMENT) != 0;
    }

    private static String stateName(int state) {
        switch (state) {
        case Bundle.INSTALLED:
            return "INSTALLED (did not resolve: a required package or capability is missing)";
        case Bundle.RESOLVED:
            return "RESOLVED (not started)";
        case Bundle.STARTING:
            return "STARTING";
        case Bundle.STOPPING:
            return "STOPPING";
        case Bundle.UNINSTALLED:
            return "UNINSTALLED";
        default:
            return "state " + state;
        }
    }
}
