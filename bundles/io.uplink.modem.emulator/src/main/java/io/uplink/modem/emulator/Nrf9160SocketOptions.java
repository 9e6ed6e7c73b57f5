package io.uplink.modem.emulator;

import java.io.IOException;
import java.util.Map;

/**
 * {@code #XSSOCKETOPT=<0 get|1 set>,<name>[,<value>]} on the active secure socket (sdk-nrf SOCKET_AT_commands.rst,
 * slm_at_socket.c): 2 TLS_HOSTNAME (a string; {@code "NULL"} unsets it; read back unquoted), 4 TLS_CIPHERSUITE_USED
 * (get only, {@code 0x<iana code>} in lower-case hex, once connected; the SLM documents it for modem firmware 2.0.0
 * and newer, so an nRF9160 on 1.3.x answers {@code ERROR}), 5 TLS_PEER_VERIFY (0 none, 1 optional, 2 required),
 * 12 TLS_SESSION_CACHE (0/1), 13 TLS_SESSION_CACHE_PURGE (set only, any value). Options apply to the next
 * {@code #XCONNECT}. A plain socket, no socket, an unknown or DTLS option, a get of a set-only option (and the
 * reverse), or a bad value answer {@code ERROR}. The session cache value is kept and read back; resumption itself is
 * not emulated (every handshake is a full one) [choice].
 *
 * <p>Threads: emulator thread only.
 */
final class Nrf9160SocketOptions {

    static final int TLS_HOSTNAME = 2;
    static final int TLS_CIPHERSUITE_USED = 4;
    static final int TLS_PEER_VERIFY = 5;
    static final int TLS_SESSION_CACHE = 12;
    static final int TLS_SESSION_CACHE_PURGE = 13;

    private final EmulatedModule core;
    private final Nrf9160Emulator modem;

    Nrf9160SocketOptions(EmulatedModule core, Nrf9160Emulator modem) {
        this.core = core;
        this.modem = modem;
    }

    void handle(CommandLine c, Nrf9160Socket s) throws IOException {
        ResponseWriter out = core.out();
        if (c.test()) {
            out.respond("#XSSOCKETOPT: (0,1),<name>,<value>");
            return;
        }
        int op = c.intArg(0);
        int name = c.intArg(1);
        if (c.query() || s == null || !s.secure() || op < 0 || op > 1) {
            out.error();
            return;
        }
        if (op == 0 && c.count() == 2) {
            get(name, s);
        } else if (op == 1 && c.count() == 3) {
            set(c, name, s);
        } else {
            out.error();
        }
    }

    private void get(int name, Nrf9160Socket s) throws IOException {
        ResponseWriter out = core.out();
        switch (name) {
        case TLS_HOSTNAME:
            if (s.hostname == null) {
                out.error(); // [U: what getsockopt answers for an unset name]
            } else {
                out.respond("#XSSOCKETOPT: " + s.hostname);
            }
            break;
        case TLS_CIPHERSUITE_USED:
            ModuleTlsSession session = s.tls == null ? null : s.tls.session();
            Integer code = session == null ? null : iana(session.cipherSuite());
            if (!modem.reportsCipherSuiteUsed() || code == null) {
                out.error();
            } else {
                out.respond("#XSSOCKETOPT: 0x" + Integer.toHexString(code));
            }
            break;
        case TLS_PEER_VERIFY:
            out.respond("#XSSOCKETOPT: " + s.peerVerify);
            break;
        case TLS_SESSION_CACHE:
            out.respond("#XSSOCKETOPT: " + s.sessionCache);
            break;
        default:
            out.error();
        }
    }

    private void set(CommandLine c, int name, Nrf9160Socket s) throws IOException {
        ResponseWriter out = core.out();
        String value = c.arg(2);
        int number = c.quoted(2) ? -1 : c.intArg(2);
        switch (name) {
        case TLS_HOSTNAME:
            if (!c.quoted(2) || value.isEmpty() || value.length() > Nrf9160Sockets.MAX_URL) {
                out.error();
                return;
            }
            s.hostname = value.equalsIgnoreCase("NULL") ? null : value;
            break;
        case TLS_PEER_VERIFY:
            if (number < 0 || number > 2) {
                out.error();
                return;
            }
            s.peerVerify = number;
            break;
        case TLS_SESSION_CACHE:
            if (number < 0 || number > 1) {
                out.error();
                return;
            }
            s.sessionCache = number;
            break;
        case TLS_SESSION_CACHE_PURGE:
            if (c.quoted(2) || value.isEmpty() || !value.matches("-?\\d+")) {
                out.error();
                return;
            }
            break;
        default:
            out.error(); // unknown, get-only (4) or DTLS options
            return;
        }
        out.ok();
    }

    private static Integer iana(String jsseName) {
        for (Map.Entry<Integer, String> e : Nrf9160Tls.CIPHER_SUITES.entrySet()) {
            if (e.getValue().equals(jsseName)) {
                return e.getKey();
            }
        }
        return null;
    }
}
