package io.uplink.tls.bc;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small TCP server on a free loopback port that misbehaves in one chosen way toward a TLS client: it stays silent,
 * resets, answers as an HTTP server would, or sends a hand-made ServerHello (choosing a version or suite, followed by
 * garbage). Each accepted connection is served on its own daemon thread; closing stops them all.
 */
public final class HostilePeer implements AutoCloseable {

    /** What the peer does with one accepted connection. */
    public interface Behaviour {
        void serve(Socket s) throws IOException;
    }

    public final int port;
    private final ServerSocket server;
    private final List<Socket> open = new ArrayList<>();
    private final AtomicInteger accepted = new AtomicInteger();
    private volatile boolean closed;

    private HostilePeer(Behaviour behaviour) throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        port = server.getLocalPort();
        Thread acceptor = new Thread(() -> {
            while (!closed) {
                try {
                    Socket s = server.accept();
                    accepted.incrementAndGet();
                    synchronized (open) {
                        open.add(s);
                    }
                    Thread t = new Thread(() -> {
                        try {
                            behaviour.serve(s);
                        } catch (IOException e) {
                            // the client went away: that is the client's story to tell
                        }
                    }, "hostile-peer-" + port);
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    return; // closed
                }
            }
        }, "hostile-peer-accept-" + port);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public static HostilePeer start(Behaviour behaviour) throws IOException {
        return new HostilePeer(behaviour);
    }

    /** How many connections were accepted so far. */
    public int accepted() {
        return accepted.get();
    }

    /** Accepts and never sends a byte; the connection stays open until the client leaves. */
    public static Behaviour silent() {
        return s -> {
            InputStream in = s.getInputStream();
            byte[] b = new byte[4096];
            while (in.read(b) >= 0) {
                // swallow whatever comes
            }
        };
    }

    /** Reads what the client sends first (a ClientHello), then resets the connection (RST, not FIN). */
    public static Behaviour reset() {
        return s -> {
            s.getInputStream().read(new byte[4096]);
            s.setSoLinger(true, 0);
            s.close();
        };
    }

    /** Answers whatever arrives as a web server answers a request it cannot parse. */
    public static Behaviour http() {
        return s -> {
            s.getInputStream().read(new byte[4096]);
            OutputStream out = s.getOutputStream();
            out.write(("HTTP/1.1 400 Bad Request\r\nServer: nginx\r\nContent-Type: text/html\r\nContent-Length: 50"
                    + "\r\nConnection: close\r\n\r\n<html><body><h1>400 Bad Request</h1></body></html>")
                            .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            s.shutdownOutput();
            silent().serve(s);
        };
    }

    /**
     * Reads the ClientHello and answers with a TLS 1.2 ServerHello choosing {@code version} (e.g. 0x0303) and
     * {@code suite}, then writes {@code after} (garbage, or nothing) and waits.
     */
    public static Behaviour serverHello(int version, int suite, byte[] after) {
        return s -> {
            readClientHello(s.getInputStream());
            OutputStream out = s.getOutputStream();
            out.write(serverHelloRecord(version, suite));
            out.write(after);
            out.flush();
            silent().serve(s);
        };
    }

    /** A ServerHello record with renegotiation_info and extended_master_secret, which a TLS 1.2 client expects. */
    static byte[] serverHelloRecord(int version, int suite) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(version >> 8);
        body.write(version);
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        body.writeBytes(random);
        body.write(0); // no session id
        body.write(suite >> 8);
        body.write(suite);
        body.write(0); // no compression
        byte[] ext = { (byte) 0xff, 0x01, 0x00, 0x01, 0x00, // renegotiation_info, empty
            0x00, 0x17, 0x00, 0x00 }; // extended_master_secret
        body.write(0);
        body.write(ext.length);
        body.writeBytes(ext);
        byte[] b = body.toByteArray();
        ByteArrayOutputStream rec = new ByteArrayOutputStream();
        rec.writeBytes(new byte[] { 0x16, 0x03, 0x03, (byte) ((b.length + 4) >> 8), (byte) (b.length + 4) });
        rec.writeBytes(new byte[] { 0x02, 0x00, (byte) (b.length >> 8), (byte) b.length });
        rec.writeBytes(b);
        return rec.toByteArray();
    }

    /** Reads one TLS record (the ClientHello) and returns its bytes; bounded by the record length field. */
    static byte[] readClientHello(InputStream in) throws IOException {
        DataInputStream d = new DataInputStream(in);
        byte[] header = new byte[5];
        d.readFully(header);
        int len = ((header[3] & 0xff) << 8) | (header[4] & 0xff);
        byte[] body = new byte[len];
        d.readFully(body);
        return body;
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        synchronized (open) {
            for (Socket s : open) {
                s.close();
            }
        }
    }
}
