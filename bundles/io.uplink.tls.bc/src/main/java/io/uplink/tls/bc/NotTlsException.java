package io.uplink.tls.bc;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The server's first bytes are not a TLS record: it speaks another protocol on this port. Keeps a printable quote of
 * what it sent and, where the bytes say so, which protocol that is.
 */
final class NotTlsException extends IOException {

    private static final long serialVersionUID = 1L;
    /** Bytes of the server's answer quoted in the message. */
    static final int QUOTE_LIMIT = 64;

    private final String quote;
    private final String guess;

    private NotTlsException(String quote, String guess) {
        super("the server's first bytes are not a TLS record: '" + quote + "'");
        this.quote = quote;
        this.guess = guess;
    }

    /** Null when {@code b[0..n)}, the first bytes received, can start a TLS record; else the exception to throw. */
    static NotTlsException check(byte[] b, int n) {
        if (n <= 0) {
            return null;
        }
        int type = b[0] & 0xFF;
        boolean recordType = type >= 20 && type <= 24; // change_cipher_spec, alert, handshake, application_data, heartbeat
        if (recordType && (n < 2 || b[1] == 3)) {
            return null;
        }
        return new NotTlsException(printable(b, Math.min(n, QUOTE_LIMIT)), guess(b, n));
    }

    /** What the server sent, made printable: ASCII as is, line breaks as \r \n, anything else as \xNN. */
    static String printable(byte[] b, int n) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) {
            int c = b[i] & 0xFF;
            if (c == '\r') {
                s.append("\\r");
            } else if (c == '\n') {
                s.append("\\n");
            } else if (c >= 0x20 && c < 0x7F && c != '\\' && c != '\'') {
                s.append((char) c);
            } else {
                s.append(String.format("\\x%02x", c));
            }
        }
        return s.toString();
    }

    private static String guess(byte[] b, int n) {
        String text = new String(b, 0, Math.min(n, 8), StandardCharsets.ISO_8859_1);
        if (text.startsWith("HTTP/")) {
            return "an HTTP server";
        }
        if (text.startsWith("SSH-")) {
            return "an SSH server";
        }
        if (text.matches("^2[0-9]{2}[ -].*")) {
            return "a text protocol such as SMTP or FTP";
        }
        int type = b[0] & 0xF0;
        if ((type == 0x20 || type == 0xE0) && n >= 2 && (b[1] & 0xFF) <= 4) {
            return "plain MQTT (a CONNACK or DISCONNECT packet)";
        }
        return "";
    }

    /** The server's first bytes, printable. */
    String quote() {
        return quote;
    }

    /** The protocol the bytes look like, e.g. "an HTTP server"; empty when unknown. */
    String guess() {
        return guess;
    }
}
