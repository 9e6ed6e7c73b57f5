package io.uplink.feature.check;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/** Where a missing Java package comes from: the longest matching prefix of its name wins. */
final class Hints {

    private final TreeMap<String, String> byPrefix;

    Hints(Map<String, String> byPrefix) {
        this.byPrefix = new TreeMap<>(byPrefix);
    }

    /**
     * Reads {@code prefix = hint} lines (Java properties, UTF-8).
     *
     * @throws IllegalArgumentException if the stream holds more than {@code maxBytes}
     */
    static Hints read(InputStream in, int maxBytes) throws IOException {
        byte[] data = in.readNBytes(maxBytes + 1);
        if (data.length > maxBytes) {
            throw new IllegalArgumentException("longer than " + maxBytes + " bytes");
        }
        Properties p = new Properties();
        p.load(new java.io.InputStreamReader(new ByteArrayInputStream(data), StandardCharsets.UTF_8));
        Map<String, String> m = new TreeMap<>();
        for (String k : p.stringPropertyNames()) {
            m.put(k.trim(), p.getProperty(k).trim());
        }
        return new Hints(m);
    }

    /** The hint for a package or bundle name, or an empty string. */
    String forName(String name) {
        String best = "";
        String hint = "";
        for (Map.Entry<String, String> e : byPrefix.entrySet()) {
            String prefix = e.getKey();
            boolean matches = name.equals(prefix) || name.startsWith(prefix + ".");
            if (matches && prefix.length() > best.length()) {
                best = prefix;
                hint = e.getValue();
            }
        }
        return hint;
    }
}
