package io.uplink.credentials;

/**
 * How exported PEM text is laid out. Modems differ: some need CRLF, some reject a PEM without line breaks
 * (Sierra {@code +CME ERROR: 931}), older mbedTLS builds want a traditional {@code RSA PRIVATE KEY} block.
 *
 * @param crlf end lines with CR LF instead of LF
 * @param lineWidth base64 characters per line, 64 as RFC 7468 says; 16..76
 * @param traditionalKey write private keys as PKCS#1 {@code RSA PRIVATE KEY} / SEC1 {@code EC PRIVATE KEY}
 *        instead of PKCS#8 {@code PRIVATE KEY}
 * @since 1.1
 */
public record PemStyle(boolean crlf, int lineWidth, boolean traditionalKey) {

    /** RFC 7468: LF, 64 characters, PKCS#8 keys. */
    public static final PemStyle STANDARD = new PemStyle(false, 64, false);

    public PemStyle {
        if (lineWidth < 16 || lineWidth > 76) {
            throw new IllegalArgumentException("PEM line width must be 16..76, not " + lineWidth);
        }
    }
}
