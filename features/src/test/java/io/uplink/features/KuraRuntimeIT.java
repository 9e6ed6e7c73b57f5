package io.uplink.features;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.osgi.framework.wiring.BundleRevision;

/**
 * Uplink on a runtime with Kura's versions, as a user installs it: Equinox, Felix SCR, ConfigAdmin, Metatype, Felix
 * DeploymentAdmin 0.9.5, Paho, Bouncy Castle 1.78.1 without bctls, SLF4J 1.7.36, Kura's H2, and a stand-in for Kura's
 * API bundle (io.uplink.kura.api, the build-only declaration: the real one is not on Maven Central). Run twice by the
 * features build: Kura 5.4 (Equinox 3.18, SCR 2.1.16, H2 2.1.214, Paho 1.2.1) and Kura 6 (SCR 2.2, H2 2.4.240).
 * The packages go in through DeploymentAdmin in the README's order; an endpoint configured through ConfigAdmin delivers
 * QoS 1 to mosquitto (which wants the password Kura's UI stored encrypted), directly and as a Kura CloudPublisher;
 * {@link KuraDiscovery} checks Kura would list each component with its form.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KuraRuntimeIT {

    private static final Path FEATURES = Path.of(System.getProperty("uplink.features.dir", "target"));
    private static final String FLAVOUR = System.getProperty("uplink.kura.flavour", "kura5");
    private static final Path PLATFORM = Path.of(System.getProperty("uplink.kura.platform.dir",
            "target/it-" + FLAVOUR));
    private static final String DEPLOYMENT_ADMIN = "org.osgi.service.deploymentadmin.DeploymentAdmin";
    private static final String[] ORDER = { "thirdparty", "core", "modem", "quectel", "connector", "doctor", "kura" };
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String BROKER_PASSWORD = "s3cret-for-the-broker";
    /** What the CryptoService stand-in takes for an encrypted value: this prefix, then the text reversed. */
    private static final String ENCRYPTED = "kura-aes:";

    @TempDir
    static Path storage;

    private Framework framework;
    private BundleContext context;
    private Process mosquitto;
    private int port;
    private final Map<String, Long> installMillis = new TreeMap<>();

    @BeforeAll
    void startKuraLikeRuntime() throws Exception {
        Map<String, String> config = new HashMap<>();
        config.put(Constants.FRAMEWORK_STORAGE, storage.resolve("osgi").toString());
        config.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        framework = ServiceLoader.load(FrameworkFactory.class).stream().map(ServiceLoader.Provider::get)
                .filter(f -> f.getClass().getName().startsWith("org.eclipse.osgi")).findFirst()
                .orElseThrow(() -> new AssertionError("Equinox is not on the class path of this run"))
                .newFramework(config);
        framework.start();
        context = framework.getBundleContext();
        List<Bundle> installed = new ArrayList<>();
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(PLATFORM, "*.jar")) {
            for (Path jar : jars) {
                try (InputStream in = Files.newInputStream(jar)) {
                    installed.add(context.installBundle(jar.toUri().toString(), in));
                }
            }
        }
        for (Bundle b : installed) {
            if ((b.adapt(BundleRevision.class).getTypes() & BundleRevision.TYPE_FRAGMENT) == 0) {
                b.start();
            }
        }
        registerCryptoServiceStandIn(bundle("io.uplink.kura.api"));
        port = freePort();
        Path conf = storage.resolve("mosquitto.conf");
        // The broker wants a password: the endpoint gets it only if Kura's encryption of Password fields is undone.
        Path passwords = storage.resolve("mosquitto.passwd");
        assertThat(new ProcessBuilder("mosquitto_passwd", "-b", "-c", passwords.toString(), "gw", BROKER_PASSWORD)
                .start().waitFor()).isZero();
        // user: as root, mosquitto would switch to the user 'mosquitto', who cannot read our private temp folder.
        Files.writeString(conf, "listener " + port + " 127.0.0.1\nallow_anonymous false\npassword_file " + passwords
                + "\nuser " + System.getProperty("user.name") + "\n");
        mosquitto = new ProcessBuilder("mosquitto", "-c", conf.toString()).redirectErrorStream(true)
                .redirectOutput(storage.resolve("mosquitto.log").toFile()).start();
        awaitTrue("mosquitto listening on " + port, () -> {
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
                return true;
            } catch (IOException e) {
                return false;
            }
        });
    }

    @AfterAll
    void stop() throws Exception {
        if (framework != null) {
            framework.stop();
            framework.waitForStop(30_000);
        }
        if (mosquitto != null) {
            mosquitto.destroy();
            mosquitto.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void packagesInstallInOrderEveryBundleIsActiveAndAnEndpointDeliversQos1ToMosquitto() throws Exception {
        String equinox = context.getBundle(0).getVersion().toString();
        String scr = bundle("org.apache.felix.scr").getVersion().toString();
        assertThat(equinox).startsWith(FLAVOUR.equals("kura5") ? "3.18." : "3.2");
        assertThat(scr).startsWith(FLAVOUR.equals("kura5") ? "2.1.16" : "2.2.");

        // Without uplink-thirdparty.dp the core package is refused, naming what is missing: Kura has no bctls.
        Throwable refused = installExpectingFailure("core");
        assertThat(chain(refused)).contains("io.uplink.tls.bc").contains("org.bouncycastle.tls")
                .contains("uplink-thirdparty.dp");

        for (String feature : ORDER) {
            long t0 = System.nanoTime();
            install(feature);
            installMillis.put(feature, (System.nanoTime() - t0) / 1_000_000);
        }
        List<String> notActive = new ArrayList<>();
        for (Bundle b : context.getBundles()) {
            String name = b.getSymbolicName();
            boolean ours = name.startsWith("io.uplink.") && !name.equals("io.uplink.kura.api");
            if ((ours || name.equals("bctls") || name.equals("com.fazecast.jSerialComm"))
                    && b.getState() != Bundle.ACTIVE) {
                notActive.add(name + " (state " + b.getState() + ")");
            }
        }
        assertThat(notActive).as("Uplink bundles not ACTIVE").isEmpty();
        assertThat(bundle("io.uplink.cloud.mqtt").adapt(org.osgi.framework.wiring.BundleWiring.class)
                .getRequiredWires("osgi.wiring.package").stream()
                .filter(w -> "org.h2.mvstore".equals(w.getCapability().getAttributes().get("osgi.wiring.package")))
                .map(w -> w.getProvider().getVersion().toString()).findFirst().orElse("none"))
                .as("the connector runs on the platform's own H2")
                .startsWith(FLAVOUR.equals("kura5") ? "2.1.214" : "2.4.240");

        Process sub = new ProcessBuilder("mosquitto_sub", "-h", "127.0.0.1", "-p", Integer.toString(port), "-q", "1",
                "-u", "gw", "-P", BROKER_PASSWORD,
                "-t", "kura/it/#", "-C", "2", "-W", "60", "-v").redirectErrorStream(true).start();
        // Both messages are retained: mosquitto_sub gets them whenever its subscription lands, so no race with it.

        // An endpoint as Kura's Cloud Connections tab creates it: a factory configuration with kura.service.pid.
        Dictionary<String, Object> endpoint = new Hashtable<>();
        endpoint.put("kura.service.pid", "uplink-kura");
        endpoint.put("cloud.endpoint.id", "uplink-kura");
        endpoint.put("host", "127.0.0.1");
        endpoint.put("port", port);
        endpoint.put("client.id", "uplink-" + FLAVOUR);
        endpoint.put("tls.mode", "none");
        endpoint.put("keepalive.seconds", 30);
        endpoint.put("username", "gw");
        // As Kura's UI stores a Password field: encrypted with the gateway's key.
        endpoint.put(".password", ENCRYPTED + new StringBuilder(BROKER_PASSWORD).reverse());
        configure("io.uplink.cloud.mqtt", endpoint);
        ServiceReference<?> connection = awaitService("io.uplink.cloud.CloudConnection",
                "(cloud.endpoint.id=uplink-kura)");
        Object uplink = context.getService(connection);
        awaitTrue("endpoint connected", () -> "CONNECTED".equals(String.valueOf(call(uplink, "state"))));
        long t0 = System.nanoTime();
        Object receipt = ((CompletionStage<?>) call(uplink, "publish", "kura/it/uplink",
                "direct".getBytes(StandardCharsets.UTF_8), 1, true)).toCompletableFuture().get(30, TimeUnit.SECONDS);
        long qos1Millis = (System.nanoTime() - t0) / 1_000_000;
        assertThat(String.valueOf(call(receipt, "deliveredAt"))).isNotEqualTo("null");

        // The same endpoint as a Kura cloud connection: a CloudPublisher a Kura application would use.
        Dictionary<String, Object> publisher = new Hashtable<>();
        publisher.put("kura.service.pid", "uplink-publisher");
        publisher.put("cloud.endpoint.service.pid", "uplink-kura");
        publisher.put("topic", "kura/it/publisher");
        publisher.put("qos", 1);
        publisher.put("encoding", "body");
        publisher.put("retain", true);
        configure("io.uplink.kura.publisher", publisher);
        ServiceReference<?> pubRef = awaitService("org.eclipse.kura.cloudconnection.publisher.CloudPublisher",
                "(kura.service.pid=uplink-publisher)");
        Object kuraPublisher = context.getService(pubRef);
        Bundle api = bundle("io.uplink.kura.api");
        Object payload = api.loadClass("org.eclipse.kura.message.KuraPayload").getConstructor().newInstance();
        call(payload, "setBody", (Object) "through-kura".getBytes(StandardCharsets.UTF_8));
        Object message = api.loadClass("org.eclipse.kura.cloudconnection.message.KuraMessage")
                .getConstructor(payload.getClass()).newInstance(payload);
        Object id = await("the publisher bound to its endpoint", () -> {
            try {
                return call(kuraPublisher, "publish", message);
            } catch (AssertionError e) {
                return null;
            }
        });
        assertThat(id).as("a QoS 1 message id Kura applications can await").isNotNull();

        assertThat(sub.waitFor(60, TimeUnit.SECONDS)).as("mosquitto_sub got both messages").isTrue();
        String received = new String(sub.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(received).contains("kura/it/uplink direct").contains("kura/it/publisher through-kura");

        // Kura's discovery: every Uplink configuration is a component Kura lists, with a form it can render.
        Dictionary<String, Object> telemetry = new Hashtable<>();
        telemetry.put("kura.service.pid", "uplink-telemetry");
        telemetry.put("cloud.endpoint.id", "uplink-kura");
        configure("io.uplink.telemetry", telemetry);
        awaitService("org.eclipse.kura.configuration.ConfigurableComponent", "(kura.service.pid=uplink-telemetry)");
        Class<?> marker = api.loadClass("org.eclipse.kura.configuration.ConfigurableComponent");
        Map<String, KuraDiscovery.Form> forms = KuraDiscovery.forms(context);
        List<KuraDiscovery.Component> components = KuraDiscovery.components(context, marker);
        Map<String, String> formOf = new TreeMap<>();
        for (KuraDiscovery.Component c : components) {
            assertThat(c.kuraPid()).as("kura.service.pid of %s", c.servicePid()).isNotNull();
            String formPid = c.factoryPid() != null ? c.factoryPid() : c.servicePid();
            assertThat(forms).as("form for %s", c.kuraPid()).containsKey(formPid);
            assertThat(forms.get(formPid).attributes()).isPositive();
            formOf.put(c.kuraPid(), formPid);
        }
        assertThat(formOf).containsEntry("io.uplink.transport.os", "io.uplink.transport.os")
                .containsEntry("io.uplink.credentials", "io.uplink.credentials")
                .containsEntry("io.uplink.tls.bc", "io.uplink.tls.bc")
                .containsEntry("uplink-kura", "io.uplink.cloud.mqtt")
                .containsEntry("uplink-publisher", "io.uplink.kura.publisher")
                .containsEntry("uplink-telemetry", "io.uplink.telemetry");
        assertThat(forms.values().stream().filter(KuraDiscovery.Form::factory).map(KuraDiscovery.Form::pid))
                .as("what Kura's \"+\" dialog offers").contains("io.uplink.cloud.mqtt", "io.uplink.modem",
                        "io.uplink.telemetry", "io.uplink.kura.publisher", "io.uplink.kura.subscriber");

        // Kura's Cloud Connections tab: "New connection" asks the factory, which creates the configuration through
        // Kura's ConfigurationService (here a stand-in doing what Kura's does with ConfigAdmin).
        registerConfigurationServiceStandIn(api);
        ServiceReference<?> factoryRef = awaitService(
                "org.eclipse.kura.cloudconnection.factory.CloudConnectionFactory", null);
        Object factory = context.getService(factoryRef);
        assertThat(call(factory, "getFactoryPid")).isEqualTo("io.uplink.cloud.mqtt");
        call(factory, "createConfiguration", "uplink-second");
        awaitTrue("the factory lists its new connection",
                () -> String.valueOf(call(factory, "getManagedCloudConnectionPids")).contains("uplink-second"));
        assertThat(String.valueOf(call(factory, "getManagedCloudConnectionPids"))).contains("uplink-kura");
        assertThat(call(factory, "getStackComponentsPids", "uplink-second")).isEqualTo(List.of("uplink-second"));
        call(factory, "deleteConfiguration", "uplink-second");
        awaitTrue("the deleted connection gone",
                () -> !String.valueOf(call(factory, "getManagedCloudConnectionPids")).contains("uplink-second"));

        System.out.printf("KuraRuntimeIT[%s]: Equinox %s, SCR %s; install ms %s; QoS 1 round trip %d ms; %d Kura "
                + "components, %d forms%n", FLAVOUR, equinox, scr, installMillis, qos1Millis, components.size(),
                forms.size());
    }

    /**
     * Kura's ConfigurationService as far as the cloud connection factory uses it: a factory configuration through
     * ConfigAdmin with {@code kura.service.pid} = the name given, and its deletion by that name.
     */
    private void registerConfigurationServiceStandIn(Bundle api) throws Exception {
        Class<?> type = api.loadClass("org.eclipse.kura.configuration.ConfigurationService");
        Object admin = context.getService(awaitService("org.osgi.service.cm.ConfigurationAdmin", null));
        Object standIn = java.lang.reflect.Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] { type },
                (proxy, method, args) -> switch (method.getName()) {
                    case "createFactoryConfiguration" -> {
                        @SuppressWarnings("unchecked")
                        Map<String, Object> given = (Map<String, Object>) args[2];
                        Dictionary<String, Object> props = new Hashtable<>(given);
                        props.put("kura.service.pid", args[1]);
                        call(call(admin, "createFactoryConfiguration", args[0], "?"), "update", props);
                        yield null;
                    }
                    case "deleteFactoryConfiguration" -> {
                        Object[] found = (Object[]) call(admin, "listConfigurations", "(kura.service.pid=" + args[0] + ")");
                        for (Object c : found == null ? new Object[0] : found) {
                            call(c, "delete");
                        }
                        yield null;
                    }
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    case "toString" -> "ConfigurationService stand-in";
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        context.registerService(type.getName(), standIn, null);
    }

    /** Kura's CryptoService as far as Uplink uses it: decrypts what it encrypted, refuses anything else. */
    private void registerCryptoServiceStandIn(Bundle api) throws Exception {
        Class<?> type = api.loadClass("org.eclipse.kura.crypto.CryptoService");
        Class<?> kuraException = api.loadClass("org.eclipse.kura.KuraException");
        Class<?> code = api.loadClass("org.eclipse.kura.KuraErrorCode");
        @SuppressWarnings({ "unchecked", "rawtypes" })
        Object decryptError = Enum.valueOf((Class) code, "INVALID_PARAMETER");
        Object standIn = java.lang.reflect.Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] { type },
                (proxy, method, args) -> switch (method.getName()) {
                    case "decryptAes" -> {
                        String v = new String((char[]) args[0]);
                        if (!v.startsWith(ENCRYPTED)) {
                            throw (Throwable) kuraException.getConstructor(code, Object[].class)
                                    .newInstance(decryptError, new Object[] { "not encrypted" });
                        }
                        yield new StringBuilder(v.substring(ENCRYPTED.length())).reverse().toString().toCharArray();
                    }
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    case "toString" -> "CryptoService stand-in";
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        context.registerService(type.getName(), standIn, null);
    }

    private void install(String feature) throws Exception {
        try (InputStream in = Files.newInputStream(FEATURES.resolve("uplink-" + feature + ".dp"))) {
            deploymentAdmin("installDeploymentPackage", in);
        }
    }

    private Throwable installExpectingFailure(String feature) throws Exception {
        try {
            install(feature);
        } catch (InvocationTargetException e) {
            return e.getCause();
        }
        throw new AssertionError("uplink-" + feature + ".dp installed although a bundle of it cannot resolve");
    }

    private Object deploymentAdmin(String method, InputStream in) throws Exception {
        ServiceReference<?> ref = context.getServiceReference(DEPLOYMENT_ADMIN);
        assertThat(ref).as("DeploymentAdmin service").isNotNull();
        Object admin = context.getService(ref);
        try {
            Method m = bundle("org.apache.felix.deploymentadmin").loadClass(DEPLOYMENT_ADMIN).getMethod(method,
                    InputStream.class);
            return m.invoke(admin, in);
        } finally {
            context.ungetService(ref);
        }
    }

    /** A factory configuration through ConfigAdmin, bound to no bundle ("?"), as Kura's ConfigurationService does. */
    private void configure(String factoryPid, Dictionary<String, Object> props) throws Exception {
        ServiceReference<?> ref = awaitService("org.osgi.service.cm.ConfigurationAdmin", null);
        Object admin = context.getService(ref);
        Object configuration = call(admin, "createFactoryConfiguration", factoryPid, "?");
        call(configuration, "update", props);
    }

    private ServiceReference<?> awaitService(String type, String filter) {
        return await(type + (filter == null ? "" : " " + filter), () -> {
            try {
                ServiceReference<?>[] refs = context.getAllServiceReferences(type, filter);
                return refs == null ? null : refs[0];
            } catch (org.osgi.framework.InvalidSyntaxException e) {
                throw new AssertionError(e);
            }
        });
    }

    private Bundle bundle(String symbolicName) {
        for (Bundle b : context.getBundles()) {
            if (symbolicName.equals(b.getSymbolicName())) {
                return b;
            }
        }
        throw new AssertionError(symbolicName + " is not installed");
    }

    /** Calls a public method by name and argument count, through a public type (service classes are often not). */
    static Object call(Object target, String name, Object... args) {
        for (Method m : target.getClass().getMethods()) {
            if (!m.getName().equals(name) || m.getParameterCount() != args.length) {
                continue;
            }
            Method callable = publicVersion(target.getClass(), m);
            try {
                return callable.invoke(target, args);
            } catch (IllegalArgumentException wrongOverload) {
                continue;
            } catch (InvocationTargetException e) {
                throw new AssertionError(name + " failed: " + e.getCause(), e.getCause());
            } catch (IllegalAccessException e) {
                throw new AssertionError(e);
            }
        }
        throw new AssertionError(target.getClass() + " has no method " + name + " with " + args.length + " arguments");
    }

    private static Method publicVersion(Class<?> type, Method m) {
        if (Modifier.isPublic(m.getDeclaringClass().getModifiers())) {
            return m;
        }
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            for (Class<?> i : c.getInterfaces()) {
                try {
                    return i.getMethod(m.getName(), m.getParameterTypes());
                } catch (NoSuchMethodException e) {
                    // not on this interface
                }
            }
        }
        m.setAccessible(true);
        return m;
    }

    private static <T> T await(String what, java.util.function.Supplier<T> probe) {
        long end = System.nanoTime() + WAIT.toNanos();
        while (true) {
            T v = probe.get();
            if (v != null && !Boolean.FALSE.equals(v)) {
                return v;
            }
            if (System.nanoTime() - end > 0) {
                throw new AssertionError("waited " + WAIT.toSeconds() + " s for " + what);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    private static void awaitTrue(String what, BooleanSupplier condition) {
        await(what, () -> condition.getAsBoolean() ? Boolean.TRUE : null);
    }

    private static String chain(Throwable t) {
        StringBuilder b = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            b.append(c.getMessage()).append(" / ");
        }
        return b.toString();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
