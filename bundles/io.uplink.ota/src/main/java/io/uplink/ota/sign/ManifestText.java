package io.uplink.ota.sign;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes manifest-format text (MANIFEST.MF, *.SF) byte for byte, so that the signer knows the exact bytes of every
 * section it digests. Lines are wrapped at 72 bytes with a leading space on continuations, as the JAR specification
 * asks; line ends are CRLF.
 */
final class ManifestText {

    private static final int LINE = 72;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** Appends one {@code name: value} header. */
    ManifestText header(String name, String value) {
        if (name.indexOf('\n') >= 0 || name.indexOf('\r') >= 0 || value.indexOf('\n') >= 0
                || value.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("A manifest header cannot hold a line break: " + name);
        }
        byte[] line = (name + ": " + value).getBytes(StandardCharsets.UTF_8);
        int pos = 0;
        int room = LINE;
        while (line.length - pos > room) {
            out.write(line, pos, room);
            out.write('\r');
            out.write('\n');
            out.write(' ');
            pos += room;
            room = LINE - 1;
        }
        out.write(line, pos, line.length - pos);
        out.write('\r');
        out.write('\n');
        return this;
    }

    /** Ends the current section with its blank line. */
    ManifestText endSection() {
        out.write('\r');
        out.write('\n');
        return this;
    }

    int size() {
        return out.size();
    }

    byte[] bytes() {
        return out.toByteArray();
    }
}
