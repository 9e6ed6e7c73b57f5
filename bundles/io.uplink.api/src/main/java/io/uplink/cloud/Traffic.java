package io.uplink.cloud;

/**
 * Bytes an endpoint's connections exchanged since the endpoint was started: what a metered cellular link bills.
 *
 * @param bytesSent bytes written to the network, over every connection since the endpoint started
 * @param bytesReceived bytes read from the network, likewise
 * @param measuredOn where they were counted: {@link #TCP} (the TCP stream, TLS records and handshakes included: the
 *        bytes the modem or OS network carries) or {@link #MODEM_TLS} (the data handed to the modem's own TLS: the
 *        modem adds the TLS overhead, which Uplink cannot see)
 * @since 1.3
 */
public record Traffic(long bytesSent, long bytesReceived, String measuredOn) {

    /** Counted on the TCP stream: TLS included. */
    public static final String TCP = "tcp";
    /** Counted as the data handed to a modem's own TLS: the TLS overhead is not included. */
    public static final String MODEM_TLS = "modem-tls";

    public Traffic {
        if (bytesSent < 0 || bytesReceived < 0) {
            throw new IllegalArgumentException("byte counts are never negative: " + bytesSent + ", " + bytesReceived);
        }
        if (!TCP.equals(measuredOn) && !MODEM_TLS.equals(measuredOn)) {
            throw new IllegalArgumentException("measuredOn is '" + TCP + "' or '" + MODEM_TLS + "', not '"
                    + measuredOn + "'");
        }
    }
}
