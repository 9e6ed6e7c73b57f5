package io.uplink.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The console's HTTPS key store for {@code uplink run}, made by {@link ConsoleTls} in a class loader of its own over
 * lib/ that is closed afterwards. The gateway's class path holds only the launcher, Felix and the API ('bin/uplink
 * run'): every jar a class loader opens keeps its index on the heap while the loader lives, and lib/ (Bouncy Castle,
 * the credential store and the one-shot commands' libraries) would cost the running gateway 2 MiB it needs only for
 * these few milliseconds at its start.
 */
final class IsolatedConsoleTls {

    private IsolatedConsoleTls() {
    }

    /**
     * @param alias the credential store alias of the certificate, or empty for the generated one
     * @see ConsoleTls#generated(String)
     * @see ConsoleTls#fromStore(String, io.uplink.credentials.store.BcCredentialStore)
     */
    static ConsoleTls.Keystore keystore(Path home, Path data, String host, String alias, PrintStream out,
            PrintStream err) throws IOException {
        try (URLClassLoader loader = new URLClassLoader("uplink-https", jars(home.resolve("lib")),
                ClassLoader.getPlatformClassLoader())) {
            Method make = loader.loadClass(IsolatedConsoleTls.class.getName()).getDeclaredMethod("make", Path.class,
                    Path.class, String.class, String.class, PrintStream.class, PrintStream.class);
            make.setAccessible(true);
            Object[] k = (Object[]) make.invoke(null, home, data, host, alias, out, err);
            return new ConsoleTls.Keystore((Path) k[0], (String) k[1], (String) k[2], (String) k[3], (Boolean) k[4]);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException("could not set up HTTPS: " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new IOException("could not set up HTTPS: " + home.resolve("lib") + " is incomplete (" + e
                    + "); unpack the distribution archive again", e);
        }
    }

    /** The generated certificate's fingerprint, when one was generated (for {@code run --help}). */
    static Optional<String> generatedFingerprint(Path home, Path data) {
        try (URLClassLoader loader = new URLClassLoader("uplink-https", jars(home.resolve("lib")),
                ClassLoader.getPlatformClassLoader())) {
            Method read = loader.loadClass(IsolatedConsoleTls.class.getName()).getDeclaredMethod("fingerprint",
                    Path.class);
            read.setAccessible(true);
            return Optional.ofNullable((String) read.invoke(null, data));
        } catch (IOException | ReflectiveOperationException | LinkageError e) {
            return Optional.empty();
        }
    }

    /** Runs inside the isolated loader. */
    @SuppressWarnings("unused")
    private static String fingerprint(Path data) {
        return new ConsoleTls(data).generatedFingerprint().orElse(null);
    }

    /** Runs inside the isolated loader: only JDK types cross over. */
    @SuppressWarnings("unused")
    private static Object[] make(Path home, Path data, String host, String alias, PrintStream out, PrintStream err)
            throws IOException {
        ConsoleTls console = new ConsoleTls(data);
        ConsoleTls.Keystore ks = alias.isEmpty() ? console.generated(host)
                : console.fromStore(alias, new CredsCommand(home, out, err).store());
        return new Object[] { ks.file(), ks.password(), ks.fingerprint(), ks.source(), ks.created() };
    }

    private static URL[] jars(Path lib) throws IOException {
        List<URL> urls = new ArrayList<>();
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(lib, "*.jar")) {
            for (Path jar : jars) {
                urls.add(jar.toUri().toURL());
            }
        } catch (MalformedURLException e) {
            throw new IOException(e);
        }
        return urls.toArray(new URL[0]);
    }
}
