package io.uplink.features;

import io.uplink.ota.TestPackages;
import io.uplink.ota.TestPki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.util.tracker.ServiceTracker;

import io.uplink.credentials.CredentialStore;
import io.uplink.ota.OtaException;
import io.uplink.ota.OtaJob;
import io.uplink.ota.OtaReason;
import io.uplink.ota.PackageUpdater;
import io.uplink.ota.sign.PackageSigner;

/**
 * The OTA service in a real Felix with Felix DeploymentAdmin: a signed package installs and its bundles run; an
 * unsigned or foreign-signed one is refused and the running version stays; a version whose bundle does not start is
 * rolled back on its own; and the outcome survives a restart of the framework.
 */
class OtaInFrameworkIT {

    private static final Path PLATFORM = Path.of(System.getProperty("uplink.platform.dir", "target/it-platform"));
    private static final Path OTA = Path.of(System.getProperty("uplink.ota.dir", "target/it-ota"));
    /** Another DeploymentAdmin in place of the platform's (Kura's 0.9.5 on the Equinox run); empty: the platform's. */
    private static final String DEPLOYMENT_ADMIN_DIR = System.getProperty("uplink.deploymentadmin.dir", "");

    private static TestPki.Issued ca;
    private static TestPki.Issued signer;

    @TempDir
    Path dir;

    private Framework framework;

    @BeforeAll
    static void pki() throws Exception {
        ca = TestPki.ca("OTA IT CA");
        signer = TestPki.signer(ca, "OTA IT signer");
    }

    private BundleContext start(String frameworkPackage, boolean first) throws Exception {
        Map<String, String> config = new HashMap<>();
        config.put(Constants.FRAMEWORK_STORAGE, dir.resolve("cache").toString());
        config.put("uplink.data", dir.resolve("data").toString());
        // The test talks to the services through the API classes it was compiled against.
        config.put(Constants.FRAMEWORK_SYSTEMPACKAGES_EXTRA,
                "io.uplink.ota;version=1.1.0,io.uplink.credentials;version=1.2.0,io.uplink.cloud;version=1.3.0,"
                        + "io.uplink.transport;version=1.1.0,io.uplink.tls;version=1.2.0");
        framework = ServiceLoader.load(FrameworkFactory.class).stream().map(ServiceLoader.Provider::get)
                .filter(f -> f.getClass().getName().startsWith(frameworkPackage)).findFirst().orElseThrow()
                .newFramework(config);
        framework.start();
        BundleContext context = framework.getBundleContext();
        if (first) {
            List<Bundle> installed = new ArrayList<>();
            List<Path> dirs = new ArrayList<>(List.of(PLATFORM, OTA));
            if (!DEPLOYMENT_ADMIN_DIR.isEmpty()) {
                dirs.add(Path.of(DEPLOYMENT_ADMIN_DIR));
            }
            for (Path d : dirs) {
                try (DirectoryStream<Path> jars = Files.newDirectoryStream(d, "*.jar")) {
                    for (Path jar : jars) {
                        if (d == PLATFORM && !DEPLOYMENT_ADMIN_DIR.isEmpty()
                                && jar.getFileName().toString().startsWith("org.apache.felix.deploymentadmin")) {
                            continue; // replaced by the one in DEPLOYMENT_ADMIN_DIR
                        }
                        try (InputStream in = Files.newInputStream(jar)) {
                            installed.add(context.installBundle(jar.toUri().toString(), in));
                        }
                    }
                }
            }
            for (Bundle b : installed) {
                if ((b.adapt(BundleRevision.class).getTypes() & BundleRevision.TYPE_FRAGMENT) == 0) {
                    b.start();
                }
            }
        }
        return context;
    }

    @AfterEach
    void stop() throws Exception {
        if (framework != null) {
            framework.stop();
            framework.waitForStop(30_000);
        }
    }

    private static <T> T service(BundleContext context, Class<T> type) throws InterruptedException {
        ServiceTracker<T, T> t = new ServiceTracker<>(context, type, null);
        t.open();
        T s = t.waitForService(30_000);
        assertThat(s).as("%s service", type.getSimpleName()).isNotNull();
        return s;
    }

    /** Sets the health-check time through ConfigAdmin (its API lives in its bundle, hence reflection). */
    private static void configureOta(BundleContext context) throws Exception {
        String cmName = "org.osgi.service.cm.ConfigurationAdmin";
        Object cm = context.getService(context.getServiceReference(cmName));
        Object conf = cm.getClass().getMethod("getConfiguration", String.class, String.class).invoke(cm,
                "io.uplink.ota", "?");
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("health.timeout.seconds", 5);
        conf.getClass().getMethod("update", java.util.Dictionary.class).invoke(conf, props);
    }

    private Path signed(String version, boolean brokenB, TestPki.Issued by) throws Exception {
        Map<String, byte[]> bundles = new LinkedHashMap<>();
        bundles.put("bundles/test.a.jar", TestPackages.bundle("test.a", version, null));
        bundles.put("bundles/test.b.jar", TestPackages.bundle("test.b", version,
                brokenB ? "test.b.MissingActivator" : null));
        Path raw = dir.resolve("raw-" + version + ".dp");
        TestPackages.deploymentPackage(raw, "test.feature", version, bundles);
        if (by == null) {
            return raw;
        }
        Path out = dir.resolve("test.feature-" + version + "-" + System.nanoTime() + ".dp");
        new PackageSigner(by.keys().getPrivate(), List.of(by.cert())).sign(raw, out);
        return out;
    }

    private static Bundle bundle(BundleContext context, String bsn) {
        for (Bundle b : context.getBundles()) {
            if (bsn.equals(b.getSymbolicName())) {
                return b;
            }
        }
        throw new AssertionError(bsn + " is not installed");
    }

    /**
     * Runs on the framework the failsafe execution puts on the class path: Felix (the distribution) by default,
     * Equinox (Kura) in the execution "equinox"; both cannot share one class path.
     */
    @Test
    void signedInstallsRefusalsLeaveItAndABrokenUpdateIsRolledBack() throws Exception {
        String frameworkPackage = System.getProperty("uplink.framework", "org.apache.felix");
        BundleContext context = start(frameworkPackage, true);
        configureOta(context);
        CredentialStore store = service(context, CredentialStore.class);
        store.importCredential("ota-trust", TestPki.pem("CERTIFICATE", ca.cert().getEncoded())
                .getBytes(StandardCharsets.US_ASCII), null);
        PackageUpdater ota = service(context, PackageUpdater.class);

        OtaJob first = ota.install(signed("1.0.0", false, signer));
        assertThat(first.outcome()).as(first.message()).isEqualTo(OtaJob.Outcome.INSTALLED);
        assertThat(bundle(context, "test.a").getState()).isEqualTo(Bundle.ACTIVE);
        assertThat(bundle(context, "test.b").getState()).isEqualTo(Bundle.ACTIVE);

        Path unsigned = signed("1.5.0", false, null);
        assertThatThrownBy(() -> ota.install(unsigned)).isInstanceOfSatisfying(OtaException.class,
                e -> assertThat(e.reason()).isEqualTo(OtaReason.UNSIGNED));
        Path foreign = signed("1.6.0", false, TestPki.signer(TestPki.ca("Other CA"), "OTA IT signer"));
        assertThatThrownBy(() -> ota.install(foreign)).isInstanceOfSatisfying(OtaException.class,
                e -> assertThat(e.reason()).isEqualTo(OtaReason.SIGNER_UNTRUSTED));
        assertThat(ota.list()).singleElement().satisfies(p -> assertThat(p.version()).isEqualTo("1.0.0"));

        OtaJob broken = ota.install(signed("2.0.0", true, signer));
        assertThat(broken.outcome()).as(broken.message()).isEqualTo(OtaJob.Outcome.ROLLED_BACK);
        assertThat(broken.message()).contains("test.b").contains("1.0.0 is reinstalled");
        assertThat(bundle(context, "test.b").getVersion().toString()).isEqualTo("1.0.0");
        assertThat(bundle(context, "test.b").getState()).isEqualTo(Bundle.ACTIVE);

        OtaJob update = ota.install(signed("2.1.0", false, signer));
        assertThat(update.outcome()).as(update.message()).isEqualTo(OtaJob.Outcome.INSTALLED);
        assertThat(ota.list()).singleElement().satisfies(p -> {
            assertThat(p.version()).isEqualTo("2.1.0");
            assertThat(p.previousVersion()).isEqualTo("1.0.0");
            assertThat(p.signer()).isEqualTo("CN=OTA IT signer");
        });
        assertThat(ota.rollback("test.feature").outcome()).isEqualTo(OtaJob.Outcome.INSTALLED);
        assertThat(bundle(context, "test.a").getVersion().toString()).isEqualTo("1.0.0");

        framework.stop();
        framework.waitForStop(30_000);
        BundleContext again = start(frameworkPackage, false);
        PackageUpdater restarted = service(again, PackageUpdater.class);
        assertThat(restarted.lastJob()).get().satisfies(j -> {
            assertThat(j.action()).isEqualTo("rollback");
            assertThat(j.toVersion()).isEqualTo("1.0.0");
        });
        assertThat(restarted.list()).singleElement().satisfies(p -> assertThat(p.version()).isEqualTo("1.0.0"));
    }
}
