package io.uplink.modem.emulator;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The HL7800's certificate and key store: AT+KCERTSTORE (root certificates and local certificates), AT+KPRIVKSTORE
 * (private keys), their read forms, AT+KCERTDELETE and AT+KPRIVKDELETE.
 *
 * <p>Sources: Sierra's own HL78xx test scripts [O] give the syntax, the ranges of the test commands
 * ({@code +KCERTSTORE: (0-1),(1-4096),(0-3)}, {@code +KPRIVKSTORE: (0-2),(1-4096)}), the read form ({@code CONNECT},
 * then one {@code <kind>,<index>,<size>} line per slot, {@code OK}), 930 when fewer bytes arrive than announced and 931
 * for content the module cannot use; a field report [O] adds 931 for a PEM without line breaks. Not confirmed [U]:
 * that the read form prints each certificate's PEM after its line (seen on the BX310x, the HL78xx test only checks the
 * lines) and ends with the EOF pattern; that keys are never printed back; that 930 is also the answer to more bytes
 * than announced; the answer to an out-of-range argument (here {@code +CME ERROR: 3}). Stored credentials survive a
 * reboot (flash) *[U]*.
 *
 * <p>Threads: emulator thread only.
 */
final class Hl7800Credentials {

    static final int ROOT = 0;
    static final int LOCAL = 1;
    static final int CERT_SLOTS = 4;
    static final int KEY_SLOTS = 3;
    static final int MAX_BYTES = 4096;
    /** Fewer (or more) bytes than announced before the EOF pattern. */
    static final int SIZE_MISMATCH = 930;
    /** Content the module cannot use: not PEM, a PEM without line breaks, a broken certificate or key. */
    static final int UNUSABLE = 931;

    private final byte[][] roots = new byte[CERT_SLOTS][];
    private final byte[][] locals = new byte[CERT_SLOTS][];
    private final byte[][] keys = new byte[KEY_SLOTS][];
    private final Supplier<byte[]> eofPattern;
    private final long idleMillis;

    Hl7800Credentials(Supplier<byte[]> eofPattern, long idleMillis) {
        this.eofPattern = eofPattern;
        this.idleMillis = idleMillis;
    }

    Optional<byte[]> root(int index) {
        return slot(roots, index);
    }

    Optional<byte[]> local(int index) {
        return slot(locals, index);
    }

    Optional<byte[]> key(int index) {
        return slot(keys, index);
    }

    private static Optional<byte[]> slot(byte[][] slots, int index) {
        return index >= 0 && index < slots.length && slots[index] != null ? Optional.of(slots[index].clone())
                : Optional.empty();
    }

    /** AT+KCERTSTORE in all forms. */
    void certStore(boolean read, boolean test, List<String> a, AtConsole c) throws IOException {
        if (test) {
            c.respond("+KCERTSTORE: (0-1),(1-" + MAX_BYTES + "),(0-" + (CERT_SLOTS - 1) + ")");
            return;
        }
        if (read) {
            c.connect();
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < CERT_SLOTS; i++) {
                listed(out, "root_cert", i, roots[i], true);
            }
            for (int i = 0; i < CERT_SLOTS; i++) {
                listed(out, "local_cert", i, locals[i], true);
            }
            finishListing(out, c);
            return;
        }
        int type = Hl7800Args.number(a, 0);
        int size = Hl7800Args.number(a, 1);
        int index = a.size() > 2 ? Hl7800Args.number(a, 2) : 0;
        if (a.size() < 2 || a.size() > 3 || type < ROOT || type > LOCAL || size < 1 || size > MAX_BYTES
                || index < 0 || index >= CERT_SLOTS) {
            c.cmeError(3);
            return;
        }
        byte[] data = receive(size, c);
        if (data == null) {
            return;
        }
        try {
            certificates(data);
        } catch (GeneralSecurityException e) {
            c.cmeError(UNUSABLE);
            return;
        }
        (type == ROOT ? roots : locals)[index] = data;
        c.ok();
    }

    /** AT+KPRIVKSTORE in all forms. */
    void keyStore(boolean read, boolean test, List<String> a, AtConsole c) throws IOException {
        if (test) {
            c.respond("+KPRIVKSTORE: (0-" + (KEY_SLOTS - 1) + "),(1-" + MAX_BYTES + ")");
            return;
        }
        if (read) {
            c.connect();
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < KEY_SLOTS; i++) {
                listed(out, "private_key", i, keys[i], false);
            }
            finishListing(out, c);
            return;
        }
        int index = Hl7800Args.number(a, 0);
        int size = Hl7800Args.number(a, 1);
        if (a.size() != 2 || index < 0 || index >= KEY_SLOTS || size < 1 || size > MAX_BYTES) {
            c.cmeError(3);
            return;
        }
        byte[] data = receive(size, c);
        if (data == null) {
            return;
        }
        try {
            privateKey(data);
        } catch (GeneralSecurityException e) {
            c.cmeError(UNUSABLE);
            return;
        }
        keys[index] = data;
        c.ok();
    }

    /** AT+KCERTDELETE=<type>[,<index>]: deleting an empty slot is fine [O: Sierra's test clears slots first]. */
    void certDelete(boolean test, List<String> a, AtConsole c) throws IOException {
        if (test) {
            c.respond("+KCERTDELETE: (0-1),(0-" + (CERT_SLOTS - 1) + ")");
            return;
        }
        int type = Hl7800Args.number(a, 0);
        int index = a.size() > 1 ? Hl7800Args.number(a, 1) : 0;
        if (a.isEmpty() || a.size() > 2 || type < ROOT || type > LOCAL || index < 0 || index >= CERT_SLOTS) {
            c.cmeError(3);
            return;
        }
        (type == ROOT ? roots : locals)[index] = null;
        c.ok();
    }

    /** AT+KPRIVKDELETE=<index>. */
    void keyDelete(boolean test, List<String> a, AtConsole c) throws IOException {
        if (test) {
            c.respond("+KPRIVKDELETE: (0-" + (KEY_SLOTS - 1) + ")");
            return;
        }
        int index = Hl7800Args.number(a, 0);
        if (a.size() != 1 || index < 0 || index >= KEY_SLOTS) {
            c.cmeError(3);
            return;
        }
        keys[index] = null;
        c.ok();
    }

    /** CONNECT, then the data up to the EOF pattern; null when the answer (930) was already given. */
    private byte[] receive(int size, AtConsole c) throws IOException {
        c.connect();
        Hl7800DataPhase.Collector got = new Hl7800DataPhase.Collector();
        Hl7800DataPhase.Result r = Hl7800DataPhase.read(c.input(), eofPattern.get(), size, idleMillis, got);
        if (!r.matches(size)) {
            c.cmeError(SIZE_MISMATCH);
            return null;
        }
        return got.bytes();
    }

    private static void listed(StringBuilder out, String kind, int index, byte[] content, boolean printContent) {
        out.append(kind).append(',').append(index).append(',').append(content == null ? 0 : content.length)
                .append("\r\n");
        if (printContent && content != null) {
            out.append(new String(content, StandardCharsets.ISO_8859_1)).append("\r\n");
        }
    }

    private void finishListing(StringBuilder out, AtConsole c) throws IOException {
        c.raw(out.toString().getBytes(StandardCharsets.ISO_8859_1));
        c.raw(eofPattern.get());
        c.ok();
    }

    /**
     * The certificates in a stored PEM. A PEM whose base64 body is one long line is refused, as the module refuses it
     * (931) even where a lenient parser would read it.
     */
    static List<X509Certificate> certificates(byte[] pem) throws GeneralSecurityException {
        requireLineBreaks(pem, "CERTIFICATE");
        return ModuleTlsCredentials.certificates(pem, "the stored certificate");
    }

    static PrivateKey privateKey(byte[] pem) throws GeneralSecurityException {
        requireLineBreaks(pem, "PRIVATE KEY");
        PrivateKey k = ModuleTlsCredentials.privateKey(pem);
        ModuleTlsCredentials.checkKey(k, "the stored key");
        return k;
    }

    /**
     * The line after {@code -----BEGIN ...-----} must start on a new line: a PEM pasted without its line breaks fails
     * there [O: 931 in the field]. A long base64 line inside the block is accepted *[choice: PEM readers such as
     * mbedTLS's decode base64 across any line length; which TLS library the HL7800 runs is not known]*.
     */
    private static void requireLineBreaks(byte[] pem, String type) throws GeneralSecurityException {
        String text = new String(pem, StandardCharsets.ISO_8859_1);
        int begin = text.indexOf("-----BEGIN ");
        if (begin < 0 || !text.contains(type + "-----")) {
            throw new GeneralSecurityException("no PEM " + type.toLowerCase(java.util.Locale.ROOT) + " block");
        }
        int headerEnd = text.indexOf("-----", begin + 11);
        if (headerEnd < 0 || text.indexOf("-----END ", headerEnd) < 0) {
            throw new GeneralSecurityException("the PEM block is not closed");
        }
        int next = headerEnd + 5;
        if (next < text.length() && text.charAt(next) == '\r') {
            next++;
        }
        if (next >= text.length() || text.charAt(next) != '\n') {
            throw new GeneralSecurityException("the PEM has no line break after its BEGIN line");
        }
    }
}
