package io.uplink.modem.emulator;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.util.Random;

/**
 * One module socket (a BG95 connectID 0-11, an nRF91 handle) relaying to a real TCP endpoint, with the modem's bounded receive and send
 * buffers, cellular latency, bandwidth and loss, and the socket faults.
 */
final class EmulatedSocket {

    /** AT+QISTATE socket states. */
    static final int OPENING = 1;
    static final int CONNECTED = 2;
    static final int CLOSING = 4;

    /** What the socket tells the modem (URCs). */
    interface Events {
        void opened(EmulatedSocket s, int error);

        void dataArrived(EmulatedSocket s);

        void closedByPeer(EmulatedSocket s);
    }

    final int id;
    final int context;
    final String host;
    final int port;
    final int accessMode;
    private final LinkModel link;
    private final Faults faults;
    private final Events events;
    private final Random random;
    private final Object lock = new Object();
    private final byte[] rx;
    private int rxHead;
    private int rxSize;
    private final ByteArrayOutputStream tx = new ByteArrayOutputStream();
    private Socket tcp;
    private volatile int state = OPENING;
    private boolean recvNotified;
    private long totalSent;
    private long acked;
    private long totalRead;
    private long received;
    private final long closeAfter;
    private volatile boolean closed;

    /** Thread names start with this, e.g. {@code emulated-bg95-socket-3}. */
    private final String owner;

    EmulatedSocket(int id, int context, String host, int port, int accessMode, LinkModel link, Faults faults,
            Random random, Events events) {
        this("emulated-bg95", id, context, host, port, accessMode, link, faults, random, events);
    }

    EmulatedSocket(String owner, int id, int context, String host, int port, int accessMode, LinkModel link,
            Faults faults, Random random, Events events) {
        this.owner = owner;
        this.id = id;
        this.context = context;
        this.host = host;
        this.port = port;
        this.accessMode = accessMode;
        this.link = link;
        this.faults = faults;
        this.random = random;
        this.events = events;
        this.rx = new byte[link.receiveBufferBytes()];
        this.closeAfter = faults.closeAfterBytes() <= 0 ? Long.MAX_VALUE
                : Math.max(1, faults.closeAfterBytes() + random.nextInt(faults.closeAfterBytes() / 5 + 1)
                        - faults.closeAfterBytes() / 10);
    }

    /** Connects in the background, as QIOPEN does; the result comes as the {@code +QIOPEN} URC. */
    void open() {
        Thread t = new Thread(() -> {
            try {
                Socket s = new Socket();
                s.setTcpNoDelay(true);
                s.connect(new InetSocketAddress(host, port), 15_000);
                synchronized (lock) {
                    tcp = s;
                    state = CONNECTED;
                }
                delay(link.latencyMillis() * 2L);
                events.opened(this, 0);
                startSender();
                receiveLoop(s.getInputStream());
            } catch (UnknownHostException e) {
                state = CLOSING;
                events.opened(this, 565);
            } catch (IOException e) {
                if (state == OPENING) {
                    state = CLOSING;
                    events.opened(this, 566);
                } else if (!closed) {
                    peerClosed();
                }
            }
        }, owner + "-socket-" + id);
        t.setDaemon(true);
        t.start();
    }

    private void receiveLoop(InputStream in) throws IOException {
        byte[] chunk = new byte[1460];
        while (!closed) {
            int room;
            synchronized (lock) {
                while (rxSize == rx.length && !closed) {
                    waitLock(); // the modem's buffer is full: stop reading, TCP slows the remote down
                }
                room = rx.length - rxSize;
            }
            int n = in.read(chunk, 0, Math.min(chunk.length, room));
            if (n < 0) {
                peerClosed();
                return;
            }
            cellular(n);
            boolean notify;
            synchronized (lock) {
                for (int i = 0; i < n; i++) {
                    rx[(rxHead + rxSize + i) % rx.length] = chunk[i];
                }
                rxSize += n;
                received += n;
                notify = !recvNotified;
                recvNotified = true;
            }
            if (notify) {
                events.dataArrived(this);
            }
            if (totalSent + received > closeAfter) {
                faultClose();
                return;
            }
        }
    }

    private void startSender() {
        Thread t = new Thread(() -> {
            try {
                OutputStream out = tcp.getOutputStream();
                while (true) {
                    byte[] chunk;
                    synchronized (lock) {
                        while (tx.size() == 0 && !closed) {
                            waitLock();
                        }
                        if (closed) {
                            return;
                        }
                        byte[] all = tx.toByteArray();
                        int n = Math.min(all.length, 1460);
                        chunk = java.util.Arrays.copyOf(all, n);
                        tx.reset();
                        tx.write(all, n, all.length - n);
                    }
                    cellular(chunk.length);
                    out.write(chunk);
                    out.flush();
                    synchronized (lock) {
                        acked += chunk.length;
                        lock.notifyAll();
                    }
                    if (totalSent + received > closeAfter) {
                        faultClose();
                        return;
                    }
                }
            } catch (IOException e) {
                if (!closed) {
                    peerClosed();
                }
            }
        }, owner + "-send-" + id);
        t.setDaemon(true);
        t.start();
    }

    /** Latency, bandwidth and loss of the cellular path for a chunk of n bytes. */
    private void cellular(int n) {
        long millis = link.latencyMillis();
        if (link.bandwidthBytesPerSecond() > 0) {
            millis += n * 1000L / link.bandwidthBytesPerSecond();
        }
        if (link.lossPercent() > 0 && random.nextInt(100) < link.lossPercent()) {
            millis += Math.max(200, 3L * link.latencyMillis()); // one retransmission timeout
        }
        delay(millis);
    }

    /** QISEND: true when the data fit into the send buffer. */
    boolean send(byte[] data, boolean failWhenFull) {
        synchronized (lock) {
            if (state != CONNECTED) {
                return false;
            }
            while (tx.size() + data.length > link.sendBufferBytes()) {
                if (failWhenFull) {
                    return false;
                }
                waitLock();
                if (state != CONNECTED) {
                    return false;
                }
            }
            tx.write(data, 0, data.length);
            totalSent += data.length;
            lock.notifyAll();
            return true;
        }
    }

    /** QIRD: up to max bytes; reading an empty buffer re-arms the recv URC, as on the real module. */
    byte[] read(int max) {
        synchronized (lock) {
            int n = Math.min(max, rxSize);
            byte[] out = new byte[n];
            for (int i = 0; i < n; i++) {
                out[i] = rx[(rxHead + i) % rx.length];
            }
            rxHead = (rxHead + n) % rx.length;
            rxSize -= n;
            totalRead += n;
            if (n == 0) {
                recvNotified = false;
            }
            lock.notifyAll();
            return out;
        }
    }

    int unread() {
        synchronized (lock) {
            return rxSize;
        }
    }

    long[] readCounters() {
        synchronized (lock) {
            return new long[] { received, totalRead, rxSize };
        }
    }

    long[] sendCounters() {
        synchronized (lock) {
            return new long[] { totalSent, acked, totalSent - acked };
        }
    }

    int state() {
        return state;
    }

    int localPort() {
        Socket s = tcp;
        return s == null ? 0 : s.getLocalPort();
    }

    private void peerClosed() {
        synchronized (lock) {
            if (state == CLOSING) {
                return;
            }
            state = CLOSING;
            lock.notifyAll();
        }
        events.closedByPeer(this);
    }

    private void faultClose() {
        try {
            Socket s = tcp;
            if (s != null) {
                s.close();
            }
        } catch (IOException ignored) {
            // the fault is the point
        }
        peerClosed();
    }

    /** QICLOSE / deactivation / reset. */
    void close() {
        synchronized (lock) {
            closed = true;
            state = CLOSING;
            lock.notifyAll();
        }
        try {
            Socket s = tcp;
            if (s != null) {
                s.close();
            }
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    private void waitLock() {
        try {
            lock.wait(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        }
    }

    private static void delay(long millis) {
        if (millis <= 0) {
            return;
        }
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
