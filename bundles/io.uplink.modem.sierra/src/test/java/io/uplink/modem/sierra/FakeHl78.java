package io.uplink.modem.sierra;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.uplink.modem.AtChannel;
import io.uplink.modem.AtCommand;
import io.uplink.modem.AtResponse;
import io.uplink.modem.FinalResult;
import io.uplink.modem.FinalResult.Kind;
import io.uplink.modem.ModemException;
import io.uplink.modem.UrcListener;
import io.uplink.modem.UrcSubscription;

/**
 * A scripted {@link AtChannel} that answers as the HL78xx does in the fact sheet and Sierra's test scripts: sessions
 * with a peer that echoes or is fed by the test, credential slots, TLS settings. Knobs switch firmware variants and
 * faults; {@link #sent} records every command. URCs a command causes are delivered before it returns (the module
 * sent them before its final result); {@code +KTCP_DATA} after a read (sent once, and again only after a read) comes
 * later from a URC thread, as it would after the read's {@code OK}.
 *
 * <p>Thread-safe: commands and the test's peer actions are serialised on this object.
 */
final class FakeHl78 implements AtChannel, AutoCloseable {

    enum Listing { SIZES, CONTENT, NONE }

    static final byte[] EOF = SierraCommands.EOF_BYTES;

    final List<AtCommand> sent = new CopyOnWriteArrayList<>();
    private final Map<String, List<UrcListener>> listeners = new HashMap<>();
    private final ExecutorService urcLine = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "fake-hl78-urcs");
        t.setDaemon(true);
        return t;
    });

    // knobs
    String cpin = "+CPIN: READY";
    int cpinError = -1;
    int cfun = 4;
    int cereg = 1;
    boolean echo = true;
    boolean statusSupported = true;
    boolean eightFieldCrypto = true;
    Listing listing = Listing.SIZES;
    /** +KTCP_NOTIF code answering the next KTCPCNX instead of +KTCP_IND: n,1; -1 none; -2 no answer at all. */
    int connectNotification = -1;
    /** Bytes the module keeps of the next credential upload (to fake a bad store); -1 all. */
    int storeKeeps = -1;
    /** +CME ERROR code for the next credential upload; -1 none. */
    int storeError = -1;
    /** The module answers a read with fewer bytes than asked (a firmware that ignores the count). */
    boolean shortReads;
    /** The channel fails (no final result in time) on the next command starting with this; null none. */
    String failNext;

    // state
    private int nextSession = 1;
    final Map<Integer, Session> sessions = new HashMap<>();
    final Map<String, byte[]> slots = new HashMap<>();
    final List<String> tlsSettings = new ArrayList<>();

    /** One session: what the gateway sent, and what waits to be read. */
    static final class Session {
        final String config;
        final ByteArrayOutputStream received = new ByteArrayOutputStream();
        byte[] pending = new byte[0];
        boolean armed = true;
        boolean connected;
        final List<Integer> phaseSizes = new ArrayList<>();

        Session(String config) {
            this.config = config;
        }
    }

    /** URCs the module sends right after a final result: on the wire before any later response. */
    private final java.util.ArrayDeque<String> afterResult = new java.util.ArrayDeque<>();

    @Override
    public synchronized AtResponse execute(AtCommand c) throws ModemException {
        flushAfterResult();
        sent.add(c);
        if (failNext != null && c.line().startsWith(failNext)) {
            failNext = null;
            throw new ModemException("No final result for " + c + " within " + c.timeout().toSeconds() + " s.", "",
                    "", "Check the modem.");
        }
        String l = c.line();
        if (l.equals("ATE0") || l.equals("AT+CMEE=1") || l.equals("AT&K3") || l.equals("AT&K0")
                || l.equals(SierraCommands.kpattern()) || l.startsWith("AT+CGDCONT=") || l.startsWith("AT+KCNXCFG=")) {
            return ok(c);
        }
        if (l.equals("AT+CPIN?")) {
            return cpinError >= 0 ? cme(c, cpinError) : ok(c, cpin);
        }
        if (l.equals("AT+CFUN?")) {
            return ok(c, "+CFUN: " + cfun);
        }
        if (l.equals("AT+CFUN=1")) {
            cfun = 1;
            return ok(c);
        }
        if (l.equals("AT+CEREG?")) {
            return ok(c, "+CEREG: 0," + cereg);
        }
        if (l.equals("AT+CSQ")) {
            return ok(c, "+CSQ: 21,99");
        }
        if (l.startsWith("AT+KTCPCFG=")) {
            int id = nextSession++;
            sessions.put(id, new Session(l));
            return ok(c, "+KTCPCFG: " + id);
        }
        Matcher m = Pattern.compile("AT\\+KTCP(CNX|SND|RCV|STAT|CLOSE|DEL)=(\\d+)(?:,(\\d+))?").matcher(l);
        if (m.matches()) {
            return session(c, m.group(1), Integer.parseInt(m.group(2)), m.group(3) == null ? -1
                    : Integer.parseInt(m.group(3)));
        }
        if (l.startsWith("AT+KSSLCFG=")) {
            tlsSettings.add(l);
            return l.equals("AT+KSSLCFG=0,3") ? ok(c) : cme(c, 918);
        }
        if (l.startsWith("AT+KSSLCRYPTO=")) {
            tlsSettings.add(l);
            return eightFieldCrypto == (l.split(",").length == 8) ? ok(c) : cme(c, 3);
        }
        if (l.startsWith("AT+KCERTSTORE=") || l.startsWith("AT+KPRIVKSTORE=")) {
            return store(c);
        }
        if (l.equals("AT+KCERTSTORE?") || l.equals("AT+KPRIVKSTORE?")) {
            return list(c, l.contains("CERT"));
        }
        if (l.startsWith("AT+KCERTDELETE=") || l.startsWith("AT+KPRIVKDELETE=")) {
            String slot = l.equals("AT+KCERTDELETE=0") ? "root_cert" : l.equals("AT+KCERTDELETE=1") ? "local_cert"
                    : "private_key";
            slots.remove(slot);
            return ok(c);
        }
        return result(c, List.of(), new byte[0], new FinalResult(Kind.ERROR, -1, "ERROR"));
    }

    private AtResponse session(AtCommand c, String op, int id, int n) {
        Session s = sessions.get(id);
        if (s == null) {
            return cme(c, 910);
        }
        switch (op) {
        case "CNX" -> {
            if (connectNotification == -2) {
                connectNotification = -1;
                return ok(c);
            }
            if (connectNotification >= 0) {
                urc("+KTCP_NOTIF: " + id + "," + connectNotification);
                connectNotification = -1;
            } else {
                s.connected = true;
                urc("+KTCP_IND: " + id + ",1");
            }
            return ok(c);
        }
        case "SND" -> {
            byte[] payload = c.payload();
            if (payload == null || payload.length != n + EOF.length
                    || !Arrays.equals(Arrays.copyOfRange(payload, n, payload.length), EOF)
                    || indexOf(payload, EOF) != n) {
                urc("+KTCP_NOTIF: " + id + ",8");
                return ok(c);
            }
            s.phaseSizes.add(n);
            s.received.write(payload, 0, n);
            if (echo) {
                peerSends(id, Arrays.copyOf(payload, n));
            }
            return ok(c);
        }
        case "RCV" -> {
            int take = Math.min(n, s.pending.length);
            if (shortReads && take > 1) {
                take--;
            }
            byte[] data = Arrays.copyOf(s.pending, take);
            s.pending = Arrays.copyOfRange(s.pending, take, s.pending.length);
            s.armed = true;
            if (s.pending.length > 0) {
                s.armed = false;
                int left = s.pending.length;
                afterResult.add("+KTCP_DATA: " + id + "," + left);
                urcLine.execute(this::flushAfterResult);
            }
            return result(c, List.of("CONNECT", SierraCommands.EOF_PATTERN), data,
                    new FinalResult(Kind.OK, -1, "OK"));
        }
        case "STAT" -> {
            return statusSupported ? ok(c, "+KTCPSTAT: 3,-1,0," + s.pending.length) : cme(c, 4);
        }
        case "CLOSE" -> {
            s.connected = false;
            return ok(c);
        }
        default -> {
            sessions.remove(id);
            return ok(c);
        }
        }
    }

    /** The remote side sends bytes: they wait in the module, +KTCP_DATA when the notification is armed. */
    synchronized void peerSends(int id, byte[] data) {
        Session s = sessions.get(id);
        byte[] all = Arrays.copyOf(s.pending, s.pending.length + data.length);
        System.arraycopy(data, 0, all, s.pending.length, data.length);
        s.pending = all;
        if (s.armed) {
            s.armed = false;
            urc("+KTCP_DATA: " + id + "," + all.length);
        }
    }

    private AtResponse store(AtCommand c) {
        String l = c.line();
        String[] p = l.substring(l.indexOf('=') + 1).split(",");
        int n = Integer.parseInt(p[1]);
        String slot = l.startsWith("AT+KPRIVKSTORE") ? "private_key" : p[0].equals("0") ? "root_cert" : "local_cert";
        byte[] payload = c.payload();
        int end = indexOf(payload, EOF);
        if (storeError >= 0) {
            int code = storeError;
            storeError = -1;
            return cme(c, code);
        }
        if (end < n) {
            return cme(c, 930);
        }
        byte[] pem = Arrays.copyOf(payload, n);
        String text = new String(pem, StandardCharsets.US_ASCII);
        if (!text.startsWith("-----BEGIN ") || text.split("\n").length < 3) {
            return cme(c, 931);
        }
        if (storeKeeps >= 0) {
            pem = Arrays.copyOf(pem, storeKeeps);
            storeKeeps = -1;
        }
        slots.put(slot, pem);
        return ok(c);
    }

    private AtResponse list(AtCommand c, boolean certs) {
        if (listing == Listing.NONE) {
            return cme(c, 4);
        }
        List<String> lines = new ArrayList<>(List.of("CONNECT"));
        for (String slot : certs ? List.of("root_cert", "local_cert") : List.of("private_key")) {
            int count = slot.equals("root_cert") ? 1 : 3;
            for (int i = 0; i < count; i++) {
                byte[] pem = i == 0 ? slots.get(slot) : null;
                lines.add(slot + "," + i + "," + (pem == null ? 0 : pem.length));
                if (pem != null && listing == Listing.CONTENT) {
                    lines.addAll(Arrays.asList(new String(pem, StandardCharsets.US_ASCII).split("\n")));
                }
            }
        }
        return ok(c, lines.toArray(new String[0]));
    }

    static int indexOf(byte[] data, byte[] pattern) {
        outer:
        for (int i = 0; i + pattern.length <= data.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (data[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private synchronized void flushAfterResult() {
        while (!afterResult.isEmpty()) {
            deliver(afterResult.poll());
        }
    }

    /** Delivers a URC now, on the caller's thread. */
    void urc(String line) {
        deliver(line);
    }

    private void deliver(String line) {
        List<UrcListener> all = new ArrayList<>();
        synchronized (listeners) {
            listeners.forEach((prefix, list) -> {
                if (line.startsWith(prefix)) {
                    all.addAll(list);
                }
            });
        }
        all.forEach(l -> l.onUrc(line, new byte[0]));
    }

    /** The lines sent, in order. */
    List<String> lines() {
        return sent.stream().map(AtCommand::line).toList();
    }

    private static AtResponse ok(AtCommand c, String... lines) {
        return result(c, List.of(lines), new byte[0], new FinalResult(Kind.OK, -1, "OK"));
    }

    private static AtResponse cme(AtCommand c, int code) {
        return result(c, List.of(), new byte[0], new FinalResult(Kind.CME_ERROR, code, "+CME ERROR: " + code));
    }

    private static AtResponse result(AtCommand c, List<String> lines, byte[] data, FinalResult r) {
        return new AtResponse(c, lines, data, r, Duration.ZERO);
    }

    @Override
    public UrcSubscription onUrc(String prefix, UrcListener listener) {
        synchronized (listeners) {
            listeners.computeIfAbsent(prefix, k -> new CopyOnWriteArrayList<>()).add(listener);
        }
        return () -> {
            synchronized (listeners) {
                listeners.get(prefix).remove(listener);
            }
        };
    }

    int listenerCount() {
        synchronized (listeners) {
            return listeners.values().stream().mapToInt(List::size).sum();
        }
    }

    @Override
    public String portName() {
        return "fake-hl78";
    }

    @Override
    public boolean isOpen() {
        return true;
    }

    @Override
    public void close() throws InterruptedException {
        urcLine.shutdown();
        urcLine.awaitTermination(5, TimeUnit.SECONDS);
    }
}
