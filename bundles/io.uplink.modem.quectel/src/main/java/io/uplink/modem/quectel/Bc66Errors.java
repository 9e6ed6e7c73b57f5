package io.uplink.modem.quectel;

import io.uplink.transport.TransportException.Reason;

/**
 * The {@code <err>} of {@code +QSSLOPEN: <ctx>,<conn>,<err>} (and of {@code +QSSLSEND}/{@code +QSSLCLOSE}), from the
 * BC660K-GL SSL application note V1.1, chapter 4 "Result Codes": 0 successful operation, -1 exception error,
 * -2 connection error, -3 certificate error, -4 key error, -5 cipher error, -6 state error, -7 time out, -9 other
 * errors. The note names each in two words; the meanings and fixes below say what that means for Uplink, and mark
 * what the note does not say.
 */
final class Bc66Errors {

    /** One code: what it means, how to fix it, how a transport classifies it. */
    record Entry(int code, String words, String meaning, String fix, Reason reason) {
    }

    private Bc66Errors() {
    }

    static Entry ofTls(int code) {
        return switch (code) {
        case -1 -> new Entry(code, "exception error", "the module's TLS stack hit an internal error it does not name",
                "Retry once; if it repeats, restart the module (AT+QRST=1) or use host TLS (tls.mode=host).",
                Reason.OTHER);
        case -2 -> new Entry(code, "connection error", "the TCP connection under the TLS session failed: the host "
                + "did not answer, refused, or its name did not resolve", "Check host and port and that the server is "
                        + "reachable from the cellular network (not only from your LAN); 'uplink doctor' tests TCP on "
                        + "its own.", Reason.REFUSED);
        case -3 -> new Entry(code, "certificate error", "the server's certificate did not verify against the CA "
                + "stored in the module (another CA, an expired or wrongly named certificate), or no CA is stored "
                + "while seclevel asks for one", "Provision the CA that signed the broker's certificate (the probe "
                        + "shows the chain: uplink probe HOST); 'uplink doctor --tls modem' repeats the handshake with "
                        + "the gateway's TLS and names the certificate fault.", Reason.OTHER);
        case -4 -> new Entry(code, "key error", "the client certificate or private key stored in the module cannot "
                + "be used: missing, not a pair, or in a form the module does not read", "Provision the client "
                        + "certificate and its key again as PEM (bin/uplink creds check --modem quectel-bc66), or use "
                        + "host TLS, which takes any key.", Reason.OTHER);
        case -5 -> new Entry(code, "cipher error", "the server and the module share no cipher suite: the module "
                + "offers only RSA key exchange with AES-CBC or 3DES (TLS_RSA_WITH_AES_128_CBC_SHA, "
                + "TLS_RSA_WITH_AES_256_CBC_SHA, TLS_RSA_WITH_3DES_EDE_CBC_SHA), TLS 1.2 at most; modern brokers "
                + "accept only ECDHE key exchange", "Use host TLS (tls.mode=host): the gateway runs TLS 1.2/1.3 with "
                        + "ECDHE over the module's plain sockets. Only a broker you run yourself can be opened to "
                        + "RSA key exchange.", Reason.REFUSED);
        case -6 -> new Entry(code, "state error", "the SSL context is in the wrong state for the command: a session "
                + "on it is still open or closing", "Close it (AT+QSSLCLOSE=0,0) and open again; Uplink does so "
                        + "before the next open.", Reason.NO_RESOURCES);
        case -7 -> new Entry(code, "time out", "the handshake or the delivery did not finish within the context's "
                + "timeout (AT+QSSLCFG \"timeout\", 10-300 s)", "Check coverage (AT+CSQ; NB-IoT links are slow), "
                        + "raise the handshake timeout, and check the server answers.", Reason.TIMEOUT);
        case -9 -> new Entry(code, "other errors", "the module does not say which. In the field (seed 001, a BC66) "
                + "-9 came with seclevel 1 or 2 before any byte reached the server, also with a garbage CA: it points "
                + "at certificate handling (a CA the module cannot parse, an empty slot, a PEM with the wrong line "
                + "ends), not at the cipher choice. The note gives no more", "Provision the CA again as one PEM "
                        + "certificate with LF line ends (Uplink checks the module stored every byte it sent); "
                        + "test with "
                        + "seclevel 0 only to tell certificate handling from the rest; 'uplink doctor --tls modem' "
                        + "repeats the handshake with the gateway's TLS, which says what fails; or use host TLS.",
                Reason.OTHER);
        default -> new Entry(code, "not in the SSL note's table", "the module answered a code the BC660K-GL SSL "
                + "application note does not list", "Restart the module; use host TLS (tls.mode=host) if it "
                        + "repeats.", Reason.OTHER);
        };
    }
}
