package io.uplink.modem.emulator;

import java.util.Random;

/**
 * A plain TCP session (KTCPCFG mode 0) over the core's relayed socket. A DNS failure is {@code +KTCP_NOTIF: <s>,3};
 * a refused or unreachable connection is 5 (TCP connection error); a connect that times out is 12 [U: which of 5 and
 * 12 the module gives for an unreachable host is not confirmed].
 */
final class Hl7800TcpLink implements Hl7800Link {

    private final EmulatedSocket socket;

    Hl7800TcpLink(int session, String host, int port, LinkModel link, Faults faults, Random random, Events events) {
        this.socket = new EmulatedSocket("emulated-hl7800", session, 1, host, port, 0, link, faults, random,
                new EmulatedSocket.Events() {
            @Override
            public void opened(EmulatedSocket s, int error) {
                if (error == 0) {
                    events.connected();
                } else {
                    events.failed(error == 565 ? Hl7800Notif.DNS_ERROR : Hl7800Notif.CONNECTION_ERROR);
                }
            }

            @Override
            public void dataArrived(EmulatedSocket s) {
                events.dataArrived();
            }

            @Override
            public void closedByPeer(EmulatedSocket s) {
                events.closedByPeer();
            }
        });
    }

    @Override
    public void open() {
        socket.open();
    }

    @Override
    public boolean send(byte[] data) {
        return socket.send(data, false);
    }

    @Override
    public byte[] read(int max) {
        return socket.read(max);
    }

    @Override
    public long unsent() {
        return socket.sendCounters()[2];
    }

    @Override
    public void close() {
        socket.close();
    }

    @Override
    public void abort() {
        socket.close();
    }
}
