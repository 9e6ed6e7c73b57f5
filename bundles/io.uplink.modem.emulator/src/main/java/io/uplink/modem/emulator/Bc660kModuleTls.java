package io.uplink.modem.emulator;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The BC660K's own TLS client, from Quectel's BC660K-GL&amp;BC950K-GL SSL application note V1.1 [V] unless marked:
 *
 * <ul>
 * <li>Addressed by {@code <contextID>,<connectID>}, context first; the note lists 0-10 and 0-4 but "currently only 0
 * is supported": anything else answers ERROR.</li>
 * <li>{@code AT+QSSLCFG=<ctx>,<conn>,"<item>"[,<value>...]}: {@code seclevel} 0-2, {@code sslversion} 1-4 (TLS 1.0,
 * 1.1, 1.2, all), {@code dataformat} send/receive 0 text or 1 hex, {@code timeout} 10-300 s (default 90),
 * {@code debug} 0-4, {@code dtls} 0/1, {@code dtlsversion} 0-2; an item without its value answers its setting;
 * {@code AT+QSSLCFG=<ctx>,<conn>} lists them all, the certificates with their lengths. No {@code sni} item: the note
 * lists none. Defaults other than the timeout are [U]: seclevel 0, sslversion 4, dataformat 0,0, debug 0. These
 * settings are lost at a reboot; the certificates are not.</li>
 * <li>{@code AT+QSSLCFG=<ctx>,<conn>,"cacert"} (or {@code clientcert}, {@code clientkey}): {@code >}, the PEM,
 * Ctrl+Z; answered {@code +QSSLCFG: <ctx>,<conn>,"cacert",<length>} and OK; the length is the bytes stored. ESC
 * cancels with ERROR and keeps what was there [U]; more than {@value Bc660kSslConfig#MAX_CERT} bytes answers ERROR
 * [U]. The module stores what it gets; a PEM it cannot use fails the next open with -3 (certificates) or -4 (key)
 * [U]. {@link Bc660kSslConfig} holds these settings and certificates.</li>
 * <li>{@code AT+QSSLOPEN=<ctx>,<conn>,"<host>",<port>,0} -> {@code OK}, then {@code +QSSLOPEN: <ctx>,<conn>,<err>}:
 * 0 success, -2 connection error (refused, DNS [U], no bearer [U]), -3 certificate error (missing or unreadable CA
 * with seclevel 1/2, a server chain the CA does not sign, the server refusing our certificate), -4 key error (client
 * certificate or key missing or unusable with seclevel 2), -5 cipher error (no version or suite in common), -6 state
 * error (already open [U]), -7 timeout (the {@code timeout} setting), -9 other (the server closed without a reason
 * [U]), -1 anything else [U]. Connect mode 1 (transparent) is not supported (ERROR); DTLS is not emulated (ERROR).
 * The module sends SNI for host names [U] and checks neither the server's name nor the dates [U].</li>
 * <li>TLS 1.0-1.2 with TLS_RSA_WITH_AES_128_CBC_SHA (0x002F), TLS_RSA_WITH_AES_256_CBC_SHA (0x0035),
 * TLS_RSA_WITH_3DES_EDE_CBC_SHA (0x000A) and TLS_EMPTY_RENEGOTIATION_INFO_SCSV (0x00FF) only: RSA key exchange, no
 * ECDHE, no GCM. The emulator's TLS is the JDK's: what {@code jdk.tls.disabledAlgorithms} disables (TLS 1.0/1.1 and
 * 3DES on JDK 17) is not offered, so sslversion 1 or 2 fails with -5 there.</li>
 * <li>{@code AT+QSSLSEND=<ctx>,<conn>[,<len 1-1024>]}: {@code >}, exactly len bytes (2 x len hex digits in hex
 * format) or up to 1024 bytes ended by Ctrl+Z (ESC cancels with ERROR [U]); {@code OK}, then
 * {@code +QSSLSEND: <ctx>,<conn>,<err>} (-9 when the send buffer is full [U]). ERROR when not connected.</li>
 * <li>{@code +QSSLURC: "recv",<ctx>,<conn>,<len 1-1400>,"<data>"} for every piece received, text or hex per
 * dataformat; {@code +QSSLURC: "closed",<ctx>,<conn>} when the server or the network ends it: the module frees the
 * connection itself.</li>
 * <li>{@code AT+QSSLCLOSE=<ctx>,<conn>} -> {@code OK}, then {@code +QSSLCLOSE: <ctx>,<conn>,0}; ERROR when nothing
 * is open [U].</li>
 * </ul>
 *
 * <p>Threads: the emulator thread owns the settings, the certificates and the connection field; the connection's
 * threads report through the core's inbox.
 */
final class Bc660kModuleTls {

    private static final Logger LOG = LoggerFactory.getLogger(Bc660kModuleTls.class);
    static final int MAX_SEND = 1024;
    static final int MAX_URC_DATA = 1400;
    static final int MAX_HOST = 150;
    static final List<String> CIPHER_SUITES = List.of("TLS_RSA_WITH_AES_128_CBC_SHA", "TLS_RSA_WITH_AES_256_CBC_SHA",
            "TLS_RSA_WITH_3DES_EDE_CBC_SHA", "TLS_EMPTY_RENEGOTIATION_INFO_SCSV");

    /** +QSSLOPEN results (SSL application note, chapter 4). */
    static final int OK = 0;
    static final int EXCEPTION = -1;
    static final int CONNECTION = -2;
    static final int CERTIFICATE = -3;
    static final int KEY = -4;
    static final int CIPHER = -5;
    static final int STATE = -6;
    static final int TIMEOUT = -7;
    static final int OTHER = -9;

    private final EmulatedModule core;
    private final ResponseWriter out;
    private final BooleanSupplier dataPathUp;
    private final Bc660kSslConfig config;
    private ModuleTlsConnection connection;

    Bc660kModuleTls(EmulatedModule core, BooleanSupplier dataPathUp) {
        this.core = core;
        this.out = core.out();
        this.dataPathUp = dataPathUp;
        this.config = new Bc660kSslConfig(core);
    }

    boolean handle(CommandLine c) throws IOException {
        switch (c.name()) {
        case "+QSSLCFG":
            config.handle(c);
            return true;
        case "+QSSLOPEN":
            qsslopen(c);
            return true;
        case "+QSSLSEND":
            qsslsend(c);
            return true;
        case "+QSSLCLOSE":
            qsslclose(c);
            return true;
        default:
            return false;
        }
    }

    // --- AT+QSSLOPEN --------------------------------------------------------------------------------------------

    private void qsslopen(CommandLine c) throws IOException {
        if (c.test()) {
            out.respond("+QSSLOPEN: (0-10),(0-4),<host_name>,(1-65535),(0)");
            return;
        }
        if (c.query()) {
            out.ok();
            return;
        }
        String host = c.arg(2);
        int port = c.intArg(3);
        if (c.count() != 5 || !Bc660kSslConfig.zeroZero(c) || host.isEmpty() || host.length() > MAX_HOST
                || !Bc660kSslConfig.in(port, 1, 65535) || c.intArg(4) != 0) {
            out.error(); // connect mode 1 (transparent) is "not supported currently"
            return;
        }
        if (config.dtls()) {
            LOG.debug("emulated BC660K: DTLS is not emulated; AT+QSSLOPEN with \"dtls\",1 answers ERROR");
            out.error();
            return;
        }
        out.ok();
        if (connection != null) {
            result(STATE);
            return;
        }
        if (!dataPathUp.getAsBoolean()) {
            result(CONNECTION);
            return;
        }
        int refused = checkCredentials();
        if (refused != OK) {
            result(refused);
            return;
        }
        ModuleTlsPolicy policy = policy(host);
        connection = new ModuleTlsConnection(0, 0, 0, host, port, 0, policy, core.link(), core.random(),
                new Events());
        connection.open();
    }

    private void result(int err) {
        out.urc("+QSSLOPEN: 0,0," + err);
    }

    /** What the module finds wrong with its credentials before it connects: -3 for the CA, -4 for ours [U]. */
    private int checkCredentials() {
        int level = config.seclevel();
        try {
            if (level >= 1) {
                ModuleTlsCredentials.certificates(orEmpty("cacert"), "the CA certificate");
            }
        } catch (GeneralSecurityException e) {
            LOG.debug("emulated BC660K: {}", e.getMessage());
            return CERTIFICATE;
        }
        try {
            if (level == 2) {
                ModuleTlsCredentials.certificates(orEmpty("clientcert"), "the client certificate");
                ModuleTlsCredentials.privateKey(orEmpty("clientkey"));
            }
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            LOG.debug("emulated BC660K: {}", e.getMessage());
            return KEY;
        }
        return OK;
    }

    private byte[] orEmpty(String item) {
        byte[] stored = config.certificate(item);
        return stored == null ? new byte[0] : stored;
    }

    private ModuleTlsPolicy policy(String host) {
        List<String> protocols = switch (config.sslVersion()) {
        case 1 -> List.of("TLSv1");
        case 2 -> List.of("TLSv1.1");
        case 3 -> List.of("TLSv1.2");
        default -> List.of("TLSv1.2", "TLSv1.1", "TLSv1");
        };
        boolean verify = config.seclevel() >= 1;
        boolean mutual = config.seclevel() == 2;
        String sni = HostNames.isIpLiteral(host) ? "" : host;
        return new ModuleTlsPolicy("emulated-bc660k-ssl-0", protocols, CIPHER_SUITES, sni, verify, "", false,
                core.moduleTime(), config.timeout(), verify ? config.certificate("cacert") : null,
                mutual ? config.certificate("clientcert") : null, mutual ? config.certificate("clientkey") : null,
                "CA certificate (\"cacert\")", null);
    }

    /** A failed open's cause as the module reports it. */
    static int error(ModuleTlsConnection.Failure failure) {
        if (failure == null) {
            return EXCEPTION;
        }
        return switch (failure) {
        case DNS, CONNECT -> CONNECTION;
        case CERTIFICATE, CERTIFICATE_REFUSED, REFUSED -> CERTIFICATE;
        case SETUP -> KEY; // the CA was checked before connecting: what is left is the client's key or certificate
        case NEGOTIATION -> CIPHER;
        case TIMEOUT -> TIMEOUT;
        case PEER_CLOSED -> OTHER;
        case HANDSHAKE -> EXCEPTION;
        };
    }

    // --- AT+QSSLSEND, AT+QSSLCLOSE ------------------------------------------------------------------------------

    private void qsslsend(CommandLine c) throws IOException {
        if (c.test()) {
            out.respond("+QSSLSEND: (0-10),(0-4),(1-1024)");
            return;
        }
        if (c.query()) {
            out.ok();
            return;
        }
        ModuleTlsConnection conn = connection;
        int len = c.count() == 3 ? c.intArg(2) : -1;
        if (c.count() < 2 || c.count() > 3 || !Bc660kSslConfig.zeroZero(c)
                || c.count() == 3 && !Bc660kSslConfig.in(len, 1, MAX_SEND)
                || conn == null || conn.state() != ModuleTlsConnection.State.CONNECTED) {
            out.error();
            return;
        }
        boolean hex = config.sendHex();
        out.raw("\r\n> ".getBytes(StandardCharsets.ISO_8859_1));
        byte[] typed = len > 0 ? DataPhase.exactly(core.input(), hex ? 2 * len : len)
                : DataPhase.untilCtrlZ(core.input(), hex ? 2 * MAX_SEND : MAX_SEND);
        byte[] data = typed == null ? null
                : Bc660kSockets.decode(new String(typed, StandardCharsets.ISO_8859_1), hex);
        if (data == null || data.length == 0) {
            out.error(); // ESC, nothing typed, or bad hex
            return;
        }
        out.ok();
        boolean accepted = conn.send(data, core.faults().sendFailWhenFull());
        out.urc("+QSSLSEND: 0,0," + (accepted ? OK : OTHER));
    }

    private void qsslclose(CommandLine c) throws IOException {
        if (c.test()) {
            out.respond("+QSSLCLOSE: (0-10),(0-4)");
            return;
        }
        if (c.query()) {
            out.ok();
            return;
        }
        if (c.count() != 2 || !Bc660kSslConfig.zeroZero(c) || connection == null) {
            out.error();
            return;
        }
        connection.close();
        connection = null;
        out.ok();
        out.urc("+QSSLCLOSE: 0,0,0");
    }

    // --- lifecycle (emulator thread) ---------------------------------------------------------------------------------

    Optional<ModuleTlsSession> session() {
        return connection == null ? Optional.empty() : Optional.ofNullable(connection.session());
    }

    Map<String, byte[]> certificates() {
        return config.certificates();
    }

    /** The radio went off: the connection is gone [U: reported as closed]. */
    void radioOff() {
        if (connection != null) {
            connection.abort();
            connection = null;
            out.urc("+QSSLURC: \"closed\",0,0");
        }
    }

    /** A reboot: the connection vanishes, the settings go back to their defaults, the certificates stay. */
    void reboot() {
        abort();
        config.reboot();
    }

    void abort() {
        if (connection != null) {
            connection.abort();
            connection = null;
        }
    }

    /** Drains what the connection decrypted into URCs of at most 1400 bytes. */
    private void deliver(ModuleTlsConnection c) {
        while (connection == c) {
            byte[] data = c.read(MAX_URC_DATA); // an empty read re-arms the connection's notification
            if (data.length == 0) {
                return;
            }
            String text = config.recvHex() ? java.util.HexFormat.of().withUpperCase().formatHex(data)
                    : new String(data, StandardCharsets.ISO_8859_1);
            out.urc("+QSSLURC: \"recv\",0,0," + data.length + ",\"" + text + "\"");
        }
    }

    /** Connection reports, turned into URCs on the emulator thread. */
    private final class Events implements ModuleTlsConnection.Events {
        @Override
        public void opened(ModuleTlsConnection c, int error) {
            core.post(() -> {
                if (connection != c) {
                    return; // closed or rebooted meanwhile
                }
                if (error == 0) {
                    result(OK);
                    return;
                }
                connection = null;
                result(error(c.failure()));
            });
        }

        @Override
        public void dataArrived(ModuleTlsConnection c) {
            core.post(() -> deliver(c));
        }

        @Override
        public void closedByPeer(ModuleTlsConnection c) {
            core.post(() -> {
                if (connection != c) {
                    return;
                }
                deliver(c);
                connection = null;
                out.urc("+QSSLURC: \"closed\",0,0");
            });
        }
    }
}
