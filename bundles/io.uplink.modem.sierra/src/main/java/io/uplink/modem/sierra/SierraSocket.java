package io.uplink.modem.sierra;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Arrays;

import io.uplink.modem.AtChannel;
import io.uplink.modem.AtCommand;
import io.uplink.modem.AtResponse;
import io.uplink.modem.ModemException;
import io.uplink.transport.Connection;
import io.uplink.transport.TransportException;
import io.uplink.transport.TransportException.Reason;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HL78xx TCP session (plain or TLS in the module), configured with {@code AT+KTCPCFG}, connected with
 * {@code AT+KTCPCNX} ({@code +KTCP_IND: <s>,1}).
 *
 * <p>Writes go in {@code AT+KTCPSND} data phases ({@code CONNECT}, the bytes, the EOF pattern, {@code OK}), cut so that
 * no phase contains the pattern. Reads use {@code AT+KTCPRCV} for exactly as many bytes as the module holds: it sends
 * fewer when it holds fewer, and the channel reads a counted run of raw bytes, so asking for more than is there would
 * swallow the EOF pattern. How many it holds: {@code AT+KTCPSTAT} (its {@code <rcv_data>}) where the firmware answers
 * it, asked whenever a {@code +KTCP_DATA} came since the last time it said 0; else the count of each
 * {@code +KTCP_DATA: <s>,<n>}, read once (the module sends one, and the next only after a read, so a count never
 * covers bytes already read; a count above {@link SierraCommands#MAX_READ} relies on the module notifying the rest
 * after the read [U]).
 *
 * <p>Threads: URC methods run on the channel's thread and only change state under {@link #lock}; reads and writes run
 * on their callers' threads (one reader and one writer at a time).
 */
final class SierraSocket implements Connection {

    /** The session's life, changed only in {@link #transition}. */
    enum State { CONFIGURED, CONNECTING, CONNECTED, PEER_CLOSED, FAILED, CLOSED }

    private static final Logger LOG = LoggerFactory.getLogger(SierraSocket.class);

    final int session;
    private final AtChannel at;
    private final String remote;
    private final boolean tls;
    private final Runnable onClose;
    private final Object lock = new Object();
    private State state = State.CONFIGURED;
    private Integer notification;
    private String failure;
    private String failureRaw = "";
    /** Whether the firmware answers {@code AT+KTCPSTAT}: then it, not the URC's count, says how much to read. */
    private enum StatusMode { UNTRIED, ON, OFF }

    private StatusMode statusMode = StatusMode.UNTRIED;
    /** +KTCP_DATA URCs seen, and how many had been seen when the module last said it held nothing. */
    private long urcCount;
    private long drainedAt;
    /** The count of the last +KTCP_DATA not yet read (URC mode). */
    private Long urcAvailable;
    /** Bytes the last AT+KTCPSTAT reported that are not yet read (status mode). */
    private long statusUnread;
    /** Ask AT+KTCPSTAT again before waiting (after a read, or a close: more may be there). */
    private boolean askStatus;
    private byte[] buffer = new byte[0];
    private int pos;
    private long bytesSent;
    private long bytesReceived;
    private volatile Duration readTimeout = Duration.ZERO;
    private final InputStream input = new SessionInput();
    private final OutputStream output = new SessionOutput();

    SierraSocket(int session, AtChannel at, String host, int port, boolean tls, Runnable onClose) {
        this.session = session;
        this.at = at;
        this.remote = host + ":" + port;
        this.tls = tls;
        this.onClose = onClose;
    }

    private void transition(State to) {
        // holds lock
        if (state != to) {
            LOG.debug("{} session {} -> {}: {} -> {}", at.portName(), session, remote, state, to);
            state = to;
        }
        lock.notifyAll();
    }

    // --- URCs (channel thread: set state, never block) ------------------------------------------------------

    void urcIndication(int status) {
        synchronized (lock) {
            if (status == 1 && (state == State.CONFIGURED || state == State.CONNECTING)) {
                transition(State.CONNECTED);
            }
        }
    }

    void urcNotification(int code, String raw) {
        synchronized (lock) {
            if (state == State.CLOSED || state == State.FAILED) {
                return;
            }
            notification = code;
            failureRaw = raw;
            if (code == 4 && state == State.CONNECTED) {
                askStatus = true;
                transition(State.PEER_CLOSED); // data may remain in the module: it is still read
            } else {
                SierraErrors.Entry e = SierraErrors.notification(code);
                failure = raw + " = " + e.meaning();
                transition(State.FAILED);
            }
        }
    }

    void urcData(long available) {
        synchronized (lock) {
            urcCount++;
            urcAvailable = available;
            lock.notifyAll();
        }
    }

    /** The modem went away or the data session dropped: every later call fails with {@code why}. */
    void fail(String why, String raw) {
        synchronized (lock) {
            if (state != State.CLOSED && state != State.FAILED) {
                failure = why;
                failureRaw = raw;
                transition(State.FAILED);
            }
        }
    }

    // --- open ------------------------------------------------------------------------------------------------

    /** {@code AT+KTCPCNX}, then waits for {@code +KTCP_IND: <s>,1} or a {@code +KTCP_NOTIF}. */
    void connect(Duration timeout) throws TransportException {
        synchronized (lock) {
            transition(State.CONNECTING);
        }
        AtResponse r;
        try {
            r = at.execute(AtCommand.of(SierraCommands.connect(session)).withTimeout(timeout));
        } catch (ModemException e) {
            closeQuietly(); // frees the session in the module if the channel still works, and in the transport
            throw new TransportException(Reason.TRANSPORT_GONE, "The modem could not connect session " + session
                    + " to " + remote + ": " + e.getMessage(), e.fix(), e.rawText(), e);
        }
        if (!r.isOk()) {
            SierraErrors.Entry e = SierraErrors.cme(r.result().code());
            closeQuietly();
            throw new TransportException(e.reason(), "The modem refused to connect session " + session + " to "
                    + remote + " (" + r.result().text() + " = " + e.meaning() + ").", e.fix(), r.result().text(),
                    null);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        State reached;
        synchronized (lock) {
            while (state == State.CONNECTING && System.nanoTime() < deadline) {
                try {
                    waitLock(deadline);
                } catch (InterruptedIOException e) {
                    break;
                }
            }
            reached = state;
        }
        if (reached == State.CONNECTED || reached == State.PEER_CLOSED) {
            return;
        }
        closeQuietly();
        if (reached == State.CONNECTING) {
            throw new TransportException(Reason.TIMEOUT, "No +KTCP_IND for session " + session + " to " + remote
                    + " within " + timeout.toSeconds() + " s; the session was closed again.", "Check coverage and "
                    + "that the server is reachable from the cellular network; raise the connect timeout.", "", null);
        }
        Integer code;
        String why;
        String raw;
        synchronized (lock) {
            code = notification;
            why = failure;
            raw = failureRaw;
        }
        if (code == null) {
            throw new TransportException(Reason.TRANSPORT_GONE, "Connecting " + remote + " was abandoned: " + why,
                    "Retry: the modem is re-attaching and offers its transport again when ready.", raw, null);
        }
        SierraErrors.Entry e = SierraErrors.notification(code);
        throw new TransportException(e.reason(), "Connecting " + remote + " through the modem" + (tls ? "'s TLS"
                : "") + " failed: " + raw + " = " + e.meaning() + ".", e.fix(), raw, null);
    }

    // --- read ------------------------------------------------------------------------------------------------

    private final class SessionInput extends InputStream {
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
                int want = 0;
                long seen = -1;
                synchronized (lock) {
                    if (pos < buffer.length) {
                        int n = Math.min(len, buffer.length - pos);
                        System.arraycopy(buffer, pos, b, off, n);
                        pos += n;
                        return n;
                    }
                    if (state == State.CLOSED) {
                        throw new IOException("session " + session + " to " + remote + " is closed");
                    }
                    if (state == State.CONNECTED || state == State.PEER_CLOSED) {
                        if (statusMode != StatusMode.OFF && statusUnread > 0) {
                            want = (int) Math.min(statusUnread, SierraCommands.MAX_READ);
                        } else if (statusMode != StatusMode.OFF && (askStatus || urcCount != drainedAt)) {
                            seen = urcCount;
                        } else if (statusMode == StatusMode.OFF && urcAvailable != null) {
                            want = (int) Math.min(urcAvailable, SierraCommands.MAX_READ);
                            urcAvailable = null;
                        }
                    }
                    if (want == 0 && seen < 0) {
                        if (state == State.FAILED) {
                            throw new ModemException(failure, failureRaw, notification == null ? "failed"
                                    : String.valueOf(notification), "Reconnect; the transport opens a new session.");
                        }
                        if (state == State.PEER_CLOSED) {
                            throw new ModemException("The modem reports session " + session + " to " + remote
                                    + " closed by the remote side (" + failureRaw + ") after " + bytesSent
                                    + " bytes sent and " + bytesReceived + " received.", failureRaw, "4",
                                    SierraErrors.notification(4).fix());
                        }
                        if (System.nanoTime() >= deadline) {
                            throw new SocketTimeoutException("no data from " + remote + " within "
                                    + readTimeout.toMillis() + " ms");
                        }
                        waitLock(deadline);
                        continue;
                    }
                }
                if (want > 0) {
                    readChunk(want);
                } else {
                    askStatus(seen);
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

    /** One {@code AT+KTCPRCV=<s>,<n>}: {@code CONNECT}, exactly n bytes, the EOF pattern, {@code OK}. */
    private void readChunk(int n) throws IOException {
        AtResponse r = exec(AtCommand.of(SierraCommands.receive(session, n)).withRawData("CONNECT", n)
                .withTimeout(SierraCommands.SEND_TIMEOUT), "read");
        byte[] data = r.data();
        boolean patternFollows = r.lines().contains(SierraCommands.EOF_PATTERN);
        if (!r.isOk() || data.length != n || !patternFollows) {
            String why = !r.isOk() ? r.result().text() + " = " + SierraErrors.cme(r.result().code()).meaning()
                    : "the module sent " + data.length + " of " + n + " announced bytes"
                            + (patternFollows ? "" : " and no EOF pattern after them");
            fail("Reading " + n + " bytes from session " + session + " (" + remote + ") failed: " + why + ".",
                    r.result().text());
            throw new ModemException("Reading from " + remote + " failed: " + why + ".", r.result().text(),
                    "read", "Reconnect; if it repeats, check the serial line (hardware flow control AT&K3).");
        }
        synchronized (lock) {
            if (statusMode != StatusMode.OFF) {
                statusUnread = Math.max(0, statusUnread - n);
                askStatus = statusUnread == 0;
            }
            buffer = data;
            pos = 0;
            bytesReceived += n;
        }
    }

    /**
     * {@code AT+KTCPSTAT=<s>}: how many bytes the module holds, exact whatever URCs cross it. Firmware that does not
     * answer it is not asked again: the count of each {@code +KTCP_DATA} is read then, once (the module sends the
     * next one only after a read, so a count never covers bytes already read).
     */
    private void askStatus(long seen) throws IOException {
        AtResponse r = exec(AtCommand.of(SierraCommands.status(session)), "status");
        var status = r.isOk() ? SierraUrcs.sessionStatus(r.line("+KTCPSTAT:"))
                : java.util.Optional.<SierraUrcs.SessionStatus>empty();
        synchronized (lock) {
            askStatus = false;
            if (status.isEmpty()) {
                if (statusMode == StatusMode.UNTRIED) {
                    LOG.debug("{}: AT+KTCPSTAT answered {}; reading by the +KTCP_DATA counts", at.portName(),
                            r.result().text());
                    statusMode = StatusMode.OFF;
                } else {
                    drainedAt = seen; // a session the module no longer lists: nothing more to read
                }
                return;
            }
            statusMode = StatusMode.ON;
            statusUnread = status.get().unread();
            if (statusUnread == 0) {
                drainedAt = seen;
            }
        }
    }

    // --- write -----------------------------------------------------------------------------------------------

    private final class SessionOutput extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            write(new byte[] { (byte) b }, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            for (int done = 0; done < len;) {
                int n = SierraCommands.safeLength(b, off + done, Math.min(SierraCommands.MAX_SEND, len - done));
                sendChunk(Arrays.copyOfRange(b, off + done, off + done + n));
                done += n;
            }
        }
    }

    private void sendChunk(byte[] chunk) throws IOException {
        synchronized (lock) {
            if (state == State.CLOSED) {
                throw new IOException("session " + session + " to " + remote + " is closed");
            }
            if (state != State.CONNECTED) {
                throw new ModemException("Cannot send to " + remote + ": " + (failure != null ? failure
                        : "the remote side closed session " + session + " (" + failureRaw + ")") + " after "
                        + bytesSent + " bytes sent and " + bytesReceived + " received.", failureRaw,
                        notification == null ? "closed" : String.valueOf(notification), "Reconnect.");
            }
        }
        byte[] payload = Arrays.copyOf(chunk, chunk.length + SierraCommands.EOF_BYTES.length);
        System.arraycopy(SierraCommands.EOF_BYTES, 0, payload, chunk.length, SierraCommands.EOF_BYTES.length);
        AtResponse r = exec(AtCommand.of(SierraCommands.send(session, chunk.length)).withPayload("CONNECT", payload)
                .withTimeout(SierraCommands.SEND_TIMEOUT), "send");
        if (!r.isOk()) {
            SierraErrors.Entry e = SierraErrors.cme(r.result().code());
            String why = r.result().text() + " = " + e.meaning();
            fail("Sending to session " + session + " (" + remote + ") failed: " + why + ".", r.result().text());
            throw new ModemException("Cannot send to " + remote + ": the modem answered " + why + " after "
                    + bytesSent + " bytes sent and " + bytesReceived + " received.", r.result().text(),
                    String.valueOf(r.result().code()), e.fix());
        }
        synchronized (lock) {
            bytesSent += chunk.length;
        }
    }

    // --- common ----------------------------------------------------------------------------------------------

    private AtResponse exec(AtCommand c, String what) throws ModemException {
        try {
            return at.execute(c);
        } catch (ModemException e) {
            fail("The AT channel failed during " + what + " on session " + session + ": " + e.getMessage(),
                    e.rawText());
            throw e;
        }
    }

    private void waitLock(long deadline) throws InterruptedIOException {
        try {
            if (deadline == Long.MAX_VALUE) {
                lock.wait();
            } else {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left > 0) {
                    lock.wait(left);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted");
        }
    }

    State state() {
        synchronized (lock) {
            return state;
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
            return state == State.CONNECTED;
        }
    }

    @Override
    public String remote() {
        return remote;
    }

    @Override
    public void close() {
        synchronized (lock) {
            if (state == State.CLOSED) {
                return;
            }
            transition(State.CLOSED);
        }
        closeQuietly();
    }

    /** {@code AT+KTCPCLOSE} then {@code AT+KTCPDEL}, whatever they answer (the session may be gone already). */
    void closeQuietly() {
        try {
            at.execute(AtCommand.of(SierraCommands.close(session)).withTimeout(SierraCommands.CLOSE_TIMEOUT));
            at.execute(AtCommand.of(SierraCommands.delete(session)));
        } catch (ModemException e) {
            LOG.debug("{}: closing session {} failed: {}", at.portName(), session, e.getMessage());
        } finally {
            onClose.run();
        }
    }

    @Override
    public String toString() {
        return "SierraSocket[" + (tls ? "TLS " : "TCP ") + session + " -> " + remote + "]";
    }
}
