package io.uplink.modem.emulator;

import java.util.concurrent.CompletableFuture;

/**
 * One socket of the emulated nRF9160 SLM: its #XSOCKET/#XSSOCKET settings, its options, and the connection behind it
 * once #XCONNECT ran (a relayed TCP socket or the module's TLS).
 *
 * <p>Threads: the emulator thread owns it; the connection threads only complete {@link #opened} and set
 * {@link #peerClosed} through {@link TcpEvents} / {@link TlsEvents}, which also wake a waiting #XRECV.
 */
final class Nrf9160Socket {

    final int fd;
    final int family;
    final long secTag;
    final int cid;
    int ranking;
    int peerVerify;
    /** TLS_HOSTNAME; null when not set. */
    String hostname;
    int sessionCache;
    volatile EmulatedSocket tcp;
    volatile ModuleTlsConnection tls;
    /** The result of the connect in progress; a new one for each #XCONNECT. */
    volatile CompletableFuture<Integer> opened = new CompletableFuture<>();
    volatile boolean peerClosed;
    /** The radio went off under the connection (ENETDOWN): sends and receives fail until it is closed. */
    boolean broken;

    Nrf9160Socket(int fd, int family, long secTag, int peerVerify, int cid) {
        this.fd = fd;
        this.family = family;
        this.secTag = secTag;
        this.peerVerify = peerVerify;
        this.cid = cid;
    }

    boolean secure() {
        return secTag >= 0;
    }

    boolean connected() {
        return tcp != null && tcp.state() == EmulatedSocket.CONNECTED
                || tls != null && tls.state() == ModuleTlsConnection.State.CONNECTED;
    }

    boolean started() {
        return tcp != null || tls != null;
    }

    boolean send(byte[] data) {
        if (tcp != null) {
            return tcp.send(data, false);
        }
        return tls != null && tls.send(data, false);
    }

    byte[] read(int max) {
        return tcp != null ? tcp.read(max) : tls != null ? tls.read(max) : new byte[0];
    }

    void close() {
        if (tcp != null) {
            tcp.close();
        }
        if (tls != null) {
            tls.close();
        }
    }

    void abort() {
        if (tcp != null) {
            tcp.close();
        }
        if (tls != null) {
            tls.abort();
        }
    }

    /** Plain socket reports, from the socket's threads. */
    static final class TcpEvents implements EmulatedSocket.Events {
        private final Nrf9160Socket s;
        private final Runnable wake;

        TcpEvents(Nrf9160Socket s, Runnable wake) {
            this.s = s;
            this.wake = wake;
        }

        @Override
        public void opened(EmulatedSocket socket, int error) {
            s.opened.complete(error);
        }

        @Override
        public void dataArrived(EmulatedSocket socket) {
            wake.run();
        }

        @Override
        public void closedByPeer(EmulatedSocket socket) {
            if (socket == s.tcp) { // not a report from an earlier, failed connection
                s.peerClosed = true;
            }
            wake.run();
        }
    }

    /** TLS socket reports, from the connection's threads. */
    static final class TlsEvents implements ModuleTlsConnection.Events {
        private final Nrf9160Socket s;
        private final Runnable wake;

        TlsEvents(Nrf9160Socket s, Runnable wake) {
            this.s = s;
            this.wake = wake;
        }

        @Override
        public void opened(ModuleTlsConnection c, int error) {
            s.opened.complete(error);
        }

        @Override
        public void dataArrived(ModuleTlsConnection c) {
            wake.run();
        }

        @Override
        public void closedByPeer(ModuleTlsConnection c) {
            if (c == s.tls) { // not a report from an earlier, failed connection
                s.peerClosed = true;
            }
            wake.run();
        }
    }
}
