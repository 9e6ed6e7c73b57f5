package io.uplink.transport;

import java.time.Duration;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Opens byte-stream connections to a host and port.
 *
 * <p>Implemented by the OS-socket transport and by every attached modem. Implementations are thread-safe: several
 * callers may open connections concurrently, up to {@link #maxConnections()}.
 *
 * <p>A transport service may be unregistered at any time (its bundle stopped or updated, its modem detached). Its
 * open connections then fail with {@link TransportException.Reason#TRANSPORT_GONE}; consumers rebind to whichever
 * transport matches their filter next and reconnect.
 *
 * @since 1.0
 */
@ProviderType
public interface Transport {

    /** Service property: which kind of transport this is, {@value #KIND_OS} or {@value #KIND_MODEM}. */
    String KIND = "transport.kind";

    /** {@link #KIND} value of the gateway's own network stack (Ethernet, Wi-Fi, PPP). */
    String KIND_OS = "os";

    /** {@link #KIND} value of a socket carried by a modem's AT socket commands. */
    String KIND_MODEM = "modem";

    /** Service property on modem transports: the configuration PID of the modem that carries the sockets. */
    String MODEM_PID = "modem.pid";

    /**
     * Opens a connection to {@code host:port}.
     *
     * <p>Blocks the calling thread until the connection is established, refused, or {@code connectTimeout} has
     * passed. The name is resolved by the transport (the gateway's resolver or the modem's DNS).
     *
     * @param host DNS name or IP literal, not empty
     * @param port 1..65535
     * @param connectTimeout positive upper bound for name resolution plus connection set-up
     * @return an open connection; the caller owns it and must close it
     * @throws TransportException naming the reason (DNS failure, refused, timeout, no free socket, ...) and a fix
     * @throws IllegalArgumentException if host is empty, port out of range or the timeout not positive
     */
    Connection connect(String host, int port, Duration connectTimeout) throws TransportException;

    /**
     * A short human description of this transport, such as {@code "OS network stack"} or
     * {@code "Quectel BG95-M3 on /dev/ttyUSB2"}, for logs and diagnostic reports.
     */
    String describe();

    /** How many connections this transport can hold open at once; {@link Integer#MAX_VALUE} when unbounded. */
    int maxConnections();
}
