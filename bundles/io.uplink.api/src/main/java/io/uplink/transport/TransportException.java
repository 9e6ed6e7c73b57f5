package io.uplink.transport;

import java.io.IOException;
import java.util.Objects;

/**
 * A transport failure, with the reason as a value and a fix an operator can act on.
 *
 * <p>{@link #getMessage()} reads as a sentence: what failed and why. {@link #fix()} says what to change.
 * {@link #rawDetail()} keeps the lower layer's own words (an OS error text, a modem's response line), never
 * credentials.
 *
 * @since 1.0
 */
public class TransportException extends IOException {

    private static final long serialVersionUID = 1L;

    /** Why a connection could not be opened or was lost. */
    public enum Reason {
        /** The host name could not be resolved. */
        DNS_FAILED,
        /** The remote host answered with a refusal (TCP RST), nothing listens on that port. */
        REFUSED,
        /** No answer within the deadline. */
        TIMEOUT,
        /** No route to the host or the network is down (no PDP context, interface down). */
        UNREACHABLE,
        /** The peer or the network closed an established connection. */
        CLOSED,
        /** The transport has no free socket, memory or buffer to serve the request. */
        NO_RESOURCES,
        /** The transport went away: its bundle stopped, its modem detached or reset. */
        TRANSPORT_GONE,
        /** The request was invalid for this transport (bad parameter, unsupported operation). */
        INVALID_REQUEST,
        /** Anything the transport could not classify; see {@link TransportException#rawDetail()}. */
        OTHER
    }

    private final Reason reason;
    private final String fix;
    private final String rawDetail;

    /**
     * @param reason the classified reason, not null
     * @param message what failed and why, as a sentence
     * @param fix what an operator should change, as a sentence; empty when there is nothing to suggest
     * @param rawDetail the lower layer's own words, empty when there are none
     * @param cause the underlying exception, may be null
     */
    public TransportException(Reason reason, String message, String fix, String rawDetail, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
        this.fix = fix == null ? "" : fix;
        this.rawDetail = rawDetail == null ? "" : rawDetail;
    }

    /** @see #TransportException(Reason, String, String, String, Throwable) */
    public TransportException(Reason reason, String message, String fix) {
        this(reason, message, fix, "", null);
    }

    /** The classified reason. */
    public Reason reason() {
        return reason;
    }

    /** What to change to make this work, or an empty string. */
    public String fix() {
        return fix;
    }

    /** The lower layer's own words (OS error, modem response), or an empty string. */
    public String rawDetail() {
        return rawDetail;
    }
}
