package io.uplink.modem.quectel;

import java.time.Duration;

/**
 * Every AT string of the BC66/BC660K dialect and its timeout. Sockets: {@code AT+QIOPEN=0,<id 0-4>,"TCP",...} with
 * context 0 (the module's default PDN, set with {@code AT+QCGDEFCONT}), data in hex both ways
 * ({@code AT+QICFG="dataformat",1,1}) so that binary TLS records survive a line-based URC. Module TLS: SSL context 0,
 * connection 0 (the SSL note: "currently only 0 is supported"), configured context first
 * ({@code AT+QSSLCFG=<ctx>,<conn>,"item",...}, unlike the BG95's item-first form).
 */
final class Bc66Commands {

    /** Socket IDs 0-4 (fact sheet section 7). */
    static final int SOCKETS = 5;
    /** The most a send carries: {@code AT+QISEND} and {@code AT+QSSLSEND} take 1-1024 bytes. */
    static final int MAX_SEND = 1024;
    /** The most asked of one {@code AT+QIRD}: in hex that is a 1,024-character line, well inside the framer's 4 KB. */
    static final int MAX_READ = 512;
    /** The SSL context and connection: the SSL note supports only 0 and 0. */
    static final int SSL_CONTEXT = 0;
    static final int SSL_CONNECTION = 0;

    static final Duration OPEN_ANSWER = Duration.ofSeconds(10);
    /** No socket open takes longer than the SSL note's largest {@code timeout} (300 s). */
    static final Duration OPEN_URC_MAX = Duration.ofSeconds(300);
    static final Duration SEND_TIMEOUT = Duration.ofSeconds(120);
    static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(12);
    /** {@code AT+CFUN} may take long on an NB-IoT module while it detaches or searches. */
    static final Duration CFUN_TIMEOUT = Duration.ofSeconds(90);

    private Bc66Commands() {
    }

    static String openTcp(int id, String host, int port, boolean push) {
        return "AT+QIOPEN=0," + id + ",\"TCP\",\"" + host + "\"," + port + ",0," + (push ? 1 : 0);
    }

    static String sendTcp(int id, byte[] data, int off, int len) {
        return "AT+QISEND=" + id + "," + len + ",\"" + Bc66Hex.encode(data, off, len) + "\"";
    }

    static String readTcp(int id) {
        return "AT+QIRD=" + id + "," + MAX_READ;
    }

    static String closeTcp(int id) {
        return "AT+QICLOSE=" + id;
    }

    static String openTls(String host, int port) {
        return "AT+QSSLOPEN=" + SSL_CONTEXT + "," + SSL_CONNECTION + ",\"" + host + "\"," + port + ",0";
    }

    static String sendTls(int len) {
        return "AT+QSSLSEND=" + SSL_CONTEXT + "," + SSL_CONNECTION + "," + len;
    }

    static String closeTls() {
        return "AT+QSSLCLOSE=" + SSL_CONTEXT + "," + SSL_CONNECTION;
    }

    /** {@code AT+QSSLCFG=0,0,"<item>"[,<value>]}: context first. */
    static String sslConfig(String item, String value) {
        return "AT+QSSLCFG=" + SSL_CONTEXT + "," + SSL_CONNECTION + ",\"" + item + "\"" + (value == null ? ""
                : "," + value);
    }

    /** {@code AT+QSSLCFG=0,0}: every setting of the context, certificates as byte counts. */
    static String sslQuery() {
        return "AT+QSSLCFG=" + SSL_CONTEXT + "," + SSL_CONNECTION;
    }
}
