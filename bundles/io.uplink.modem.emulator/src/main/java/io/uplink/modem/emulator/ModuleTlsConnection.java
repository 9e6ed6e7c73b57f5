package io.uplink.modem.emulator;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.Random;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SSL client of the emulated module (AT+QSSLOPEN): a real TLS handshake with a JSSE {@link SSLEngine} over a TCP
 * connection to the real host, the bytes passing through the link model's {@link DelayLine}s in both directions, and
 * the module's bounded receive and send buffers behind AT+QSSLRECV and AT+QSSLSEND.
 *
 * <p>The personality decides what the module offers and checks ({@link ModuleTlsPolicy}); the result codes are the core's
 * ({@link #FAILED}, {@link #DNS_FAILED}, which the BG95 prints as they are and other personalities translate).
 *
 * <p>Threads: {@code <owner>} (the policy's) connects and then owns the engine and its buffers; {@code ...-in} copies
 * socket bytes into the downlink line, {@code ...-out} the uplink line into the socket. The application buffers,
 * counters and state are guarded by {@code lock} (the lines' monitor too); the emulator thread reaches them only
 * through {@link #send}, {@link #read} and {@link #close}. Results go to {@link Events} from the connection's threads.
 */
final class ModuleTlsConnection {

    private static final Logger LOG = LoggerFactory.getLogger(ModuleTlsConnection.class);

    /** AT+QSSLSTATE socket states. */
    enum State {
        OPENING(1), CONNECTED(2), CLOSING(4);

        final int code;

        State(int code) {
            this.code = code;
        }
    }

    /** What the connection tells the module (its URCs). */
    interface Events {
        void opened(ModuleTlsConnection c, int error);

        void dataArrived(ModuleTlsConnection c);

        void closedByPeer(ModuleTlsConnection c);
    }

    /**
     * Why an open failed, for personalities whose codes tell the causes apart (the HL7800's +KTCP_NOTIF 12, 13, 14,
     * 15); the BG95 answers 566 to all but DNS.
     */
    enum Failure {
        /** The policy refused to connect ({@link ModuleTlsPolicy#refusal()}). */
        REFUSED,
        DNS,
        /** The TCP connection was refused or the host unreachable. */
        CONNECT,
        /** The TCP connect or the handshake ran out of time. */
        TIMEOUT,
        /** The credentials or settings could not make a TLS context. */
        SETUP,
        /** The server's certificate chain failed verification. */
        CERTIFICATE,
        /** No protocol version or cipher suite in common: the server said so (or the module had none to offer). */
        NEGOTIATION,
        /** The server refused the module's certificate, or its absence (a certificate alert). */
        CERTIFICATE_REFUSED,
        /** The server closed the connection during the handshake without an alert. */
        PEER_CLOSED,
        /** Any other handshake failure. */
        HANDSHAKE
    }

    /** The module's answer to every TLS failure (and to a refused TCP connection). */
    static final int FAILED = 566;
    static final int DNS_FAILED = 565;
    private static final int READ_CHUNK = 4096;

    final int id;
    final int pdpContext;
    final int sslContext;
    final int accessMode;
    final String host;
    final int port;
    private final ModuleTlsPolicy policy;
    private final LinkModel link;
    private final Events events;
    private final Object lock = new Object();
    private final DelayLine up;
    private final DelayLine down;
    private final byte[] rx;
    private int rxHead;
    private int rxSize;
    private boolean recvNotified;
    private final ByteArrayOutputStream tx = new ByteArrayOutputStream();
    private boolean closeRequested;
    private boolean peerGone;
    private Socket tcp;
    private volatile State state = State.OPENING;
    private volatile ModuleTlsSession session;
    private volatile Failure failure;

    ModuleTlsConnection(int id, int pdpContext, int sslContext, String host, int port, int accessMode,
            ModuleTlsPolicy policy, LinkModel link, Random random, Events events) {
        this.id = id;
        this.pdpContext = pdpContext;
        this.sslContext = sslContext;
        this.host = host;
        this.port = port;
        this.accessMode = accessMode;
        this.policy = policy;
        this.link = link;
        this.events = events;
        this.rx = new byte[link.receiveBufferBytes()];
        this.up = new DelayLine(link, random, lock, link.sendBufferBytes() + 2 * 17 * 1024, System::nanoTime);
        this.down = new DelayLine(link, random, lock, link.receiveBufferBytes(), System::nanoTime);
    }

    /** Connects and negotiates in the background; the result comes as {@link Events#opened}. */
    void open() {
        Thread t = new Thread(this::run, policy.owner());
        t.setDaemon(true);
        t.start();
    }

    State state() {
        return state;
    }

    ModuleTlsSession session() {
        return session;
    }

    int localPort() {
        Socket s = tcp;
        return s == null ? 0 : s.getLocalPort();
    }

    private void run() {
        long start = System.nanoTime();
        long deadline = start + policy.handshakeTimeoutSeconds() * 1_000_000_000L;
        Socket s = new Socket();
        if (policy.refusal() != null) {
            failure = Failure.REFUSED;
            failOpen(FAILED, policy.refusal(), s);
            return;
        }
        try {
            InetAddress address = InetAddress.getByName(host);
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress(address, port), (int) Math.min(15_000, policy.handshakeTimeoutSeconds() * 1000L));
        } catch (UnknownHostException e) {
            failure = Failure.DNS;
            failOpen(DNS_FAILED, "DNS: " + e.getMessage(), s);
            return;
        } catch (IOException e) {
            failure = e instanceof java.net.SocketTimeoutException ? Failure.TIMEOUT : Failure.CONNECT;
            failOpen(FAILED, "TCP connect: " + e.getMessage(), s);
            return;
        }
        synchronized (lock) {
            if (closeRequested) {
                closeQuietly(s);
                return;
            }
            tcp = s;
        }
        pause(2L * link.latencyMillis()); // the TCP handshake: one round trip over the cellular link
        startPumps(s);
        SSLEngine engine;
        try {
            SSLContext ctx = ModuleTlsCredentials.context(policy);
            engine = configure(ctx.createSSLEngine(host, port));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            failure = Failure.SETUP;
            failOpen(FAILED, e.getMessage(), s);
            return;
        }
        Engine e = new Engine(engine);
        try {
            engine.beginHandshake();
            while (!e.handshakeDone) {
                if (System.nanoTime() - deadline > 0) {
                    throw new SSLException("no handshake within " + policy.handshakeTimeoutSeconds() + " s");
                }
                if (!e.step() && !e.waitForWork()) {
                    throw new SSLException("the server closed the connection during the handshake");
                }
            }
        } catch (IOException ex) {
            e.sendAlert();
            failure = System.nanoTime() - deadline > 0 ? Failure.TIMEOUT : classify(ex);
            failOpen(FAILED, "handshake: " + ex.getMessage(), s);
            return;
        }
        session = new ModuleTlsSession(engine.getSession().getProtocol(), engine.getSession().getCipherSuite(),
                policy.sniHost(), engine.getSession().getLocalCertificates() != null,
                (System.nanoTime() - start) / 1_000_000);
        synchronized (lock) {
            if (closeRequested) {
                return;
            }
            state = State.CONNECTED;
        }
        LOG.debug("{}: {} {} with {}", policy.owner(), session.protocol(), session.cipherSuite(), host);
        events.opened(this, 0);
        try {
            while (e.step() || e.waitForWork()) {
                // runs until closed by either side
            }
        } catch (IOException ex) {
            LOG.debug("{} ends: {}", policy.owner(), ex.toString());
        }
        peerClosed();
        up.close();
    }

    private SSLEngine configure(SSLEngine engine) throws GeneralSecurityException {
        engine.setUseClientMode(true);
        SSLParameters p = engine.getSSLParameters();
        List<String> supportedProtocols = java.util.Arrays.asList(engine.getSupportedProtocols());
        List<String> supportedSuites = java.util.Arrays.asList(engine.getSupportedCipherSuites());
        String[] protocols = policy.protocols().stream().filter(supportedProtocols::contains).toArray(String[]::new);
        String[] suites = policy.cipherSuites().stream().filter(supportedSuites::contains).toArray(String[]::new);
        if (protocols.length == 0 || suites.length == 0) {
            throw new GeneralSecurityException("no protocol or cipher suite left: the module offers "
                    + policy.protocols() + " with " + policy.cipherSuites());
        }
        p.setProtocols(protocols);
        p.setCipherSuites(suites);
        String sni = policy.sniHost();
        p.setServerNames(sni.isEmpty() ? List.of() : List.of(new SNIHostName(sni)));
        p.setEndpointIdentificationAlgorithm(null); // the name check is the trust manager's job, as on the module
        engine.setSSLParameters(p);
        return engine;
    }

    private void startPumps(Socket s) {
        Thread in = new Thread(() -> {
            byte[] chunk = new byte[READ_CHUNK];
            try {
                InputStream is = s.getInputStream();
                int n;
                while ((n = is.read(chunk)) >= 0) {
                    down.put(chunk, 0, n);
                }
            } catch (IOException ended) {
                // the socket closed: the end of the downlink either way
            }
            down.close();
        }, policy.owner() + "-in");
        Thread out = new Thread(() -> {
            try {
                OutputStream os = s.getOutputStream();
                byte[] due;
                while ((due = up.take()) != null) {
                    os.write(due);
                    os.flush();
                }
            } catch (IOException ended) {
                // the peer went away; the downlink notices too
            }
            closeQuietly(s);
        }, policy.owner() + "-out");
        in.setDaemon(true);
        out.setDaemon(true);
        in.start();
        out.start();
    }

    /** Why the open failed, once {@link Events#opened} reported an error; null before. */
    Failure failure() {
        return failure;
    }

    /**
     * A handshake failure's cause, from the exception JSSE gave: the server's chain (a CertificateException), the
     * server's alert naming no common version or suite, or refusing our certificate, the server closing, or other.
     */
    static Failure classify(Throwable ex) {
        if (causedBy(ex, java.security.cert.CertificateException.class)) {
            return Failure.CERTIFICATE;
        }
        String m = String.valueOf(ex.getMessage()).toLowerCase(java.util.Locale.ROOT);
        if (m.contains("handshake_failure") || m.contains("insufficient_security") || m.contains("protocol_version")
                || m.contains("no appropriate protocol") || m.contains("no negotiable cipher")
                || m.contains("cipher suites in common")) {
            return Failure.NEGOTIATION;
        }
        if (m.contains("bad_certificate") || m.contains("unknown_ca") || m.contains("certificate_unknown")
                || m.contains("certificate_required") || m.contains("unsupported_certificate")) {
            return Failure.CERTIFICATE_REFUSED;
        }
        if (m.contains("closed") || m.contains("unexpected end") || m.contains("connection reset")) {
            return Failure.PEER_CLOSED;
        }
        return Failure.HANDSHAKE;
    }

    private static boolean causedBy(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }

    private void failOpen(int error, String cause, Socket s) {
        LOG.debug("{} to {}:{} fails ({}): {}", policy.owner(), host, port, error, cause);
        synchronized (lock) {
            state = State.CLOSING;
            lock.notifyAll();
        }
        up.close();
        down.close();
        if (!closeRequestedNow()) {
            events.opened(this, error);
        }
        // let the alert leave before the socket closes (the uplink thread closes it once drained)
        if (tcp == null) {
            closeQuietly(s);
        }
    }

    private boolean closeRequestedNow() {
        synchronized (lock) {
            return closeRequested;
        }
    }

    /** AT+QSSLSEND: true when the data fit into the send buffer. */
    boolean send(byte[] data, boolean failWhenFull) {
        synchronized (lock) {
            while (state == State.CONNECTED && tx.size() + data.length > link.sendBufferBytes()) {
                if (failWhenFull) {
                    return false;
                }
                try {
                    lock.wait(1000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            if (state != State.CONNECTED) {
                return false;
            }
            tx.write(data, 0, data.length);
            lock.notifyAll();
            return true;
        }
    }

    /** AT+QSSLRECV: up to max bytes; reading an empty buffer re-arms the recv URC, as on the real module. */
    byte[] read(int max) {
        synchronized (lock) {
            int n = Math.min(max, rxSize);
            byte[] out = new byte[n];
            for (int i = 0; i < n; i++) {
                out[i] = rx[(rxHead + i) % rx.length];
            }
            rxHead = (rxHead + n) % rx.length;
            rxSize -= n;
            if (n == 0) {
                recvNotified = false;
            }
            lock.notifyAll();
            return out;
        }
    }

    /** AT+QSSLCLOSE: a close_notify goes out (after what is queued), then the TCP connection closes. */
    void close() {
        Socket s;
        synchronized (lock) {
            closeRequested = true;
            s = tcp;
            State before = state;
            state = State.CLOSING;
            lock.notifyAll();
            if (before == State.CONNECTED) {
                return; // the engine thread says goodbye and closes
            }
        }
        up.close();
        down.close();
        if (s != null) {
            closeQuietly(s);
        }
    }

    /** A reboot or power-off: the connection vanishes without a goodbye. */
    void abort() {
        Socket s;
        synchronized (lock) {
            closeRequested = true;
            state = State.CLOSING;
            s = tcp;
            lock.notifyAll();
        }
        up.close();
        down.close();
        if (s != null) {
            closeQuietly(s);
        }
    }

    private void peerClosed() {
        boolean tell;
        synchronized (lock) {
            tell = !closeRequested && !peerGone;
            peerGone = true;
            state = State.CLOSING;
            lock.notifyAll();
        }
        if (tell) {
            events.closedByPeer(this);
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    private static void pause(long millis) {
        if (millis > 0) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The engine and its network-side buffers; used by the connection thread only. */
    private final class Engine {
        private final SSLEngine engine;
        private ByteBuffer netIn;
        private final ByteBuffer netOut;
        private final ByteBuffer appIn;
        private ByteBuffer appOut = ByteBuffer.allocate(0);
        private boolean handshakeDone;
        private boolean inboundClosed;
        private boolean outboundClosed;
        /** The last unwrap needed more bytes than have arrived. */
        private boolean starved;

        Engine(SSLEngine engine) {
            this.engine = engine;
            int packet = engine.getSession().getPacketBufferSize();
            this.netIn = ByteBuffer.allocate(2 * packet);
            this.netOut = ByteBuffer.allocate(packet);
            this.appIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
        }

        /** Does what can be done now without waiting; false when nothing could. */
        boolean step() throws IOException {
            boolean progress = false;
            HandshakeStatus hs = engine.getHandshakeStatus();
            if (hs == HandshakeStatus.NEED_TASK) {
                Runnable task;
                while ((task = engine.getDelegatedTask()) != null) {
                    task.run();
                }
                return true;
            }
            progress |= pullNetwork();
            progress |= wrap(hs);
            progress |= unwrap(engine.getHandshakeStatus());
            progress |= deliver();
            if (outboundClosed && (inboundClosed || closeRequestedNow())) {
                return false;
            }
            return progress;
        }

        /** Waits for something to do; false when there will never be anything (peer gone or closed). */
        boolean waitForWork() throws InterruptedIOException {
            synchronized (lock) {
                if (outboundClosed && (inboundClosed || closeRequested)) {
                    return false;
                }
                boolean appPending = appIn.position() > 0;
                boolean netEof = down.drained() && (netIn.position() == 0 || starved);
                if (netEof && !outboundPending() && !appPending) {
                    return false;
                }
                long next = down.nanosToNext();
                if (next == 0 || outboundPending() || appPending && rxSize < rx.length) {
                    return true;
                }
                try {
                    lock.wait(next > 0 ? Math.max(1, Math.min(100, next / 1_000_000)) : 100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("emulated SSL client interrupted");
                }
                return true;
            }
        }

        private boolean outboundPending() {
            return handshakeDone && (tx.size() > 0 || appOut.hasRemaining() || closeRequested && !outboundClosed);
        }

        private boolean pullNetwork() {
            if (netIn.remaining() < READ_CHUNK) {
                return false;
            }
            byte[] due = down.pollDue();
            if (due.length == 0) {
                return false;
            }
            if (netIn.remaining() < due.length) {
                ByteBuffer bigger = ByteBuffer.allocate(netIn.position() + due.length + READ_CHUNK);
                netIn.flip();
                bigger.put(netIn);
                netIn = bigger;
            }
            netIn.put(due);
            return true;
        }

        private boolean wrap(HandshakeStatus hs) throws IOException {
            boolean wanted = hs == HandshakeStatus.NEED_WRAP;
            if (!wanted && handshakeDone && !outboundClosed) {
                synchronized (lock) {
                    if (!appOut.hasRemaining() && tx.size() > 0) {
                        byte[] all = tx.toByteArray();
                        int n = Math.min(all.length, 16 * 1024);
                        appOut = ByteBuffer.wrap(all, 0, n).slice();
                        tx.reset();
                        tx.write(all, n, all.length - n);
                        lock.notifyAll(); // room in the send buffer again
                    }
                    if (!appOut.hasRemaining() && closeRequested) {
                        engine.closeOutbound();
                    }
                }
                wanted = appOut.hasRemaining() || engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP;
            }
            if (!wanted) {
                return false;
            }
            netOut.clear();
            SSLEngineResult r = engine.wrap(handshakeDone ? appOut : ByteBuffer.allocate(0), netOut);
            noteFinished(r);
            if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                outboundClosed = true;
            }
            netOut.flip();
            if (netOut.hasRemaining()) {
                up.put(netOut.array(), 0, netOut.limit());
            }
            return r.bytesProduced() > 0 || r.bytesConsumed() > 0;
        }

        private boolean unwrap(HandshakeStatus hs) throws IOException {
            if (inboundClosed || netIn.position() == 0 && hs != HandshakeStatus.NEED_UNWRAP_AGAIN) {
                return false;
            }
            if (hs == HandshakeStatus.NEED_WRAP || hs == HandshakeStatus.NEED_TASK) {
                return false;
            }
            netIn.flip();
            SSLEngineResult r;
            try {
                r = engine.unwrap(netIn, appIn);
            } finally {
                netIn.compact();
            }
            noteFinished(r);
            starved = r.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW;
            switch (r.getStatus()) {
            case CLOSED:
                inboundClosed = true;
                return true;
            case BUFFER_OVERFLOW:
            case BUFFER_UNDERFLOW:
                return false; // wait for the reader to drain, or for more of the record
            default:
                return r.bytesConsumed() > 0 || r.bytesProduced() > 0;
            }
        }

        private void noteFinished(SSLEngineResult r) {
            if (r.getHandshakeStatus() == HandshakeStatus.FINISHED) {
                handshakeDone = true;
            }
        }

        /** Moves decrypted bytes into the module's receive buffer as far as it has room. */
        private boolean deliver() {
            if (appIn.position() == 0) {
                return false;
            }
            boolean notify;
            int moved;
            synchronized (lock) {
                appIn.flip();
                moved = Math.min(appIn.remaining(), rx.length - rxSize);
                for (int i = 0; i < moved; i++) {
                    rx[(rxHead + rxSize + i) % rx.length] = appIn.get();
                }
                appIn.compact();
                rxSize += moved;
                notify = moved > 0 && !recvNotified;
                if (notify) {
                    recvNotified = true;
                }
            }
            if (notify) {
                events.dataArrived(ModuleTlsConnection.this);
            }
            return moved > 0;
        }

        /** After a failed handshake: the alert the engine has for the server, if any. */
        void sendAlert() {
            try {
                engine.closeOutbound();
                netOut.clear();
                engine.wrap(ByteBuffer.allocate(0), netOut);
                netOut.flip();
                if (netOut.hasRemaining()) {
                    up.put(netOut.array(), 0, netOut.limit());
                }
            } catch (IOException ignored) {
                // the connection fails either way
            }
        }
    }
}
