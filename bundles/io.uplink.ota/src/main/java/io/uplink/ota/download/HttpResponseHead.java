package io.uplink.ota.download;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The status line and headers of an HTTP/1.1 response, read byte by byte from the connection so that nothing of the
 * body is consumed. Bounded: a line longer than {@value #MAX_LINE} bytes or more than {@value #MAX_HEADERS} headers is
 * refused, so a hostile server cannot make the gateway hold more.
 */
record HttpResponseHead(int status, String reason, Map<String, String> headers) {

    static final int MAX_LINE = 8192;
    static final int MAX_HEADERS = 100;

    String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    static HttpResponseHead read(InputStream in) throws IOException {
        String statusLine = line(in);
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP/1.x response: '" + printable(statusLine) + "'");
        }
        int status;
        try {
            status = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new IOException("bad HTTP status line: '" + printable(statusLine) + "'");
        }
        Map<String, String> headers = new HashMap<>();
        for (int i = 0;; i++) {
            String h = line(in);
            if (h.isEmpty()) {
                break;
            }
            if (i >= MAX_HEADERS) {
                throw new IOException("more than " + MAX_HEADERS + " response headers");
            }
            int colon = h.indexOf(':');
            if (colon <= 0) {
                throw new IOException("bad HTTP header line: '" + printable(h) + "'");
            }
            headers.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
        }
        return new HttpResponseHead(status, parts.length > 2 ? parts[2] : "", headers);
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        while (true) {
            int c = in.read();
            if (c < 0) {
                throw new EOFException("connection closed inside the response headers");
            }
            if (c == '\n') {
                break;
            }
            if (b.size() >= MAX_LINE) {
                throw new IOException("a response header line is longer than " + MAX_LINE + " bytes");
            }
            b.write(c);
        }
        String s = b.toString(StandardCharsets.ISO_8859_1);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }

    private static String printable(String s) {
        String cut = s.length() > 80 ? s.substring(0, 80) + "..." : s;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
