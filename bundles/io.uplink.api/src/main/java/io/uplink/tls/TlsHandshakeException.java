package io.uplink.tls;

import java.io.IOException;
import java.util.Objects;

/**
 * A failed handshake: why, who raised which alert, and the trace up to the failure.
 *
 * @since 1.0
 */
public class TlsHandshakeException extends IOException {

    private static final long serialVersionUID = 1L;

    /** Why the handshake failed. */
    public enum Failure {
        /** No protocol version both sides support. */
        VERSION_MISMATCH,
        /** No cipher suite both sides support. */
        CIPHER_MISMATCH,
        /** The server chain does not reach a trust anchor. */
        UNKNOWN_CA,
        /** The server certificate does not match the expected name. */
        HOSTNAME_MISMATCH,
        /** The server certificate is expired or not yet valid. */
        CERTIFICATE_EXPIRED,
        /** The server asked for a client certificate and none was configured. */
        CLIENT_CERTIFICATE_REQUIRED,
        /** The server rejected the client certificate. */
        CLIENT_CERTIFICATE_REJECTED,
        /** The peer closed the connection during the handshake without an alert. */
        PEER_CLOSED,
        /** The handshake did not finish in time. */
        TIMEOUT,
        /** The transport failed underneath. */
        TRANSPORT,
        /**
         * A protocol failure that is none of the above: typically the server broke the protocol (garbage after its
         * ServerHello, a choice that was not offered, a malformed message). See the message and trace.
         */
        PROTOCOL,
        /**
         * The server does not speak TLS on this port: its first bytes are not a TLS record (an HTTP server, a plain
         * MQTT broker, another protocol). The message quotes what it sent, made printable.
         *
         * @since 1.2
         */
        NOT_TLS,
        /**
         * The server sent more certificates than the engine accepts in one chain (the engine documents its limit).
         *
         * @since 1.2
         */
        CHAIN_TOO_LONG,
        /**
         * The server sent a certificate (or a Certificate message) larger than the engine accepts (the engine
         * documents its limit).
         *
         * @since 1.2
         */
        CERTIFICATE_TOO_LARGE,
        /**
         * The connection was reset (TCP RST) during the handshake: by the server, a firewall or a middlebox.
         *
         * @since 1.2
         */
        CONNECTION_RESET
    }

    /** Which side raised the alert that ended the handshake. */
    public enum Side {
        CLIENT, SERVER, NONE
    }

    private final Failure failure;
    private final Side alertRaisedBy;
    private final String alert;
    private final String fix;
    private final transient HandshakeTrace trace;
    private final transient byte[] pcap;

    public TlsHandshakeException(Failure failure, String message, String fix, Side alertRaisedBy, String alert,
            HandshakeTrace trace, Throwable cause) {
        this(failure, message, fix, alertRaisedBy, alert, trace, new byte[0], cause);
    }

    /**
     * @param pcap the bytes exchanged until the failure as a pcap capture, empty when none was kept
     * @since 1.1
     */
    public TlsHandshakeException(Failure failure, String message, String fix, Side alertRaisedBy, String alert,
            HandshakeTrace trace, byte[] pcap, Throwable cause) {
        super(message, cause);
        this.pcap = pcap == null ? new byte[0] : pcap.clone();
        this.failure = Objects.requireNonNull(failure, "failure");
        this.fix = Objects.requireNonNullElse(fix, "");
        this.alertRaisedBy = Objects.requireNonNull(alertRaisedBy, "alertRaisedBy");
        this.alert = Objects.requireNonNullElse(alert, "");
        this.trace = Objects.requireNonNull(trace, "trace");
    }

    public Failure failure() {
        return failure;
    }

    public String fix() {
        return fix;
    }

    public Side alertRaisedBy() {
        return alertRaisedBy;
    }

    /** The alert description, e.g. {@code handshake_failure}; empty when there was none. */
    public String alert() {
        return alert;
    }

    public HandshakeTrace trace() {
        return trace;
    }

    /**
     * The bytes exchanged until the failure, as a pcap capture (see {@link TlsSession#writePcap}); empty when none.
     *
     * @since 1.1
     */
    public byte[] pcap() {
        return pcap.clone();
    }
}
