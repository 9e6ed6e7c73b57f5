package io.uplink.modem.sierra;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.uplink.modem.ModemException;

/**
 * Lays PEM text out the way the HL78xx takes it before upload: each block's base64 in 64-character lines, LF line
 * ends, a final LF, nothing outside the blocks. A PEM without line breaks gave {@code +CME ERROR: 931} in the field, so
 * whatever layout the text came in (one long line, CRLF, indented, with text around it) never reaches the module.
 */
final class SierraPem {

    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]{1,40})-----(.*?)-----END \\1-----", Pattern.DOTALL);
    private static final int WIDTH = 64;
    /** Text longer than this cannot lay out to what the module stores; not parsed at all. */
    private static final int MAX_INPUT = 64 * 1024;

    private SierraPem() {
    }

    /**
     * @param what the part, for messages ("CA certificate", "private key")
     * @throws ModemException when the text holds no PEM block, a block whose base64 does not decode, or an
     *         encrypted key (the module cannot decrypt one)
     */
    static byte[] relayout(byte[] pem, String what) throws ModemException {
        if (pem.length > MAX_INPUT) {
            throw new ModemException("The " + what + " is " + pem.length + " bytes of text; the module stores at most "
                    + SierraCommands.MAX_CREDENTIAL_BYTES + " bytes per certificate or key.", "", "pem",
                    "Store only the certificate that is needed (the CA that signed the broker's chain, not a bundle).");
        }
        String text = new String(pem, StandardCharsets.ISO_8859_1);
        Matcher m = BLOCK.matcher(text);
        StringBuilder out = new StringBuilder(pem.length + pem.length / 64 + 64);
        int blocks = 0;
        while (m.find()) {
            String label = m.group(1);
            String body = m.group(2);
            if (body.contains("Proc-Type:") || label.startsWith("ENCRYPTED")) {
                throw new ModemException("The " + what + " is encrypted (" + label + "); the module cannot decrypt "
                        + "it.", "", "pem", "Store the key unencrypted (openssl pkey -in key.pem -out plain.pem); the "
                                + "gateway keeps it encrypted at rest.");
            }
            String base64 = body.replaceAll("[\\s]", "");
            byte[] der;
            try {
                der = Base64.getDecoder().decode(base64);
            } catch (IllegalArgumentException e) {
                throw new ModemException("The " + what + " has a " + label + " block whose base64 does not decode ("
                        + e.getMessage() + ").", "", "pem", "Export it again from its source; characters were lost "
                                + "or added.");
            }
            if (der.length == 0) {
                throw new ModemException("The " + what + " has an empty " + label + " block.", "", "pem",
                        "Export it again from its source.");
            }
            String canonical = Base64.getEncoder().encodeToString(der);
            out.append("-----BEGIN ").append(label).append("-----\n");
            for (int i = 0; i < canonical.length(); i += WIDTH) {
                out.append(canonical, i, Math.min(canonical.length(), i + WIDTH)).append('\n');
            }
            out.append("-----END ").append(label).append("-----\n");
            blocks++;
        }
        if (blocks == 0) {
            throw new ModemException("The " + what + " is not PEM text (no -----BEGIN ...----- / -----END ...----- "
                    + "block); the module answers such content with +CME ERROR: 931.", "", "pem",
                    "Convert it to PEM (openssl x509 -inform der -in cert.der -out cert.pem).");
        }
        return out.toString().getBytes(StandardCharsets.US_ASCII);
    }
}
