package io.uplink.tls.bc;

import java.util.Locale;

import io.uplink.tls.TlsHandshakeException.Failure;

/**
 * What the engine accepts in a server's Certificate message, checked before Bouncy Castle parses it, so that a chain
 * that is too long or a certificate that is too large gets its own named failure instead of a generic protocol error.
 *
 * <p>The limits: at most {@value #MAX_CHAIN_LENGTH} certificates in a chain, each at most
 * {@value #MAX_CERTIFICATE_BYTES} bytes (DER), and no handshake message over {@value #MAX_HANDSHAKE_MESSAGE_BYTES}
 * bytes (a chain at both limits with its framing). Brokers send 2 to 4 certificates of 1 to 3 KB each (public-CA
 * certificates with SCTs stay under 10 KB), so these bounds only refuse misconfigured or hostile servers, and bound
 * the memory a server can make the gateway hold during a handshake.
 */
final class CertificateLimits {

    /** Certificates accepted in one server chain. */
    static final int MAX_CHAIN_LENGTH = 10;
    /** Bytes accepted for one DER certificate. */
    static final int MAX_CERTIFICATE_BYTES = 16 * 1024;
    /**
     * Bytes accepted for any one handshake message: a Certificate message at both limits (3 bytes of length and 2 of
     * TLS 1.3 entry extensions per certificate, 4 KiB for the list framing and request context).
     */
    static final int MAX_HANDSHAKE_MESSAGE_BYTES = MAX_CHAIN_LENGTH * (MAX_CERTIFICATE_BYTES + 5) + 4096;

    private CertificateLimits() {
    }

    /**
     * Checks a Certificate message body against the limits. Malformed framing is left to the parser, which names it.
     *
     * @param body the message after its 4-byte handshake header
     * @param tls13 whether it is the TLS 1.3 form (request context, per-entry extensions)
     * @return the failure to report, or null when within the limits
     */
    static ServerCertificateCheck.Verdict check(byte[] body, boolean tls13) {
        int pos = 0;
        if (tls13) {
            if (body.length < 1) {
                return null;
            }
            pos = 1 + (body[0] & 0xFF);
        }
        if (pos + 3 > body.length) {
            return null;
        }
        int end = Math.min(body.length, pos + 3 + uint24(body, pos));
        pos += 3;
        int count = 0;
        int largest = 0;
        int largestIndex = 0;
        while (pos + 3 <= end) {
            int len = uint24(body, pos);
            count++;
            if (len > largest) {
                largest = len;
                largestIndex = count;
            }
            pos += 3 + len;
            if (tls13) {
                if (pos + 2 > end) {
                    break;
                }
                pos += 2 + (((body[pos] & 0xFF) << 8) | (body[pos + 1] & 0xFF));
            }
        }
        if (count > MAX_CHAIN_LENGTH) {
            return new ServerCertificateCheck.Verdict(Failure.CHAIN_TOO_LONG, "The server sent a chain of " + count
                    + " certificates; Uplink accepts at most " + MAX_CHAIN_LENGTH + " (brokers send 2 to 4: the "
                    + "server certificate and its intermediates).", chainFix());
        }
        if (largest > MAX_CERTIFICATE_BYTES) {
            return new ServerCertificateCheck.Verdict(Failure.CERTIFICATE_TOO_LARGE, "Certificate " + largestIndex
                    + " of the server's chain is " + String.format(Locale.ROOT, "%,d", largest) + " bytes; Uplink "
                    + "accepts at most " + String.format(Locale.ROOT, "%,d", MAX_CERTIFICATE_BYTES) + " bytes per "
                    + "certificate (broker certificates are 1 to 3 KB).", sizeFix());
        }
        return null;
    }

    /** When the whole message is over {@link #MAX_HANDSHAKE_MESSAGE_BYTES} (the parser stopped at its header). */
    static ServerCertificateCheck.Verdict messageTooLarge(long bytes) {
        return new ServerCertificateCheck.Verdict(Failure.CERTIFICATE_TOO_LARGE, "The server's Certificate message "
                + "is " + String.format(Locale.ROOT, "%,d", bytes) + " bytes; Uplink accepts at most "
                + String.format(Locale.ROOT, "%,d", MAX_HANDSHAKE_MESSAGE_BYTES) + " (" + MAX_CHAIN_LENGTH
                + " certificates of at most " + String.format(Locale.ROOT, "%,d", MAX_CERTIFICATE_BYTES)
                + " bytes).", sizeFix());
    }

    static String chainFix() {
        return "The server is misconfigured: its certificate file holds more than its own chain (a whole CA bundle, "
                + "or cross-certificates in a loop). Check that this is the broker's address and port; its operator "
                + "should serve only the server certificate and its intermediates.";
    }

    static String sizeFix() {
        return "No broker sends certificates this large: check that this is the broker's address and port. If it "
                + "is, its operator should issue an ordinary certificate (without padding or thousands of names).";
    }

    private static int uint24(byte[] b, int pos) {
        return ((b[pos] & 0xFF) << 16) | ((b[pos + 1] & 0xFF) << 8) | (b[pos + 2] & 0xFF);
    }
}
