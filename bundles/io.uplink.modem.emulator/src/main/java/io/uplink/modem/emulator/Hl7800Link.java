package io.uplink.modem.emulator;

/**
 * The connection behind one HL7800 TCP session: a relayed TCP socket (KTCPCFG mode 0) or the module's TLS client
 * (mode 3). Adapts the core's {@link EmulatedSocket} and {@link ModuleTlsConnection} to the session's needs and turns
 * their results into {@code +KTCP_NOTIF} codes.
 *
 * <p>Threads: the methods are called on the emulator thread; {@link Events} come from the connection's threads.
 */
interface Hl7800Link {

    /** What the connection tells its session. */
    interface Events {
        void connected();

        /** The connection could not be made; {@code notif} is the +KTCP_NOTIF code. */
        void failed(int notif);

        void dataArrived();

        void closedByPeer();
    }

    /** Connects in the background; the result comes as {@link Events#connected} or {@link Events#failed}. */
    void open();

    /** Hands bytes to the send buffer, waiting while it is full; false when the connection is gone. */
    boolean send(byte[] data);

    /** Up to {@code max} received bytes; an empty read re-arms {@link Events#dataArrived}. */
    byte[] read(int max);

    /** Bytes handed over but not yet sent (AT+KTCPSTAT {@code <rem_data>}). */
    long unsent();

    /** AT+KTCPCLOSE: an orderly close (TLS: close_notify first). */
    void close();

    /** A reboot or the end of the data session: gone without a goodbye. */
    void abort();
}
