package io.uplink.transport.os;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.Objects;

import io.uplink.transport.Connection;

/** A {@link Connection} backed by a connected {@link Socket}. */
final class OsSocketConnection implements Connection {

    private final Socket socket;
    private final String remote;
    private final InputStream input;
    private final OutputStream output;
    private volatile Duration readTimeout;

    OsSocketConnection(Socket socket, String remote, Duration readTimeout) throws IOException {
        this.socket = Objects.requireNonNull(socket, "socket");
        this.remote = remote;
        this.input = socket.getInputStream();
        this.output = socket.getOutputStream();
        setReadTimeout(readTimeout);
    }

    @Override
    public InputStream input() {
        return input;
    }

    @Override
    public OutputStream output() {
        return output;
    }

    @Override
    public void setReadTimeout(Duration timeout) throws IOException {
        if (timeout == null || timeout.isNegative()) {
            throw new IllegalArgumentException("read timeout must be zero (none) or positive");
        }
        socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        this.readTimeout = timeout;
    }

    @Override
    public Duration readTimeout() {
        return readTimeout;
    }

    @Override
    public boolean isOpen() {
        return !socket.isClosed() && socket.isConnected();
    }

    @Override
    public String remote() {
        return remote;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    @Override
    public String toString() {
        return "OsSocketConnection[" + remote + (isOpen() ? "" : ", closed") + "]";
    }
}
