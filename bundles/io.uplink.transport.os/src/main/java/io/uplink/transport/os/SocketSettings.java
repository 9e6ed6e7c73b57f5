package io.uplink.transport.os;

import java.time.Duration;
import java.util.Objects;

/**
 * Socket options of the OS transport.
 *
 * @param connectTimeout upper bound for every connect; a caller may ask for less
 * @param readTimeout initial read timeout of new connections, zero for none
 * @param tcpNoDelay disable Nagle's algorithm (MQTT packets are small and latency-sensitive)
 * @param keepAlive enable TCP keep-alive probes
 */
public record SocketSettings(Duration connectTimeout, Duration readTimeout, boolean tcpNoDelay, boolean keepAlive) {

    public static final SocketSettings DEFAULTS = new SocketSettings(Duration.ofSeconds(15), Duration.ZERO, true,
            true);

    public SocketSettings {
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(readTimeout, "readTimeout");
        if (connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new IllegalArgumentException("connect timeout must be positive, was " + connectTimeout.toMillis()
                    + " ms");
        }
        if (readTimeout.isNegative()) {
            throw new IllegalArgumentException("read timeout must be zero (none) or positive, was "
                    + readTimeout.toMillis() + " ms");
        }
    }
}
