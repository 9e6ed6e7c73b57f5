package io.uplink.features;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.Manifest;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.osgi.framework.wiring.BundleRevision;

/**
 * The built deployment packages are well-formed and install, start and uninstall through Felix DeploymentAdmin in a
 * real framework, as they would over the air on a gateway.
 */
class DeploymentPackageIT {

    private static final Path FEATURES = Path.of(System.getProperty("uplink.features.dir", "target"));
    private static final Path PLATFORM = Path.of(System.getProperty("uplink.platform.dir", "target/it-platform"));
    private static final String DEPLOYMENT_ADMIN = "org.osgi.service.deploymentadmin.DeploymentAdmin";

    @TempDir
    Path storage;

    private Framework framework;

    @BeforeEach
    void startPlatform() throws Exception {
        startPlatform(jar -> true);
    }

    /** Starts Felix with the platform's jars that {@code include} accepts (by file name). */
    private void startPlatform(java.util.function.Predicate<String> include) throws Exception {
        if (framework != null) {
            stopPlatform();
        }
        Map<String, String> config = new HashMap<>();
        config.put(Constants.FRAMEWORK_STORAGE, storage.toString());
        config.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        framework = ServiceLoader.load(FrameworkFactory.class).stream().map(ServiceLoader.Provider::get)
                .filter(f -> f.getClass().getName().startsWith("org.apache.felix")).findFirst().orElseThrow()
                .newFramework(config);
        framework.start();
        List<Bundle> installed = new ArrayList<>();
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(PLATFORM, "*.jar")) {
            for (Path jar : jars) {
                if (!include.test(jar.getFileName().toString())) {
                    continue;
                }
                try (InputStream in = Files.newInputStream(jar)) {
                    installed.add(framework.getBundleContext().installBundle(jar.toUri().toString(), in));
                }
            }
        }
        for (Bundle b : installed) {
            if ((b.adapt(BundleRevision.class).getTypes() & BundleRevision.TYPE_FRAGMENT) == 0) {
                b.start();
            }
        }
    }

    @AfterEach
    void stopPlatform() throws Exception {
        framework.stop();
        framework.waitForStop(30_000);
        framework = null;
    }

    @Test
    void coreManifestListsEveryBundleWithItsRealIdentityInOrder() throws IOException {
        assertThat(entriesOf("uplink-core.dp", "io.uplink.feature.core")).containsExactly(
                "bundles/io.uplink.feature.core.check.jar", "bundles/io.uplink.api.jar", "bundles/io.uplink.config.jar",
                "bundles/io.uplink.transport.os.jar", "bundles/io.uplink.credentials.jar", "bundles/io.uplink.tls.bc.jar",
                "uplink/requirements.properties");
    }

    @Test
    void everyFeatureIsAWellFormedPackageWithItsRequirementCheck() throws IOException {
        String[] features = { "thirdparty", "core", "modem", "quectel", "connector", "doctor", "kura" };
        for (String f : features) {
            List<String> entries = entriesOf("uplink-" + f + ".dp", "io.uplink.feature." + f);
            assertThat(entries).as(f).startsWith("bundles/io.uplink.feature." + f + ".check.jar")
                    .endsWith("uplink/requirements.properties");
        }
    }

    /** Checks the manifest against the entries (bundle identities, resource processors) and returns the entries. */
    private static List<String> entriesOf(String file, String symbolicName) throws IOException {
        byte[] dp = Files.readAllBytes(FEATURES.resolve(file));
        try (JarInputStream in = new JarInputStream(new ByteArrayInputStream(dp))) {
            Manifest manifest = in.getManifest();
            assertThat(manifest).as("the manifest must be the first entry").isNotNull();
            Attributes main = manifest.getMainAttributes();
            assertThat(main.getValue("DeploymentPackage-SymbolicName")).isEqualTo(symbolicName);
            assertThat(main.getValue("DeploymentPackage-Version")).matches("\\d+\\.\\d+\\.\\d+(\\..+)?");

            List<String> entries = new ArrayList<>();
            JarEntry e;
            while ((e = in.getNextJarEntry()) != null) {
                if (e.isDirectory()) {
                    continue;
                }
                entries.add(e.getName());
                Attributes section = manifest.getAttributes(e.getName());
                assertThat(section).as("manifest section for %s", e.getName()).isNotNull();
                if (!e.getName().startsWith("bundles/")) {
                    assertThat(section.getValue("Resource-Processor")).as(e.getName())
                            .isEqualTo(symbolicName + ".check");
                    continue;
                }
                Manifest bundle = new JarInputStream(new ByteArrayInputStream(in.readAllBytes())).getManifest();
                assertThat(section.getValue("Bundle-SymbolicName"))
                        .isEqualTo(bundle.getMainAttributes().getValue("Bundle-SymbolicName"));
                assertThat(section.getValue("Bundle-Version"))
                        .isEqualTo(bundle.getMainAttributes().getValue("Bundle-Version"));
            }
            assertThat(manifest.getEntries().keySet()).containsExactlyInAnyOrderElementsOf(entries);
            return entries;
        }
    }

    @Test
    void aPackageWhoseBundleCannotResolveFailsToInstallNamingWhatIsMissingAndLeavesNothing() throws Exception {
        startPlatform(jar -> !jar.startsWith("bctls")); // Kura without uplink-thirdparty.dp
        BundleContext context = framework.getBundleContext();
        Throwable failure = installExpectingFailure(context, "uplink-core.dp");
        assertThat(chain(failure)).contains("io.uplink.tls.bc").contains("package org.bouncycastle.tls")
                .contains("install uplink-thirdparty.dp first");
        assertThat(bundleState(context, "io.uplink.api")).as("rolled back").isEqualTo(-1);
        assertThat(bundleState(context, "io.uplink.feature.core.check")).as("rolled back").isEqualTo(-1);
    }

    @Test
    void aFeatureInstalledBeforeCoreFailsNamingCore() throws Exception {
        Throwable failure = installExpectingFailure(framework.getBundleContext(), "uplink-doctor.dp");
        assertThat(chain(failure)).contains("io.uplink.doctor").contains("package io.uplink.diagnostics")
                .contains("install uplink-core.dp first");
    }

    private static Throwable installExpectingFailure(BundleContext context, String dp) throws Exception {
        try (InputStream in = Files.newInputStream(FEATURES.resolve(dp))) {
            invoke(context, "installDeploymentPackage", new Class<?>[] { InputStream.class }, in);
        } catch (java.lang.reflect.InvocationTargetException e) {
            return e.getCause();
        }
        throw new AssertionError(dp + " installed although a bundle of it cannot resolve");
    }

    private static String chain(Throwable t) {
        StringBuilder b = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            b.append(c.getMessage()).append(" / ");
        }
        return b.toString();
    }

    @Test
    void coreInstallsStartsAndUninstallsThroughDeploymentAdmin() throws Exception {
        BundleContext context = framework.getBundleContext();
        Object deploymentPackage;
        try (InputStream in = Files.newInputStream(FEATURES.resolve("uplink-core.dp"))) {
            deploymentPackage = invoke(context, "installDeploymentPackage", new Class<?>[] { InputStream.class }, in);
        }
        assertThat(bundleState(context, "io.uplink.api")).isEqualTo(Bundle.ACTIVE);
        assertThat(bundleState(context, "io.uplink.transport.os")).isEqualTo(Bundle.ACTIVE);
        ServiceReference<?>[] transports = context.getAllServiceReferences("io.uplink.transport.Transport",
                "(transport.kind=os)");
        assertThat(transports).as("OS transport service from the installed package; services now: %s",
                describeServices(context)).hasSize(1);
        assertThat(bundleState(context, "io.uplink.credentials")).isEqualTo(Bundle.ACTIVE);
        assertThat(context.getAllServiceReferences("io.uplink.credentials.CredentialStore", null))
                .as("credential store service from the installed package").hasSize(1);
        assertThat(context.getAllServiceReferences("io.uplink.tls.TlsEngine", null))
                .as("TLS engine service from the installed package").hasSize(1);

        // Installing the same version again is a no-op, not a failure (a retried OTA must be harmless).
        try (InputStream in = Files.newInputStream(FEATURES.resolve("uplink-core.dp"))) {
            invoke(context, "installDeploymentPackage", new Class<?>[] { InputStream.class }, in);
        }
        assertThat(bundleState(context, "io.uplink.transport.os")).isEqualTo(Bundle.ACTIVE);

        Class<?> dpType = deploymentAdminBundle(context).loadClass("org.osgi.service.deploymentadmin.DeploymentPackage");
        dpType.getMethod("uninstall").invoke(deploymentPackage);
        assertThat(bundleState(context, "io.uplink.transport.os")).isEqualTo(-1);
        assertThat(context.getAllServiceReferences("io.uplink.transport.Transport", null)).isNull();
    }

    /** With -Pota-sign: jarsigner's output (the build's signing) is what the OTA service accepts. */
    @Test
    void signedCorePackageVerifiesAgainstTheBuildTimeTestCa() throws Exception {
        Path signed = FEATURES.resolve("uplink-core-signed.dp");
        Path ca = FEATURES.resolve("ota-test-key/ota-test-ca.pem");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isRegularFile(signed) && Files.isRegularFile(ca),
                "built without -Pota-sign");
        io.uplink.ota.verify.VerifiedPackage v = new io.uplink.ota.verify.PackageVerifier(
                io.uplink.ota.sign.SignerKeys.readChain(ca)).verify(signed, java.time.Instant.now());
        assertThat(v.name()).isEqualTo("io.uplink.feature.core");
        assertThat(v.bundles()).containsExactly("io.uplink.feature.core.check", "io.uplink.api", "io.uplink.config",
                "io.uplink.transport.os", "io.uplink.credentials", "io.uplink.tls.bc");
        assertThat(v.signer()).contains("Uplink OTA test signer - build time");
    }

    /** Calls a DeploymentAdmin method through its interface, loaded from the bundle that exports it. */
    private static Object invoke(BundleContext context, String method, Class<?>[] types, Object... args)
            throws Exception {
        ServiceReference<?> ref = context.getServiceReference(DEPLOYMENT_ADMIN);
        assertThat(ref).as("DeploymentAdmin service").isNotNull();
        Object admin = context.getService(ref);
        try {
            Method m = deploymentAdminBundle(context).loadClass(DEPLOYMENT_ADMIN).getMethod(method, types);
            return m.invoke(admin, args);
        } finally {
            context.ungetService(ref);
        }
    }

    private static Bundle deploymentAdminBundle(BundleContext context) {
        for (Bundle b : context.getBundles()) {
            if ("org.apache.felix.deploymentadmin".equals(b.getSymbolicName())) {
                return b;
            }
        }
        throw new AssertionError("org.apache.felix.deploymentadmin is not installed");
    }

    private static String describeServices(BundleContext context) throws Exception {
        StringBuilder b = new StringBuilder();
        for (ServiceReference<?> r : context.getAllServiceReferences(null, null)) {
            b.append(r.getBundle().getSymbolicName()).append(':')
                    .append(String.join(",", (String[]) r.getProperty(Constants.OBJECTCLASS))).append(' ');
        }
        return b.toString();
    }

    private static int bundleState(BundleContext context, String symbolicName) {
        for (Bundle b : context.getBundles()) {
            if (symbolicName.equals(b.getSymbolicName())) {
                return b.getState();
            }
        }
        return -1;
    }
}
