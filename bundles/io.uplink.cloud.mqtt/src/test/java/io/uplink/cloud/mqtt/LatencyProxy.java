package io.uplink.cloud.mqtt;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * A TCP proxy on loopback that makes a slow radio link out of a fast one: every byte is delivered a configurable
 * one-way delay after it was sent, behind the bytes sent before it at a configurable bandwidth (0 = unlimited), in
 * each direction.
 *
 * <p>The TCP handshake is not delayed: the kernel completes it at once on loopback, before the proxy sees the
 * connection, so a client's connect returns at once and whatever it does before its first byte takes the same time
 * at every delay. Add one round trip for the handshake when comparing with a real link. (Holding the client's first
 * bytes for two delays instead would model the handshake only for clients that send at once, and would hide up to
 * two delays of a slower client's own start-up work.)
 *
 * <p>Every connection keeps a trace of what went through (direction, when it was read, how many bytes), so a
 * benchmark can show where a client waits, and the stream of each direction, so a test can count packets in it.
 * Server-to-client bytes can be held back ({@link #holdDownstream}) to see what a client sends without answers.
 *
 * <p>Threads: one acceptor, and a reader and a writer per direction per connection; the settings are volatile and
 * apply to connections accepted after the change.
 */
public final class LatencyProxy implements AutoCloseable {

    /** Which way bytes went. */
    public enum Direction {
        /** client to server */
        UP,
        /** server to client */
        DOWN
    }

    /** One read: its direction, when (nanoseconds after the accept), how many bytes. */
    public record Event(Direction direction, long atNanos, int bytes) {
    }

    /** What went through one proxied connection. */
    public static final class Trace {
        private final List<Event> events = new CopyOnWriteArrayList<>();
        private final java.io.ByteArrayOutputStream up = new java.io.ByteArrayOutputStream();
        private final java.io.ByteArrayOutputStream down = new java.io.ByteArrayOutputStream();

        public List<Event> events() {
            return List.copyOf(events);
        }

        /** Every byte the client sent so far. */
        public byte[] upstream() {
            synchronized (up) {
                return up.toByteArray();
            }
        }

        /** Every byte the server sent so far (delivered to the client or not). */
        public byte[] downstream() {
            synchronized (down) {
                return down.toByteArray();
            }
        }

        public long bytes(Direction d) {
            return events.stream().filter(e -> e.direction() == d).mapToLong(Event::bytes).sum();
        }

        /** The trace as lines "  +612.3 ms  UP    37 B", for a benchmark's output. */
        public String describe() {
            StringBuilder b = new StringBuilder();
            for (Event e : events) {
                b.append(String.format(java.util.Locale.ROOT, "  %+9.1f ms  %-4s %6d B%n", e.atNanos() / 1e6,
                        e.direction(), e.bytes()));
            }
            return b.toString();
        }

        private void record(Direction d, long at, byte[] b, int n) {
            events.add(new Event(d, at, n));
            java.io.ByteArrayOutputStream s = d == Direction.UP ? up : down;
            synchronized (s) {
                s.write(b, 0, n);
            }
        }
    }

    private static final int MAX_TRACED_BYTES = 16 << 20;

    private final ServerSocket server;
    private final InetSocketAddress target;
    private final Thread acceptor;
    private final List<Trace> traces = new CopyOnWriteArrayList<>();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile long oneWayNanos;
    private volatile long bitsPerSecond;
    private volatile boolean holdDown;
    private volatile long downstreamAllowance = Long.MAX_VALUE;
    private volatile boolean closed;

    /**
     * @param oneWayMillis delay added to each direction, milliseconds (0 or more)
     * @param bitsPerSecond bandwidth per direction; 0 for unlimited
     */
    public LatencyProxy(String targetHost, int targetPort, long oneWayMillis, long bitsPerSecond) throws IOException {
        set(oneWayMillis, bitsPerSecond);
        this.target = new InetSocketAddress(targetHost, targetPort);
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::accept, "latency-proxy-accept");
        this.acceptor.setDaemon(true);
        this.acceptor.start();
    }

    /** Changes the link for connections accepted from now on. */
    public void set(long oneWayMillis, long bitsPerSecond) {
        if (oneWayMillis < 0 || bitsPerSecond < 0) {
            throw new IllegalArgumentException("delay and bandwidth must be 0 or more, not " + oneWayMillis + " ms and "
                    + bitsPerSecond + " bit/s");
        }
        this.oneWayNanos = oneWayMillis * 1_000_000L;
        this.bitsPerSecond = bitsPerSecond;
    }

    /** While true, bytes from the server are read and traced but not delivered to the client. */
    public void holdDownstream(boolean hold) {
        this.holdDown = hold;
        if (!hold) {
            this.downstreamAllowance = Long.MAX_VALUE;
        }
        synchronized (this) {
            notifyAll();
        }
    }

    /**
     * Delivers only the first {@code bytes} the server sends on each connection (e.g. 4: an MQTT 3.1.1 CONNACK), and
     * holds the rest until {@code holdDownstream(false)}.
     */
    public void holdDownstreamAfter(long bytes) {
        this.downstreamAllowance = bytes;
    }

    public int port() {
        return server.getLocalPort();
    }

    /** One trace per connection accepted so far, oldest first. */
    public List<Trace> traces() {
        return List.copyOf(traces);
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = server.accept();
                long accepted = System.nanoTime();
                Socket upstream = new Socket();
                try {
                    upstream.connect(target, 5_000);
                } catch (IOException e) {
                    client.close(); // as the server would: refused
                    continue;
                }
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
                sockets.add(client);
                sockets.add(upstream);
                Trace trace = new Trace();
                traces.add(trace);
                long delay = oneWayNanos;
                long bandwidth = bitsPerSecond;
                new Pipe(client, upstream, Direction.UP, trace, accepted, delay, bandwidth).start();
                new Pipe(upstream, client, Direction.DOWN, trace, accepted, delay, bandwidth).start();
            } catch (IOException e) {
                if (!closed) {
                    System.err.println("latency proxy: " + e);
                }
            }
        }
    }

    private record Chunk(byte[] bytes, int length, long deliverAt) {
    }

    /** One direction: a reader stamping when each chunk is due, a writer delivering it then. */
    private final class Pipe {
        private final Socket from;
        private final Socket to;
        private final Direction direction;
        private final Trace trace;
        private final long origin;
        private final long delay;
        private final long bandwidth;
        private final BlockingQueue<Chunk> chunks = new LinkedBlockingQueue<>();
        private long linkFreeAt;
        private long delivered;

        Pipe(Socket from, Socket to, Direction direction, Trace trace, long origin, long delay, long bandwidth) {
            this.from = from;
            this.to = to;
            this.direction = direction;
            this.trace = trace;
            this.origin = origin;
            this.delay = delay;
            this.bandwidth = bandwidth;
        }

        void start() {
            Thread r = new Thread(this::read, "latency-proxy-read-" + direction);
            Thread w = new Thread(this::write, "latency-proxy-write-" + direction);
            r.setDaemon(true);
            w.setDaemon(true);
            r.start();
            w.start();
        }

        private void read() {
            byte[] buffer = new byte[16384];
            long total = 0;
            // The streams are not closed here: closing one closes the socket, and the other direction still runs.
            try {
                InputStream in = from.getInputStream();
                int n;
                while ((n = in.read(buffer)) > 0) {
                    long now = System.nanoTime();
                    if (total + n <= MAX_TRACED_BYTES) {
                        trace.record(direction, now - origin, buffer, n);
                    }
                    total += n;
                    long start = Math.max(now, linkFreeAt);
                    long serialisation = bandwidth == 0 ? 0 : n * 8L * 1_000_000_000L / bandwidth;
                    linkFreeAt = start + serialisation;
                    chunks.add(new Chunk(java.util.Arrays.copyOf(buffer, n), n, linkFreeAt + delay));
                }
            } catch (IOException e) {
                // the peer reset or the proxy closed: end this direction like an EOF
            }
            long now = System.nanoTime();
            chunks.add(new Chunk(null, -1, Math.max(now, linkFreeAt) + delay));
        }

        private void write() {
            try {
                OutputStream out = to.getOutputStream();
                while (true) {
                    Chunk c = chunks.take();
                    long wait;
                    while ((wait = c.deliverAt() - System.nanoTime()) > 0) {
                        LockSupport.parkNanos(wait);
                    }
                    int from = 0;
                    if (direction == Direction.DOWN && c.length() > 0) {
                        int allowed = (int) Math.max(0, Math.min(c.length(), downstreamAllowance - delivered));
                        out.write(c.bytes(), 0, allowed);
                        out.flush();
                        delivered += allowed;
                        from = allowed;
                        synchronized (LatencyProxy.this) {
                            while ((holdDown || delivered >= downstreamAllowance) && !closed) {
                                LatencyProxy.this.wait(100);
                            }
                        }
                    }
                    if (c.length() < 0) {
                        to.shutdownOutput();
                        return;
                    }
                    out.write(c.bytes(), from, c.length() - from);
                    out.flush();
                    delivered += c.length() - from;
                }
            } catch (IOException e) {
                closeQuietly(from);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // already gone
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // closing
        }
        for (Socket s : new ArrayList<>(sockets)) {
            closeQuietly(s);
        }
        holdDownstream(false);
    }
}
