package io.uplink.modem.quectel;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Arrays;

import io.uplink.modem.AtChannel;
import io.uplink.modem.AtCommand;
import io.uplink.modem.AtResponse;
import io.uplink.modem.FinalResult.Kind;
import io.uplink.modem.ModemException;
import io.uplink.transport.Connection;
import io.uplink.transport.TransportException;
import io.uplink.transport.TransportException.Reason;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection through a Quectel socket in buffer access mode, plain TCP or TLS in the module
 * ({@link QuectelCommands}). Reads drain the module's buffer with {@code AT+QIRD} ({@code AT+QSSLRECV}) on every
 * {@code recv} URC until it answers 0 (the URC is not repeated before that); writes go in {@code AT+QISEND}
 * ({@code AT+QSSLSEND}) chunks of at most 1460 bytes and wait on {@code SEND FAIL} (the send buffer is full). When the
 * module reports the socket closed, the remaining data is still delivered, then reads fail with a
 * {@link ModemException} that names the close: an MQTT or TLS peer never closes a healthy session, so the caller
 * must hear it loud, not as a quiet end of stream.
 */
final class QuectelSocket implements Connection {

    private static final Logger LOG = LoggerFactory.getLogger(QuectelSocket.class);

    static final int MAX_SEND = 1460;
    static final int MAX_READ = 1500;
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(120);

    final int id;
    private final QuectelCommands commands;
    private final AtChannel at;
    private final String openLine;
    private final String remote;
    private final Runnable onClose;
    private final Object lock = new Object();
    private long recvUrcs;
    private long drainedAt = -1;
    private boolean peerClosed;
    private String failure;
    private String failureRaw = "";
    private boolean closed;
    private Integer openResult;
    private byte[] buffer = new byte[0];
    private int pos;
    private long bytesSent;
    private long bytesReceived;
    private volatile Duration readTimeout = Duration.ZERO;
    private final InputStream input = new SocketInput();
    private final OutputStream output = new SocketOutput();

    /**
     * @param openLine the {@code AT+QIOPEN} or {@code AT+QSSLOPEN} line for this socket
     * @param onClose run once when the socket is closed (the transport frees its ID and SSL context)
     */
    QuectelSocket(int id, QuectelCommands commands, AtChannel at, String openLine, String host, int port,
            Runnable onClose) {
        this.id = id;
        this.commands = commands;
        this.at = at;
        this.openLine = openLine;
        this.remote = host + ":" + port;
        this.onClose = onClose;
    }

    // --- URCs (called on the channel's thread: set state, never block) ------------------------------------

    void urcOpened(int error) {
        synchronized (lock) {
            openResult = error;
            lock.notifyAll();
        }
    }

    void urcRecv() {
        synchronized (lock) {
            recvUrcs++;
            lock.notifyAll();
        }
    }

    /**
     * {@code +QIURC: "closed",<id>}. Before this socket's open result it belongs to the last connection on the same
     * ID: the module can report that close just after answering its AT+QICLOSE, and a new socket may already hold the
     * ID. The module cannot close a connection it has not yet reported open, so such a report is ignored.
     */
    void urcClosed(String raw) {
        synchronized (lock) {
            if (openResult == null) {
                LOG.debug("{}: ignored '{}', which came before socket {}'s open result: it is about the last "
                        + "connection on that ID", at.portName(), raw, id);
                return;
            }
            peerClosed = true;
            recvUrcs++; // data may remain in the module's buffer: drain it before reporting the close
            failureRaw = raw;
            lock.notifyAll();
        }
    }

    void fail(String why, String raw) {
        synchronized (lock) {
            if (failure == null) {
                failure = why;
                failureRaw = raw;
            }
            lock.notifyAll();
        }
    }

    // --- open -----------------------------------------------------------------------------------------------

    void open(String host, int port, Duration timeout) throws TransportException {
        try {
            openSocket(host, port, timeout);
        } catch (ModemException e) {
            throw new TransportException(Reason.TRANSPORT_GONE, "The modem could not open " + remote + ": "
                    + e.getMessage(), e.fix(), e.rawText(), e);
        } catch (java.io.InterruptedIOException e) {
            closeQuietly();
            throw new TransportException(Reason.OTHER, "Interrupted while opening " + remote + ".", "", "", e);
        }
    }

    private void openSocket(String host, int port, Duration timeout) throws TransportException, ModemException,
            java.io.InterruptedIOException {
        AtResponse r = exec(AtCommand.of(openLine).withTimeout(Duration.ofSeconds(10)), "open");
        if (!r.isOk()) {
            throw new TransportException(Reason.INVALID_REQUEST, "The modem refused to open socket " + id + " to "
                    + remote + " (" + r.result().text() + ").", "Check the host name and port; restart the module "
                    + "if every open fails.", r.result().text(), null);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        Integer result;
        String gone;
        synchronized (lock) {
            while (openResult == null && failure == null && System.nanoTime() < deadline) {
                waitLock(deadline);
            }
            result = openResult;
            gone = failure;
        }
        if (result == null && gone != null) {
            throw new TransportException(Reason.TRANSPORT_GONE, "Opening " + remote + " was abandoned: " + gone,
                    "Retry: the modem is re-attaching and offers its transport again when ready.", failureRaw, null);
        }
        if (result == null) {
            closeQuietly();
            throw new TransportException(Reason.TIMEOUT, "No " + commands.openUrc + " result for " + remote + " within "
                    + timeout.toSeconds() + " s; the socket was closed again.", "Check coverage and that the "
                    + "server is reachable from the cellular network; raise the connect timeout.", "", null);
        }
        if (result != 0) {
            closeQuietly();
            QuectelErrors.Entry e = commands == QuectelCommands.TLS ? QuectelErrors.ofTls(result)
                    : QuectelErrors.of(result);
            String raw = commands.openUrc + " " + id + "," + result;
            throw new TransportException(e.reason(), "Opening " + remote + " through the modem failed: " + raw
                    + " = " + e.meaning() + ".", e.fix(), raw, null);
        }
    }

    // --- read -----------------------------------------------------------------------------------------------

    private final class SocketInput extends InputStream {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            long deadline = readTimeout.isZero() ? Long.MAX_VALUE : System.nanoTime() + readTimeout.toNanos();
            while (true) {
                synchronized (lock) {
                    if (pos < buffer.length) {
                        int n = Math.min(len, buffer.length - pos);
                        System.arraycopy(buffer, pos, b, off, n);
                        pos += n;
                        return n;
                    }
                    if (closed) {
                        throw new IOException("socket " + id + " to " + remote + " is closed");
                    }
                }
                if (mayHaveData()) {
                    drainOnce();
                    continue;
                }
                synchronized (lock) {
                    if (failure != null) {
                        throw new ModemException(failure, failureRaw, String.valueOf(id), "Reconnect; the "
                                + "transport opens a new socket.");
                    }
                    if (peerClosed) {
                        throw new ModemException("The modem reports socket " + id + " to " + remote + " closed ("
                                + failureRaw + ") after " + bytesSent + " bytes sent and " + bytesReceived
                                + " received: the server or the network ended the connection.", failureRaw,
                                "closed", "Reconnect. If it happens at the same point every time (e.g. during a "
                                        + "TLS handshake), run the doctor: the server may be refusing the client.");
                    }
                    if (recvUrcs == drainedAt) {
                        if (System.nanoTime() >= deadline) {
                            throw new SocketTimeoutException("no data from " + remote + " within "
                                    + readTimeout.toMillis() + " ms");
                        }
                        waitLock(deadline);
                    }
                }
            }
        }

        @Override
        public int available() {
            synchronized (lock) {
                return buffer.length - pos;
            }
        }
    }

    private boolean mayHaveData() {
        synchronized (lock) {
            return recvUrcs != drainedAt && failure == null;
        }
    }

    /** One AT+QIRD / AT+QSSLRECV; an empty answer marks the buffer drained as of the URCs seen before asking. */
    private void drainOnce() throws IOException {
        long seen;
        synchronized (lock) {
            seen = recvUrcs;
        }
        AtResponse r = exec(AtCommand.of(commands.read + id + "," + MAX_READ).withRawData(commands.readPrefix),
                "read");
        if (!r.isOk()) {
            String evidence = closeEvidence(r.result().text());
            fail("The modem reports socket " + id + " to " + remote + " closed (" + evidence + ") after " + bytesSent
                    + " bytes sent and " + bytesReceived + " received.", evidence);
            synchronized (lock) {
                drainedAt = seen;
            }
            return;
        }
        byte[] data = r.data();
        synchronized (lock) {
            if (data.length == 0) {
                drainedAt = seen;
            } else {
                buffer = data;
                pos = 0;
                bytesReceived += data.length;
            }
        }
    }

    // --- write ----------------------------------------------------------------------------------------------

    private final class SocketOutput extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            write(new byte[] { (byte) b }, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            for (int done = 0; done < len;) {
                int n = Math.min(MAX_SEND, len - done);
                sendChunk(Arrays.copyOfRange(b, off + done, off + done + n));
                done += n;
            }
        }
    }

    private void sendChunk(byte[] chunk) throws IOException {
        long deadline = System.nanoTime() + SEND_TIMEOUT.toNanos();
        long backoff = 20;
        while (true) {
            synchronized (lock) {
                if (closed) {
                    throw new IOException("socket " + id + " to " + remote + " is closed");
                }
                if (peerClosed || failure != null) {
                    throw new ModemException("Cannot send to " + remote + ": the modem reports socket " + id
                            + " closed (" + failureRaw + ") after " + bytesSent + " bytes sent and " + bytesReceived
                            + " received.", failureRaw, "closed", "Reconnect.");
                }
            }
            AtResponse r = exec(AtCommand.of(commands.send + id + "," + chunk.length).withPayload(">", chunk)
                    .withFinalResult("SEND OK", Kind.OK).withFinalResult("SEND FAIL", Kind.ERROR)
                    .withTimeout(SEND_TIMEOUT), "send");
            String text = r.result().text();
            if (text.equals("SEND OK")) {
                synchronized (lock) {
                    bytesSent += chunk.length;
                }
                return;
            }
            if (!text.equals("SEND FAIL")) {
                String evidence = closeEvidence(text);
                fail("The modem reports socket " + id + " to " + remote + " closed (" + evidence + ").", evidence);
                throw new ModemException("Cannot send to " + remote + ": the modem reports socket " + id
                        + " closed (" + evidence + ") after " + bytesSent + " bytes sent and " + bytesReceived
                        + " received: the server or the network ended the connection.", evidence, "closed",
                        "Reconnect.");
            }
            // SEND FAIL: the module's send buffer is full; it drains at the cellular rate. Back off and retry.
            if (System.nanoTime() > deadline) {
                throw new TransportException(Reason.TIMEOUT, "The modem's send buffer for " + remote + " stayed "
                        + "full for " + SEND_TIMEOUT.toSeconds() + " s (SEND FAIL).", "The link is stalled: check "
                        + "coverage; the server may not be reading.", "SEND FAIL", null);
            }
            sleep(backoff);
            backoff = Math.min(1000, backoff * 2);
        }
    }

    /**
     * Why a send or read got ERROR: the module answers ERROR for a socket it has closed, and its closed URC may come
     * just after. Prefer that URC; else ask AT+QISTATE (no line: the socket is gone; state 4: closing).
     */
    private String closeEvidence(String result) {
        synchronized (lock) {
            if (peerClosed) {
                return failureRaw;
            }
        }
        try {
            AtResponse st = at.execute(AtCommand.of(commands.state + id));
            synchronized (lock) {
                if (peerClosed) {
                    return failureRaw;
                }
            }
            String line = st.line(commands.statePrefix);
            return result + "; " + (line == null ? commands.state + id + " lists no socket " + id : line);
        } catch (ModemException e) {
            return result;
        }
    }

    // --- common ---------------------------------------------------------------------------------------------

    private AtResponse exec(AtCommand c, String what) throws ModemException {
        try {
            return at.execute(c);
        } catch (ModemException e) {
            fail("The AT channel failed during " + what + " on socket " + id + ": " + e.getMessage(), e.rawText());
            throw e;
        }
    }

    private void waitLock(long deadline) throws java.io.InterruptedIOException {
        long left = deadline == Long.MAX_VALUE ? 0 : (deadline - System.nanoTime()) / 1_000_000;
        try {
            if (deadline == Long.MAX_VALUE) {
                lock.wait();
            } else if (left > 0) {
                lock.wait(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted");
        }
    }

    private static void sleep(long millis) throws java.io.InterruptedIOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted");
        }
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
    public void setReadTimeout(Duration timeout) {
        if (timeout == null || timeout.isNegative()) {
            throw new IllegalArgumentException("read timeout must be zero (none) or positive");
        }
        readTimeout = timeout;
    }

    @Override
    public Duration readTimeout() {
        return readTimeout;
    }

    @Override
    public boolean isOpen() {
        synchronized (lock) {
            return !closed && !peerClosed && failure == null;
        }
    }

    @Override
    public String remote() {
        return remote;
    }

    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            lock.notifyAll();
        }
        closeQuietly();
        onClose.run();
    }

    private void closeQuietly() {
        try {
            at.execute(AtCommand.of(commands.close + id + ",10").withTimeout(Duration.ofSeconds(12)));
        } catch (ModemException e) {
            // the channel is gone; so is the socket
        }
    }

    @Override
    public String toString() {
        return "QuectelSocket[" + commands + " " + id + " -> " + remote + "]";
    }
}
