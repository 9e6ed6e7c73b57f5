package io.uplink.credentials;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Checks the signatures of the signed jars on the test class path (Bouncy Castle's) before Jazzer installs its agent.
 *
 * <p>Why: with Jazzer's class transformer installed, the first class read from a signed jar checks that jar's
 * signature while holding the jar, and the transformer it calls loads Jazzer's own classes; surefire's command thread,
 * loading a class through the same class path at that moment, waits for the jar. Seen once in a CI run: the fork of
 * io.uplink.doctor's fuzz targets sat there until it was killed. A fuzz target calls {@link #verifyNow()} from a
 * {@code @BeforeAll} method, which JUnit runs before Jazzer's argument provider installs the agent; after that each
 * jar's signature is checked already, and reading further classes from it only hashes them.
 */
public final class SignedJarsFirst {

    private SignedJarsFirst() {
    }

    /** Loads, without initialising, one class from each signed jar on the class path; returns those jars. */
    public static List<String> verifyNow() throws IOException {
        String path = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path", ""));
        ClassLoader loader = SignedJarsFirst.class.getClassLoader();
        List<String> verified = new ArrayList<>();
        for (String entry : path.split(File.pathSeparator)) {
            if (!entry.endsWith(".jar") || !new File(entry).isFile()) {
                continue;
            }
            Optional<String> className;
            try (JarFile jar = new JarFile(entry, false)) {
                if (jar.stream().map(JarEntry::getName).noneMatch(SignedJarsFirst::isSignature)) {
                    continue;
                }
                className = jar.stream().map(JarEntry::getName)
                        .filter(n -> n.endsWith(".class") && !n.startsWith("META-INF/") && !n.contains("-"))
                        .findFirst().map(n -> n.substring(0, n.length() - ".class".length()).replace('/', '.'));
            }
            if (className.isEmpty()) {
                continue;
            }
            try {
                Class.forName(className.get(), false, loader);
            } catch (ClassNotFoundException | LinkageError e) {
                // The bytes were read (and the jar's signature checked) before linking could fail; that is all
                // this is for.
            }
            verified.add(entry);
        }
        return verified;
    }

    private static boolean isSignature(String name) {
        return name.startsWith("META-INF/") && name.indexOf('/', "META-INF/".length()) < 0
                && (name.endsWith(".SF") || name.endsWith(".RSA") || name.endsWith(".DSA") || name.endsWith(".EC"));
    }
}
