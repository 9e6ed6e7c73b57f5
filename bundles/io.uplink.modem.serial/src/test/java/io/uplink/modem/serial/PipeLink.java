package io.uplink.modem.serial;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import io.uplink.modem.SerialLink;

/**
 * A loopback socket pair: the channel's side as a {@link SerialLink}, and the far end a test plays the modem on.
 * (Java's piped streams fail when the writing thread changes, which thread pools do.)
 */
final class PipeLink implements SerialLink {

    private final Socket channelSide;
    private final Socket modemSide;
    final OutputStream modemOut;
    final InputStream modemIn;

    PipeLink() throws IOException {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            channelSide = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
            modemSide = server.accept();
        }
        channelSide.setTcpNoDelay(true);
        modemSide.setTcpNoDelay(true);
        modemOut = modemSide.getOutputStream();
        modemIn = modemSide.getInputStream();
    }

    @Override
    public InputStream input() {
        try {
            return channelSide.getInputStream();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public OutputStream output() {
        try {
            return channelSide.getOutputStream();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String name() {
        return "pipe";
    }

    /** What the modem says. */
    void say(String text) throws IOException {
        say(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    void say(byte[] bytes) throws IOException {
        modemOut.write(bytes);
        modemOut.flush();
    }

    /** The modem hangs up (a USB modem disappearing). */
    void modemGone() throws IOException {
        modemSide.close();
    }

    /** Reads the next command line the channel sent (up to CR). */
    String nextCommand() throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = modemIn.read()) != -1 && c != '\r') {
            b.append((char) c);
        }
        return b.toString();
    }

    byte[] read(int n) throws IOException {
        return modemIn.readNBytes(n);
    }

    @Override
    public void close() throws IOException {
        channelSide.close();
    }
}
