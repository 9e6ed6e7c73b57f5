package io.uplink.features;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/** Builds deployment packages and bundles in tests, and rewrites packages entry by entry to tamper with them. */
public final class TestPackages {

    private TestPackages() {
    }

    /** A minimal bundle jar; with {@code activator}, a Bundle-Activator class name that does not exist. */
    public static byte[] bundle(String bsn, String version, String brokenActivator) throws IOException {
        Manifest m = new Manifest();
        Attributes a = m.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.putValue("Bundle-ManifestVersion", "2");
        a.putValue("Bundle-SymbolicName", bsn);
        a.putValue("Bundle-Version", version);
        if (brokenActivator != null) {
            a.putValue("Bundle-Activator", brokenActivator);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JarOutputStream j = new JarOutputStream(out, m)) {
            j.putNextEntry(new ZipEntry("readme.txt"));
            j.write((bsn + " " + version).getBytes(StandardCharsets.UTF_8));
            j.closeEntry();
        }
        return out.toByteArray();
    }

    /** An unsigned deployment package holding the given bundles (entry name -> bundle jar), in order. */
    public static void deploymentPackage(Path file, String name, String version, Map<String, byte[]> bundles)
            throws IOException {
        Manifest m = new Manifest();
        Attributes a = m.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.putValue("DeploymentPackage-SymbolicName", name);
        a.putValue("DeploymentPackage-Version", version);
        for (Map.Entry<String, byte[]> b : bundles.entrySet()) {
            Manifest bm = new java.util.jar.JarInputStream(new java.io.ByteArrayInputStream(b.getValue())).getManifest();
            Attributes s = new Attributes();
            s.putValue("Bundle-SymbolicName", bm.getMainAttributes().getValue("Bundle-SymbolicName"));
            s.putValue("Bundle-Version", bm.getMainAttributes().getValue("Bundle-Version"));
            m.getEntries().put(b.getKey(), s);
        }
        try (OutputStream o = Files.newOutputStream(file); JarOutputStream j = new JarOutputStream(o, m)) {
            for (Map.Entry<String, byte[]> b : bundles.entrySet()) {
                j.putNextEntry(new ZipEntry(b.getKey()));
                j.write(b.getValue());
                j.closeEntry();
            }
        }
    }

    /** A package of two small bundles. */
    public static void twoBundles(Path file, String name, String version) throws IOException {
        Map<String, byte[]> b = new LinkedHashMap<>();
        b.put("bundles/test.a.jar", bundle("test.a", version, null));
        b.put("bundles/test.b.jar", bundle("test.b", version, null));
        deploymentPackage(file, name, version, b);
    }

    /**
     * Copies {@code in} to {@code out}, passing each entry through {@code edit} (name, bytes) -> new bytes, or
     * {@code null} to drop it; {@code extra} entries are appended.
     */
    public static void rewrite(Path in, Path out, BiFunction<String, byte[], byte[]> edit, Map<String, byte[]> extra)
            throws IOException {
        try (ZipFile z = new ZipFile(in.toFile()); OutputStream o = Files.newOutputStream(out);
                ZipOutputStream zos = new ZipOutputStream(o)) {
            Enumeration<? extends ZipEntry> es = z.entries();
            while (es.hasMoreElements()) {
                ZipEntry e = es.nextElement();
                byte[] data;
                try (InputStream d = z.getInputStream(e)) {
                    data = d.readAllBytes();
                }
                byte[] edited = edit.apply(e.getName(), data);
                if (edited != null) {
                    zos.putNextEntry(new ZipEntry(e.getName()));
                    zos.write(edited);
                    zos.closeEntry();
                }
            }
            for (Map.Entry<String, byte[]> x : extra.entrySet()) {
                zos.putNextEntry(new ZipEntry(x.getKey()));
                zos.write(x.getValue());
                zos.closeEntry();
            }
        }
    }
}
