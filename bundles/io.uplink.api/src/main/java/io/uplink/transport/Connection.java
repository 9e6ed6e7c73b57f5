package io.uplink.transport;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;

import org.osgi.annotation.versioning.ProviderType;

/**
 * An open, bidirectional byte stream to one remote endpoint.
 *
 * <p>One thread may read while another writes; concurrent reads (or concurrent writes) must be serialised by the
 * caller. {@link #close()} may be called from any thread, at any time, more than once; it unblocks a blocked read.
 *
 * <p>Reads honour {@link #setReadTimeout(Duration)}: a read that waits longer throws
 * {@link java.net.SocketTimeoutException} and leaves the connection usable, as a {@link java.net.Socket} does.
 * End of stream ({@code -1}) means the peer closed its side. Any other failure is a {@link TransportException}.
 *
 * @since 1.0
 */
@ProviderType
public interface Connection extends Closeable {

    /** The stream of bytes received from the peer. Always the same instance. */
    InputStream input() throws IOException;

    /** The stream of bytes sent to the peer; {@code flush()} hands buffered bytes to the transport. */
    OutputStream output() throws IOException;

    /**
     * Sets how long a read may block before it throws {@link java.net.SocketTimeoutException}.
     *
     * @param timeout zero for no limit, else positive
     */
    void setReadTimeout(Duration timeout) throws IOException;

    /** The current read timeout, {@link Duration#ZERO} when reads block without limit. */
    Duration readTimeout();

    /** {@code true} until this side has closed or a failure ended the connection. */
    boolean isOpen();

    /** The remote endpoint as {@code host:port}, for logs and reports. */
    String remote();

    /** Closes both directions and releases the transport's socket. Idempotent. */
    @Override
    void close() throws IOException;
}
