package io.uplink.modem.quectel;

import java.time.Duration;

/**
 * The AT commands of a Quectel BG95/BG96 socket, plain TCP ({@code AT+QIOPEN} family) or TLS in the module
 * ({@code AT+QSSLOPEN} family), per the TCP/IP and SSL application notes. Both share one table of client IDs
 * (0-11), so one socket table serves both.
 */
enum QuectelCommands {

    TCP("+QIOPEN:", "+QIURC:", "AT+QISEND=", "AT+QIRD=", "+QIRD:", "AT+QICLOSE=", "AT+QISTATE=1,", "+QISTATE:"),
    TLS("+QSSLOPEN:", "+QSSLURC:", "AT+QSSLSEND=", "AT+QSSLRECV=", "+QSSLRECV:", "AT+QSSLCLOSE=", "AT+QSSLSTATE=",
            "+QSSLSTATE:");

    /** Up to 150 s for {@code +QIOPEN}; a TLS open adds the handshake ({@code negotiatetime}, up to 300 s). */
    static final Duration OPEN_URC_TIMEOUT = Duration.ofSeconds(150);

    final String openUrc;
    final String urc;
    final String send;
    final String read;
    final String readPrefix;
    final String close;
    final String state;
    final String statePrefix;

    QuectelCommands(String openUrc, String urc, String send, String read, String readPrefix, String close,
            String state, String statePrefix) {
        this.openUrc = openUrc;
        this.urc = urc;
        this.send = send;
        this.read = read;
        this.readPrefix = readPrefix;
        this.close = close;
        this.state = state;
        this.statePrefix = statePrefix;
    }

    /** {@code AT+QIOPEN=<ctx>,<id>,"TCP","host",port,0,0}: buffer access mode. */
    static String openTcp(int context, int id, String host, int port) {
        return "AT+QIOPEN=" + context + "," + id + ",\"TCP\",\"" + host + "\"," + port + ",0,0";
    }

    /** {@code AT+QSSLOPEN=<pdpctx>,<sslctx>,<id>,"host",port,0}: buffer access mode. */
    static String openTls(int context, int sslContext, int id, String host, int port) {
        return "AT+QSSLOPEN=" + context + "," + sslContext + "," + id + ",\"" + host + "\"," + port + ",0";
    }

    /** {@code AT+QSSLCFG="<item>",<ctx>,<value>}: item names must be lower case. */
    static String sslConfig(String item, int sslContext, String value) {
        return "AT+QSSLCFG=\"" + item + "\"," + sslContext + "," + value;
    }
}
