package io.uplink.modem.emulator;

/**
 * The {@code <tcp_notif>} codes of {@code +KTCP_NOTIF: <session>,<code>}: 0-11 from the HL7518/HL7548 AT commands
 * guide [V], 12-15 from Zephyr's hl78xx driver [V]. The ones the emulated HL7800 raises are used; the rest are listed
 * so the table is complete.
 */
final class Hl7800Notif {

    static final int NETWORK_ERROR = 0;
    static final int NO_MORE_SOCKETS = 1;
    static final int MEMORY_PROBLEM = 2;
    static final int DNS_ERROR = 3;
    static final int REMOTE_DISCONNECTION = 4;
    static final int CONNECTION_ERROR = 5;
    static final int GENERIC_ERROR = 6;
    static final int ACCEPT_FAILED = 7;
    /** Data sending is OK but KTCPSND was waiting for more or fewer characters. */
    static final int SEND_LENGTH_MISMATCH = 8;
    static final int BAD_SESSION = 9;
    static final int SESSION_RUNNING = 10;
    static final int ALL_SESSIONS_USED = 11;
    static final int CONNECTION_TIMEOUT = 12;
    static final int SSL_CONNECTION_ERROR = 13;
    static final int SSL_INIT_ERROR = 14;
    static final int SSL_CERTIFICATE_ERROR = 15;
    /** "Connection OK, no notification" in AT+KTCPSTAT [O: FreeRTOS's HL7802 port, a TABrain HL7800 library]. */
    static final int NONE = -1;

    private Hl7800Notif() {
    }
}
