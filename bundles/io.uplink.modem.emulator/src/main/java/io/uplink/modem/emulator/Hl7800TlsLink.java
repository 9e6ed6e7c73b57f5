package io.uplink.modem.emulator;

import java.util.Arrays;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * A TLS session (KTCPCFG mode 3) over the core's module TLS client, offering what its KSSLCRYPTO profile and KSSLCFG
 * allow. Failure codes: DNS 3; a refused or unreachable TCP connection 5; a TCP connect or handshake that runs out of
 * time 12; a failed handshake (no common suite, an alert, the server closing) 13; a server the root certificate does
 * not vouch for 15; settings the module cannot connect with (no root certificate where the profile verifies the
 * server, no local certificate or key where it presents one, no TLS version left, credentials outside the module's
 * limits) 14, the first three of these raised before any byte is sent *[U: the module's split between 12, 13, 14 and 15 is
 * read from the codes' names, not seen]*. SNI: the KTCPCFG host name, never an IP address *[U]*; the name in the
 * certificate is not checked and validity dates are not checked *[U]*.
 */
final class Hl7800TlsLink implements Hl7800Link {

    /** The default handshake budget *[U: the module's is not documented]*. */
    static final int HANDSHAKE_TIMEOUT_S = 60;

    private final ModuleTlsConnection connection;

    private Hl7800TlsLink(ModuleTlsConnection connection) {
        this.connection = connection;
    }

    /**
     * The link for a session, or null when the module would not even start (then {@code notif} has been told 14).
     */
    static Hl7800Link create(Hl7800Session s, Hl7800TlsProfiles.Policy p, Hl7800Credentials store,
            EmulatedModule core, int handshakeTimeoutSeconds, Hl7800Link.Events events, IntConsumer notif) {
        byte[] root = p.verifyServer() ? store.root(p.rootIndex()).orElse(null) : null;
        byte[] cert = p.presentClient() ? store.local(0).orElse(null) : null;
        byte[] key = p.presentClient() ? store.key(0).orElse(null) : null;
        if (p.protocols().length == 0 || p.verifyServer() && root == null
                || p.presentClient() && (cert == null || key == null)) {
            notif.accept(Hl7800Notif.SSL_INIT_ERROR);
            return null;
        }
        String sni = HostNames.isIpLiteral(s.host) ? "" : s.host;
        ModuleTlsPolicy policy = new ModuleTlsPolicy("emulated-hl7800-tls-" + s.id, List.of(p.protocols()),
                Arrays.asList(p.suites()), sni, p.verifyServer(), "", false, core.moduleTime(), handshakeTimeoutSeconds,
                root, cert, key, "root certificate " + p.rootIndex(), null);
        ModuleTlsConnection c = new ModuleTlsConnection(s.id, s.cnxConfig, p.profile(), s.host, s.port, 0, policy,
                core.link(), core.random(), new ModuleTlsConnection.Events() {
                    @Override
                    public void opened(ModuleTlsConnection conn, int error) {
                        if (error == 0) {
                            events.connected();
                        } else {
                            events.failed(notif(conn.failure()));
                        }
                    }

                    @Override
                    public void dataArrived(ModuleTlsConnection conn) {
                        events.dataArrived();
                    }

                    @Override
                    public void closedByPeer(ModuleTlsConnection conn) {
                        events.closedByPeer();
                    }
                });
        return new Hl7800TlsLink(c);
    }

    /** The +KTCP_NOTIF code for why the module's TLS client failed. */
    static int notif(ModuleTlsConnection.Failure f) {
        if (f == null) {
            return Hl7800Notif.SSL_CONNECTION_ERROR;
        }
        switch (f) {
        case DNS:
            return Hl7800Notif.DNS_ERROR;
        case CONNECT:
            return Hl7800Notif.CONNECTION_ERROR;
        case TIMEOUT:
            return Hl7800Notif.CONNECTION_TIMEOUT;
        case REFUSED:
        case SETUP:
            return Hl7800Notif.SSL_INIT_ERROR;
        case CERTIFICATE:
            return Hl7800Notif.SSL_CERTIFICATE_ERROR;
        default:
            return Hl7800Notif.SSL_CONNECTION_ERROR;
        }
    }

    @Override
    public void open() {
        connection.open();
    }

    @Override
    public boolean send(byte[] data) {
        return connection.send(data, false);
    }

    @Override
    public byte[] read(int max) {
        return connection.read(max);
    }

    @Override
    public long unsent() {
        return 0; // *[choice]*: the TLS client keeps no send counters; KTCPSTAT shows 0
    }

    @Override
    public void close() {
        connection.close();
    }

    @Override
    public void abort() {
        connection.abort();
    }

    /** What the module's TLS negotiated, once connected. */
    ModuleTlsSession session() {
        return connection.session();
    }
}
