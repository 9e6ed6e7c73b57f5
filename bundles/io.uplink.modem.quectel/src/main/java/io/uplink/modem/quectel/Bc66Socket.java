package io.uplink.modem.quectel;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;

import io.uplink.modem.AtChannel;
import io.uplink.modem.AtCommand;
import io.uplink.modem.AtResponse;
import io.uplink.modem.FinalResult.Kind;
import io.uplink.modem.ModemException;
import io.uplink.transport.Connection;
import io.uplink.transport.TransportException;
import io.uplink.transport.TransportException.Reason;

/**
 * One connection through a BC66/BC660K socket: plain TCP ({@code AT+QIOPEN}/{@code AT+QISEND}/{@code +QIURC}) or TLS
 * in the module ({@code AT+QSSLOPEN}/{@code AT+QSSLSEND}/{@code +QSSLURC}). Data travels as hex in both directions.
 *
 * <p>Received data is pushed by the module in URCs ({@code "recv"} with the data) and kept here up to
 * {@link #MAX_BUFFERED} bytes; a peer that sends more while the application does not read ends the connection with a
 * clear error rather than growing memory or dropping bytes silently (the module drops nothing it has pushed, and a
 * TCP stream with a hole is worse than a closed one). In buffer mode the module keeps the data and says
 * {@code "recv"} without it; reads then fetch it with {@code AT+QIRD}, at most {@link Bc66Commands#MAX_READ} bytes a
 * time. Sends go in chunks of up to 1,024 bytes, one command each, never a byte at a time.
 *
 * <p>Threads: URC methods run on the channel's thread and only change state under {@link #lock}; reads and writes run
 * on the caller's threads and talk to the modem outside the lock.
 */
final class Bc66Socket implements Connection {

    /** Plain TCP or the module's TLS. */
    enum Kind {
        TCP, TLS
    }

    /** The life of the socket; changed only in {@link #transition}. */
    enum State {
        OPENING, OPEN, PEER_CLOSED, FAILED, CLOSED
    }

    /** The most received data held for a reader: 64 KB, about 70 s of a 9,600 baud line in hex. */
    static final int MAX_BUFFERED = 64 * 1024;

    final int id;
    final Kind kind;
    private final AtChannel at;
    private final Bc66SocketTransport transport;
    private final String remote;
    private final Runnable onClose;
    private final Object lock = new Object();
    private final ArrayDeque<byte[]> received = new ArrayDeque<>();
    private State state = State.OPENING;
    private int buffered;
    private int headPos;
    private Integer openResult;
    private String sendResult;
    private boolean dataWaiting;
    private String failure;
    private String failureRaw = "";
    private long bytesSent;
    private long bytesReceived;
    private volatile Duration readTimeout = Duration.ZERO;
    private final InputStream input = new SocketInput();
    private final OutputStream output = new SocketOutput();

    Bc66Socket(int id, Kind kind, AtChannel at, Bc66SocketTransport transport, String host, int port,
            Runnable onClose) {
        this.id = id;
        this.kind = kind;
        this.at = at;
        this.transport = transport;
        this.remote = host + ":" + port;
        this.onClose = onClose;
    }

    // --- state --------------------------------------------------------------------------------------------------

    /** Holds {@link #lock}. */
    private void transition(State to) {
        if (state != to && state != State.CLOSED) {
            Bc66Modem.LOG.debug("{} socket {} to {}: {} -> {}", kind, id, remote, state, to);
            state = to;
        }
        lock.notifyAll();
    }

    State state() {
        synchronized (lock) {
            return state;
        }
    }

    // --- URCs (channel thread: change state, never block) ---------------------------------------------------------

    /** Only the first result of an opening socket counts: a stray or repeated one never revives a failed socket. */
    void urcOpened(int err) {
        synchronized (lock) {
            if (state != State.OPENING || openResult != null) {
                return;
            }
            openResult = err;
            if (err == 0) {
                transition(State.OPEN);
            }
            lock.notifyAll();
        }
    }

    void urcData(byte[] data) {
        synchronized (lock) {
            if (state == State.CLOSED || state == State.FAILED) {
                return;
            }
            if (buffered + data.length > MAX_BUFFERED) {
                failLocked("More than " + MAX_BUFFERED + " bytes from " + remote + " arrived while nothing read them; "
                        + "the connection was ended rather than lose data.", "recv");
                return;
            }
            received.add(data);
            buffered += data.length;
            bytesReceived += data.length;
            lock.notifyAll();
        }
    }

    void urcDataWaiting() {
        synchronized (lock) {
            dataWaiting = true;
            lock.notifyAll();
        }
    }

    void urcClosed(String raw) {
        synchronized (lock) {
            if (state == State.OPENING || state == State.OPEN) {
                failureRaw = raw;
                transition(State.PEER_CLOSED);
            }
        }
    }

    /** {@code SEND OK}/{@code SEND FAIL} after a plain send's OK, or {@code +QSSLSEND: 0,0,<err>}. */
    void urcSendResult(String raw) {
        synchronized (lock) {
            sendResult = raw;
            lock.notifyAll();
        }
    }

    void fail(String why, String raw) {
        synchronized (lock) {
            failLocked(why, raw);
        }
    }

    private void failLocked(String why, String raw) {
        if (failure == null && state != State.CLOSED) {
            failure = why;
            failureRaw = raw == null ? "" : raw;
            received.clear();
            buffered = 0;
            transition(State.FAILED);
        }
    }

    // --- open -------------------------------------------------------------------------------------------------------

    void open(String openLine, Duration timeout) throws TransportException {
        try {
            AtResponse r = at.execute(AtCommand.of(openLine).withTimeout(Bc66Commands.OPEN_ANSWER));
            if (!r.isOk()) {
                throw new TransportException(Reason.INVALID_REQUEST, "The modem refused to open a " + kind
                        + " connection to " + remote + " (" + r.result().text() + ").", "Check the host name (at most "
                                + "150 characters) and the port; restart the module if every open fails.",
                        r.result().text(), null);
            }
            // The answer may come inside the command's own response when the module is quick.
            String inline = r.line(kind == Kind.TLS ? "+QSSLOPEN:" : "+QIOPEN:");
            if (inline != null) {
                transport.routeOpen(inline);
            }
        } catch (ModemException e) {
            throw new TransportException(Reason.TRANSPORT_GONE, "The modem could not open " + remote + ": "
                    + e.getMessage(), e.fix(), e.rawText(), e);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        Integer result;
        String gone;
        synchronized (lock) {
            while (openResult == null && failure == null && state == State.OPENING && System.nanoTime() < deadline) {
                try {
                    waitLock(deadline, "opening " + remote);
                } catch (InterruptedIOException e) {
                    break;
                }
            }
            result = openResult;
            gone = failure;
        }
        if (result == null) {
            closeOnModem();
            if (Thread.currentThread().isInterrupted()) {
                throw new TransportException(Reason.OTHER, "Interrupted while opening " + remote + ".", "", "", null);
            }
            if (gone != null) {
                throw new TransportException(Reason.TRANSPORT_GONE, "Opening " + remote + " was abandoned: " + gone,
                        "Retry: the modem re-attaches and offers its transport again when ready.", failureRaw, null);
            }
            throw new TransportException(Reason.TIMEOUT, "No " + (kind == Kind.TLS ? "+QSSLOPEN" : "+QIOPEN")
                    + " result for " + remote + " within " + timeout.toSeconds() + " s; the socket was closed again.",
                    "Check coverage (NB-IoT needs time: raise the connect timeout) and that the server is reachable "
                            + "from the cellular network.", "", null);
        }
        if (result != 0) {
            closeOnModem();
            throw openFailure(result);
        }
    }

    private TransportException openFailure(int err) {
        if (kind == Kind.TLS) {
            Bc66Errors.Entry e = Bc66Errors.ofTls(err);
            String raw = "+QSSLOPEN: " + Bc66Commands.SSL_CONTEXT + "," + Bc66Commands.SSL_CONNECTION + "," + err;
            return new TransportException(e.reason(), "The module's TLS could not connect to " + remote + ": " + raw
                    + " = " + e.words() + ": " + e.meaning() + ".", e.fix(), raw, null);
        }
        QuectelErrors.Entry e = QuectelErrors.of(err);
        String raw = "+QIOPEN: " + id + "," + err;
        return new TransportException(e.reason(), "Opening " + remote + " through the modem failed: " + raw + " = "
                + e.meaning() + " (the code as Quectel's TCP/IP notes define it).", e.fix(), raw, null);
    }

    // --- read -------------------------------------------------------------------------------------------------------

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
                boolean fetch;
                synchronized (lock) {
                    if (!received.isEmpty()) {
                        return take(b, off, len);
                    }
                    if (state == State.CLOSED) {
                        throw new IOException(kind + " socket " + id + " to " + remote + " is closed");
                    }
                    fetch = dataWaiting && state != State.FAILED;
                    if (!fetch) {
                        if (state == State.FAILED) {
                            throw new ModemException(failure, failureRaw, String.valueOf(id), "Reconnect; the "
                                    + "transport opens a new socket.");
                        }
                        if (state == State.PEER_CLOSED) {
                            throw new ModemException("The modem reports " + kind + " socket " + id + " to " + remote
                                    + " closed (" + failureRaw + ") after " + bytesSent + " bytes sent and "
                                    + bytesReceived + " received: the server or the network ended the connection.",
                                    failureRaw, "closed", "Reconnect. If it happens at the same point every time "
                                            + "(e.g. during a TLS handshake), run the doctor.");
                        }
                        if (System.nanoTime() >= deadline) {
                            throw new SocketTimeoutException("no data from " + remote + " within "
                                    + readTimeout.toMillis() + " ms");
                        }
                        waitLock(deadline, "reading from " + remote);
                        continue;
                    }
                    dataWaiting = false;
                }
                fetchBuffered();
            }
        }

        @Override
        public int available() {
            synchronized (lock) {
                return buffered;
            }
        }
    }

    /** Holds {@link #lock}. */
    private int take(byte[] b, int off, int len) {
        int done = 0;
        while (done < len && !received.isEmpty()) {
            byte[] head = received.peek();
            int n = Math.min(len - done, head.length - headPos);
            System.arraycopy(head, headPos, b, off + done, n);
            done += n;
            headPos += n;
            if (headPos == head.length) {
                received.poll();
                headPos = 0;
            }
        }
        buffered -= done;
        return done;
    }

    /**
     * Buffer mode: {@code AT+QIRD} until the module answers {@code +QIRD: 0} (it says {@code "recv"} once, and again
     * only after a read found its buffer empty), bounded by what this socket may hold.
     */
    private void fetchBuffered() throws IOException {
        for (int round = 0; round <= MAX_BUFFERED / Bc66Commands.MAX_READ; round++) {
            AtResponse r = exec(AtCommand.of(Bc66Commands.readTcp(id)).withTimeout(Duration.ofSeconds(10)), "read");
            if (!r.isOk()) {
                fail("The modem refused to read socket " + id + " to " + remote + " (" + r.result().text() + "): it "
                        + "is closed.", r.result().text());
                return;
            }
            String head = r.line("+QIRD:");
            int idx = head == null ? -1 : r.lines().indexOf(head);
            String next = idx >= 0 && idx + 1 < r.lines().size() ? r.lines().get(idx + 1) : null;
            Bc66Urcs.Read read = head == null ? null : Bc66Urcs.readData(head, next, true);
            if (read == null) {
                fail("The modem's answer to AT+QIRD on socket " + id + " cannot be read (" + (head == null
                        ? "no +QIRD line" : cut(head)) + "); the connection was ended rather than pass on a damaged "
                                + "stream.", head == null ? r.result().text() : cut(head));
                return;
            }
            if (read.data().length == 0) {
                return;
            }
            urcData(read.data());
            if (state() != State.OPEN && state() != State.PEER_CLOSED) {
                return;
            }
            synchronized (lock) {
                if (buffered + Bc66Commands.MAX_READ > MAX_BUFFERED) {
                    dataWaiting = true; // the reader drains this socket first; the module keeps the rest
                    return;
                }
            }
        }
    }

    // --- write ------------------------------------------------------------------------------------------------------

    private final class SocketOutput extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            write(new byte[] { (byte) b }, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            for (int done = 0; done < len;) {
                int n = Math.min(Bc66Commands.MAX_SEND, len - done);
                sendChunk(b, off + done, n);
                done += n;
            }
        }
    }

    private void sendChunk(byte[] b, int off, int len) throws IOException {
        long deadline = System.nanoTime() + Bc66Commands.SEND_TIMEOUT.toNanos();
        long backoff = 50;
        synchronized (transport.sendLock) { // one send in flight per module: SEND OK names no socket
            while (true) {
                checkWritable();
                String result = kind == Kind.TLS ? sendTls(b, off, len) : sendTcp(b, off, len);
                if (result == null) {
                    synchronized (lock) {
                        bytesSent += len;
                    }
                    return;
                }
                if (!result.equals("SEND FAIL") || System.nanoTime() > deadline) {
                    fail("Sending to " + remote + " failed (" + result + ") after " + bytesSent + " bytes sent.",
                            result);
                    throw new ModemException("Cannot send to " + remote + ": the modem answered " + result + " after "
                            + bytesSent + " bytes sent and " + bytesReceived + " received.", result, "send",
                            result.equals("SEND FAIL") ? "The module's send buffer stayed full for "
                                    + Bc66Commands.SEND_TIMEOUT.toSeconds() + " s: check coverage." : "Reconnect.");
                }
                sleep(backoff); // SEND FAIL: the module's buffer is full; it drains at the radio's pace
                backoff = Math.min(2000, backoff * 2);
            }
        }
    }

    private void checkWritable() throws IOException {
        synchronized (lock) {
            if (state == State.CLOSED) {
                throw new IOException(kind + " socket " + id + " to " + remote + " is closed");
            }
            if (state != State.OPEN) {
                throw new ModemException("Cannot send to " + remote + ": the modem reports " + kind + " socket " + id
                        + " " + (failure != null ? "failed: " + failure : "closed (" + failureRaw + ")") + " after "
                        + bytesSent + " bytes sent.", failureRaw, "closed", "Reconnect.");
            }
            sendResult = null;
        }
    }

    /** {@code null} when sent, else the module's answer. */
    private String sendTcp(byte[] b, int off, int len) throws IOException {
        AtResponse r = exec(AtCommand.of(Bc66Commands.sendTcp(id, b, off, len)).withTimeout(Bc66Commands.SEND_TIMEOUT)
                .withFinalResult("SEND OK", Kind_OK).withFinalResult("SEND FAIL", Kind_ERROR), "send");
        String text = r.result().text();
        if (text.equals("SEND OK")) {
            return null;
        }
        if (!text.equals("OK")) {
            return text;
        }
        String after = awaitSendResult("SEND OK");
        return after.equals("SEND OK") ? null : after;
    }

    private String sendTls(byte[] b, int off, int len) throws IOException {
        byte[] hex = Bc66Hex.encode(b, off, len).getBytes(StandardCharsets.US_ASCII);
        AtResponse r = exec(AtCommand.of(Bc66Commands.sendTls(len)).withPayload(">", hex)
                .withTimeout(Bc66Commands.SEND_TIMEOUT), "send");
        if (!r.isOk()) {
            return r.result().text();
        }
        String inline = r.line("+QSSLSEND:");
        String after = inline != null ? inline : awaitSendResult("+QSSLSEND:");
        int[] n = Bc66Urcs.numbers(after, "+QSSLSEND:", 3);
        if (n != null && n[2] == 0) {
            return null;
        }
        if (n != null) {
            Bc66Errors.Entry e = Bc66Errors.ofTls(n[2]);
            return after + " (" + e.words() + ": " + e.meaning() + ")";
        }
        return after;
    }

    private String awaitSendResult(String expected) throws IOException {
        long deadline = System.nanoTime() + Bc66Commands.SEND_TIMEOUT.toNanos();
        synchronized (lock) {
            while (sendResult == null && state == State.OPEN && System.nanoTime() < deadline) {
                waitLock(deadline, "sending to " + remote);
            }
            if (sendResult != null) {
                return sendResult;
            }
            if (state != State.OPEN) {
                return "closed while sending (" + failureRaw + ")";
            }
        }
        return "no " + expected + " within " + Bc66Commands.SEND_TIMEOUT.toSeconds() + " s";
    }

    private static final io.uplink.modem.FinalResult.Kind Kind_OK = io.uplink.modem.FinalResult.Kind.OK;
    private static final io.uplink.modem.FinalResult.Kind Kind_ERROR = io.uplink.modem.FinalResult.Kind.ERROR;

    // --- common -----------------------------------------------------------------------------------------------------

    private AtResponse exec(AtCommand c, String what) throws ModemException {
        try {
            return at.execute(c);
        } catch (ModemException e) {
            fail("The AT channel failed during " + what + " on " + kind + " socket " + id + ": " + e.getMessage(),
                    e.rawText());
            throw e;
        }
    }

    /** Holds {@link #lock}. */
    private void waitLock(long deadline, String what) throws InterruptedIOException {
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
            throw new InterruptedIOException("interrupted while " + what);
        }
    }

    private static void sleep(long millis) throws InterruptedIOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted");
        }
    }

    private static String cut(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "...";
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
            return state == State.OPEN;
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
            boolean closedByPeer = state == State.PEER_CLOSED && kind == Kind.TLS;
            state = State.CLOSED;
            lock.notifyAll();
            if (closedByPeer) {
                // The SSL note: after +QSSLURC "closed" the module has closed the connection itself.
                onClose.run();
                return;
            }
        }
        closeOnModem();
        onClose.run();
    }

    private void closeOnModem() {
        try {
            AtCommand c = AtCommand.of(kind == Kind.TLS ? Bc66Commands.closeTls() : Bc66Commands.closeTcp(id))
                    .withTimeout(Bc66Commands.CLOSE_TIMEOUT).withFinalResult("CLOSE OK", Kind_OK);
            at.execute(c);
        } catch (ModemException e) {
            // the channel is gone; so is the socket
        }
    }

    @Override
    public String toString() {
        return "Bc66Socket[" + kind + " " + id + " -> " + remote + "]";
    }
}
