package io.uplink.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A form-encoded POST body read with a bound, so that an oversized paste is refused by us with an explanation instead
 * of failing inside the servlet container's own parser (whose limit throws and answers 500).
 */
final class FormBody {

    /** The body is longer than the bound; {@link #length()} is what was announced or read so far. */
    static final class TooLarge extends Exception {
        private static final long serialVersionUID = 1L;
        private final long length;

        TooLarge(long length) {
            super(null, null, false, false);
            this.length = length;
        }

        long length() {
            return length;
        }
    }

    private FormBody() {
    }

    /** Reads and decodes at most {@code max} bytes of {@code application/x-www-form-urlencoded} content. */
    static Map<String, String> read(long declaredLength, InputStream in, int max) throws IOException, TooLarge {
        if (declaredLength > max) {
            throw new TooLarge(declaredLength);
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int n;
        while ((n = in.read(buf)) > 0) {
            body.write(buf, 0, n);
            if (body.size() > max) {
                throw new TooLarge(body.size());
            }
        }
        return parse(body.toString(StandardCharsets.US_ASCII));
    }

    static Map<String, String> parse(String text) {
        Map<String, String> form = new LinkedHashMap<>();
        for (String pair : text.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            form.putIfAbsent(key, value);
        }
        return form;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s; // a stray '%' stays as typed; the field's own check says what is wrong with it
        }
    }
}
