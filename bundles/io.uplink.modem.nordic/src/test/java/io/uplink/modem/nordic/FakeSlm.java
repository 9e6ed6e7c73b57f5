package io.uplink.modem.nordic;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import io.uplink.modem.AtChannel;
import io.uplink.modem.AtCommand;
import io.uplink.modem.AtResponse;
import io.uplink.modem.FinalResult;
import io.uplink.modem.FinalResult.Kind;
import io.uplink.modem.ModemException;
import io.uplink.modem.UrcListener;
import io.uplink.modem.UrcSubscription;

/**
 * A scripted {@link AtChannel} playing a Serial LTE Modem at the command level, from the manual's answers: functional
 * mode, APN, SIM, registration, %CMNG storage (SHA-256 listed upper case, writes refused online with 518, cert and key
 * unreadable), sockets whose peer is a test-supplied function, data mode ({@code OK}, data, {@code +++},
 * {@code #XDATAMODE: 0}). Tests override single commands with {@link #on} and read {@link #commands}.
 */
final class FakeSlm implements AtChannel {

    final List<String> commands = new CopyOnWriteArrayList<>();
    final Map<String, Function<AtCommand, AtResponse>> overrides = new ConcurrentHashMap<>();
    final Map<String, String> cmng = new ConcurrentHashMap<>(); // "tag,type" -> content
    final Map<String, List<UrcListener>> urcs = new ConcurrentHashMap<>();
    int cfun;
    String apn = "";
    String pinStatus = "READY";
    int cereg = 1;
    boolean cmee;
    /** What the peer of every connection answers to the bytes sent (null: nothing). */
    Function<byte[], byte[]> peer = b -> b;
    /** The host name each connect used, with the TLS_HOSTNAME set before it (or null). */
    final List<String> connects = new ArrayList<>();
    final ByteArrayOutputStream sent = new ByteArrayOutputStream();
    boolean peerClosed;
    private final Map<Integer, ByteArrayOutputStream> inbox = new HashMap<>();
    private final Map<Integer, String> hostnames = new HashMap<>();
    private final Map<Integer, Integer> socketTags = new HashMap<>();
    private int active = -1;
    private int nextHandle;

    FakeSlm on(String commandPrefix, Function<AtCommand, AtResponse> answer) {
        overrides.put(commandPrefix, answer);
        return this;
    }

    static AtResponse ok(AtCommand c, String... lines) {
        return new AtResponse(c, List.of(lines), null, new FinalResult(Kind.OK, -1, "OK"), Duration.ZERO);
    }

    static AtResponse error(AtCommand c) {
        return new AtResponse(c, List.of(), null, new FinalResult(Kind.ERROR, -1, "ERROR"), Duration.ZERO);
    }

    static AtResponse cme(AtCommand c, int code) {
        return new AtResponse(c, List.of(), null, new FinalResult(Kind.CME_ERROR, code, "+CME ERROR: " + code),
                Duration.ZERO);
    }

    /** The commands with a %CMNG write cut after its type, so that tests can name them. */
    List<String> shortCommands() {
        return commands.stream().map(l -> l.startsWith("AT%CMNG=0,") ? l.substring(0, l.indexOf(",\"") + 1) : l)
                .toList();
    }

    long count(String prefix) {
        return commands.stream().filter(l -> l.startsWith(prefix)).count();
    }

    @Override
    public synchronized AtResponse execute(AtCommand c) throws ModemException {
        String l = c.line();
        commands.add(l);
        for (Map.Entry<String, Function<AtCommand, AtResponse>> o : overrides.entrySet()) {
            if (l.startsWith(o.getKey())) {
                AtResponse r = o.getValue().apply(c);
                if (r != null) {
                    return r;
                }
            }
        }
        if (l.equals("AT+CMEE=1")) {
            cmee = true;
            return ok(c);
        }
        if (l.equals("AT#XSLMVER")) {
            return ok(c, "#XSLMVER: \"2.5.0\",\"2.5.1\"");
        }
        if (l.equals("AT+CFUN?")) {
            return ok(c, "+CFUN: " + cfun);
        }
        if (l.startsWith("AT+CFUN=")) {
            cfun = Integer.parseInt(l.substring(8));
            return ok(c);
        }
        if (l.equals("AT+CGDCONT?")) {
            return ok(c, "+CGDCONT: 0,\"IP\",\"" + apn + "\",\"10.0.0.2\",0,0");
        }
        if (l.startsWith("AT+CGDCONT=0,\"IP\",\"")) {
            if (cfun == 1) {
                return cmee ? cme(c, 518) : error(c);
            }
            apn = l.substring(19, l.length() - 1);
            return ok(c);
        }
        if (l.equals("AT+CEREG=1") || l.startsWith("AT+CGAUTH=")) {
            return ok(c);
        }
        if (l.equals("AT+CPIN?")) {
            return cfun == 1 ? ok(c, "+CPIN: " + pinStatus) : cme(c, 10);
        }
        if (l.equals("AT+CEREG?")) {
            return ok(c, "+CEREG: 1," + (cfun == 1 ? cereg : 0));
        }
        if (l.equals("AT+CGACT?")) {
            return ok(c, "+CGACT: 0," + (cfun == 1 ? 1 : 0));
        }
        if (l.startsWith("AT%CMNG=")) {
            return cmng(c, l.substring(8));
        }
        return sockets(c, l);
    }

    private AtResponse cmng(AtCommand c, String args) {
        String[] a = args.split(",", 4);
        switch (a[0]) {
        case "0" -> {
            if (cfun == 1 || cfun == 2 || cfun == 21) {
                return cmee ? cme(c, 518) : error(c);
            }
            String content = a[3].substring(1, a[3].length() - 1);
            cmng.put(a[1] + "," + a[2], content);
            return ok(c);
        }
        case "1" -> {
            List<String> lines = new ArrayList<>();
            cmng.forEach((k, v) -> {
                if (a.length == 1 || k.startsWith(a[1] + ",")) {
                    lines.add("%CMNG: " + k + ",\"" + NordicCmng.sha256(v.getBytes(StandardCharsets.US_ASCII)) + "\"");
                }
            });
            return ok(c, lines.toArray(String[]::new));
        }
        case "2" -> {
            String v = cmng.get(a[1] + "," + a[2]);
            if (v == null) {
                return cme(c, 513);
            }
            if (!a[2].equals("0")) {
                return cme(c, 514);
            }
            List<String> lines = new ArrayList<>();
            String[] parts = ("%CMNG: " + a[1] + "," + a[2] + ",\"" + NordicCmng.sha256(v.getBytes(
                    StandardCharsets.US_ASCII)) + "\",\"" + v + "\"").split("\n");
            for (String p : parts) {
                if (!p.isEmpty()) {
                    lines.add(p);
                }
            }
            return ok(c, lines.toArray(String[]::new));
        }
        case "3" -> {
            if (cfun == 1) {
                return cmee ? cme(c, 518) : error(c);
            }
            return cmng.remove(a[1] + "," + a[2]) != null ? ok(c) : cme(c, 513);
        }
        default -> {
            return error(c);
        }
        }
    }

    private AtResponse sockets(AtCommand c, String l) {
        if (l.equals("AT#XSOCKET=1,1,0") || l.startsWith("AT#XSSOCKET=1,1,0,")) {
            int h = nextHandle++;
            active = h;
            inbox.put(h, new ByteArrayOutputStream());
            if (l.startsWith("AT#XSSOCKET")) {
                socketTags.put(h, Integer.parseInt(l.split(",")[3]));
                return ok(c, "#XSSOCKET: " + h + ",1,258");
            }
            return ok(c, "#XSOCKET: " + h + ",1,6");
        }
        if (l.startsWith("AT#XSSOCKETOPT=1,2,\"")) {
            hostnames.put(active, l.substring(20, l.length() - 1));
            return ok(c);
        }
        if (l.startsWith("AT#XSOCKETSELECT=")) {
            int h = Integer.parseInt(l.substring(17));
            if (!inbox.containsKey(h)) {
                return error(c);
            }
            active = h;
            return ok(c, "#XSOCKETSELECT: " + h);
        }
        if (l.startsWith("AT#XCONNECT=\"")) {
            connects.add(l.substring(13, l.indexOf('"', 13)) + " sni=" + hostnames.get(active));
            return ok(c, "#XCONNECT: 1");
        }
        if (l.equals("AT#XSOCKET=0")) {
            inbox.remove(active);
            active = -1;
            return ok(c, "#XSOCKET: 0,\"closed\"");
        }
        if (l.equals("AT#XSEND")) {
            if (!"OK".equals(c.prompt())) {
                return error(c);
            }
            byte[] p = c.payload();
            String tail = new String(p, p.length - 3, 3, StandardCharsets.US_ASCII);
            if (!tail.equals("+++")) {
                return error(c);
            }
            deliver(p, p.length - 3);
            return new AtResponse(c, List.of(), null, new FinalResult(Kind.OK, -1, "#XDATAMODE: 0"), Duration.ZERO);
        }
        if (l.startsWith("AT#XSEND=\"")) {
            byte[] p = l.substring(10, l.length() - 1).getBytes(StandardCharsets.US_ASCII);
            deliver(p, p.length);
            return ok(c, "#XSEND: " + p.length);
        }
        if (l.startsWith("AT#XRECV=")) {
            ByteArrayOutputStream in = inbox.get(active);
            if (in == null) {
                return error(c);
            }
            if (in.size() == 0) {
                return peerClosed ? ok(c) : error(c);
            }
            byte[] d = in.toByteArray();
            in.reset();
            return new AtResponse(c, List.of("#XRECV: " + d.length), d, new FinalResult(Kind.OK, -1, "OK"),
                    Duration.ZERO);
        }
        return error(c);
    }

    private void deliver(byte[] p, int n) {
        byte[] data = java.util.Arrays.copyOf(p, n);
        sent.writeBytes(data);
        byte[] answer = peer.apply(data);
        if (answer != null) {
            inbox.get(active).writeBytes(answer);
        }
    }

    Integer tagOf(int handle) {
        return socketTags.get(handle);
    }

    void urc(String line) {
        urcs.forEach((prefix, list) -> {
            if (line.startsWith(prefix)) {
                list.forEach(u -> u.onUrc(line, new byte[0]));
            }
        });
    }

    @Override
    public UrcSubscription onUrc(String prefix, UrcListener listener) {
        urcs.computeIfAbsent(prefix, k -> new CopyOnWriteArrayList<>()).add(listener);
        return () -> urcs.get(prefix).remove(listener);
    }

    @Override
    public String portName() {
        return "fake-slm";
    }

    @Override
    public boolean isOpen() {
        return true;
    }
}
