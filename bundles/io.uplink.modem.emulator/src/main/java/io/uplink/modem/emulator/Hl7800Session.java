package io.uplink.modem.emulator;

/**
 * One HL7800 TCP session (1-6): what AT+KTCPCFG configured, its state, its connection, and the module's receive
 * buffer that AT+KTCPRCV reads.
 *
 * <p>Threads: emulator thread only (the connection's events are posted to it).
 */
final class Hl7800Session {

    /**
     * AT+KTCPSTAT {@code <status>} values [O: FreeRTOS's HL7802 port and a TABrain HL7800 library agree: 0 not
     * defined, 1 defined but not used, 2 opening, 3 up, 4 closing, 5 closed].
     */
    enum State {
        DEFINED(1), CONNECTING(2), CONNECTED(3), CLOSING(4), CLOSED(5);

        final int code;

        State(int code) {
            this.code = code;
        }
    }

    static final int TCP = 0;
    static final int TLS = 3;

    final int id;
    final int cnxConfig;
    final int mode;
    final String host;
    final int port;
    final int tlsProfile;
    private final byte[] rx;
    private int rxHead;
    private int rxSize;
    private State state = State.DEFINED;
    private Hl7800Link link;
    /** +KTCP_DATA went out and no AT+KTCPRCV has read since. */
    private boolean announced;
    private int lastNotif = Hl7800Notif.NONE;

    Hl7800Session(int id, int cnxConfig, int mode, String host, int port, int tlsProfile, int receiveBuffer) {
        this.id = id;
        this.cnxConfig = cnxConfig;
        this.mode = mode;
        this.host = host;
        this.port = port;
        this.tlsProfile = tlsProfile;
        this.rx = new byte[receiveBuffer];
    }

    State state() {
        return state;
    }

    void state(State value) {
        state = value;
    }

    Hl7800Link link() {
        return link;
    }

    void link(Hl7800Link value) {
        link = value;
    }

    int lastNotif() {
        return lastNotif;
    }

    void notif(int code) {
        lastNotif = code;
    }

    int buffered() {
        return rxSize;
    }

    /**
     * Moves what the connection received into the module's buffer while there is room. Reading the connection empty
     * re-arms its data event; a full buffer leaves the rest in the connection (and TCP slows the server down).
     */
    void pull() {
        if (link == null) {
            return;
        }
        while (rxSize < rx.length) {
            byte[] got = link.read(Math.min(4096, rx.length - rxSize));
            if (got.length == 0) {
                return;
            }
            for (byte b : got) {
                rx[(rxHead + rxSize++) % rx.length] = b;
            }
        }
    }

    /** Whether +KTCP_DATA should go out now: data waits and none was announced since the last read. */
    boolean shouldAnnounce() {
        if (rxSize == 0 || announced) {
            return false;
        }
        announced = true;
        return true;
    }

    /** AT+KTCPRCV: up to {@code max} bytes; a read re-arms +KTCP_DATA. */
    byte[] take(int max) {
        int n = Math.min(max, rxSize);
        byte[] out = new byte[n];
        for (int i = 0; i < n; i++) {
            out[i] = rx[(rxHead + i) % rx.length];
        }
        rxHead = (rxHead + n) % rx.length;
        rxSize -= n;
        announced = false;
        return out;
    }

    /** The connection is gone (closed, failed, aborted); received data stays readable. */
    void drop(boolean orderly) {
        Hl7800Link l = link;
        link = null;
        if (l != null) {
            if (orderly) {
                l.close();
            } else {
                l.abort();
            }
        }
    }
}
