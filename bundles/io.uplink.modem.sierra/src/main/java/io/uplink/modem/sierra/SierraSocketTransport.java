package io.uplink.modem.sierra;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import io.uplink.modem.AtChannel;
import io.uplink.modem.AtCommand;
import io.uplink.modem.AtResponse;
import io.uplink.modem.ModemException;
import io.uplink.modem.ModemIdentity;
import io.uplink.transport.Connection;
import io.uplink.transport.Transport;
import io.uplink.transport.TransportException;
import io.uplink.transport.TransportException.Reason;

/**
 * TCP connections through the HL78xx's sessions on one connection configuration ({@code AT+KCNXCFG} context): the
 * module numbers the sessions itself ({@code +KTCPCFG: <session>}), and the socket URCs are routed here by that number.
 * The module brings the PDP context up with the first {@code AT+KTCPCNX} and releases it with the last
 * {@code AT+KTCPCLOSE}.
 */
final class SierraSocketTransport implements Transport {

    private final AtChannel at;
    private final int cid;
    private final ModemIdentity identity;
    private final Map<Integer, SierraSocket> sessions = new HashMap<>();
    private volatile String unavailable;

    SierraSocketTransport(AtChannel at, int cid, ModemIdentity identity) {
        this.at = at;
        this.cid = cid;
        this.identity = identity;
    }

    @Override
    public Connection connect(String host, int port, Duration connectTimeout) throws TransportException {
        checkArguments(host, port, connectTimeout);
        return open(SierraCommands.tcpConfig(cid, host, port), host, port, false, connectTimeout);
    }

    static void checkArguments(String host, int port, Duration connectTimeout) {
        Objects.requireNonNull(host, "host");
        if (host.isBlank() || host.contains("\"") || host.contains(",")) {
            throw new IllegalArgumentException("host must be a name or address without quotes or commas: " + host);
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1..65535: " + port);
        }
        if (connectTimeout == null || connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new IllegalArgumentException("connect timeout must be positive");
        }
    }

    /** Configures a session with {@code configLine} ({@code AT+KTCPCFG}), then connects it. */
    Connection open(String configLine, String host, int port, boolean tls, Duration timeout)
            throws TransportException {
        String down = unavailable;
        if (down != null) {
            throw new TransportException(Reason.TRANSPORT_GONE, down, "The modem re-attaches by itself; retry later.");
        }
        synchronized (this) {
            if (sessions.size() >= SierraCommands.MAX_SESSIONS) {
                throw new TransportException(Reason.NO_RESOURCES, "All " + SierraCommands.MAX_SESSIONS + " sessions "
                        + "of the " + identity.model() + " are in use.", "Close unused connections.");
            }
        }
        AtResponse r;
        try {
            r = at.execute(AtCommand.of(configLine));
        } catch (ModemException e) {
            throw new TransportException(Reason.TRANSPORT_GONE, "The modem could not configure a session to " + host
                    + ":" + port + ": " + e.getMessage(), e.fix(), e.rawText(), e);
        }
        Optional<Integer> session = r.isOk() ? SierraUrcs.configuredSession(r.line("+KTCPCFG:")) : Optional.empty();
        if (session.isEmpty()) {
            SierraErrors.Entry e = SierraErrors.cme(r.result().code());
            String raw = r.isOk() ? "OK without +KTCPCFG: <session>" : r.result().text();
            throw new TransportException(r.isOk() ? Reason.OTHER : e.reason(), "The modem refused to configure a "
                    + (tls ? "TLS" : "TCP") + " session to " + host + ":" + port + " (" + raw
                    + (r.isOk() ? "" : " = " + e.meaning()) + ").", e.fix(), raw, null);
        }
        int id = session.get();
        SierraSocket[] self = new SierraSocket[1];
        SierraSocket socket = new SierraSocket(id, at, host, port, tls, () -> release(id, self[0]));
        self[0] = socket;
        synchronized (this) {
            SierraSocket stale = sessions.put(id, socket);
            if (stale != null) {
                stale.fail("The module gave session " + id + " to a new connection: this one is gone.", "");
            }
        }
        socket.connect(timeout);
        return socket;
    }

    private synchronized void release(int id, SierraSocket socket) {
        sessions.remove(id, socket);
    }

    synchronized SierraSocket session(int id) {
        return sessions.get(id);
    }

    /** The modem detached: every session fails with {@code why}, and no new one opens. */
    void closeAll(String why) {
        unavailable = why;
        List<SierraSocket> all;
        synchronized (this) {
            all = new ArrayList<>(sessions.values());
        }
        for (SierraSocket s : all) {
            s.fail(why, "");
        }
    }

    /** Sessions still configured, to close on detach. */
    synchronized List<SierraSocket> open() {
        return new ArrayList<>(sessions.values());
    }

    @Override
    public String describe() {
        return "Sierra Wireless " + identity.model() + " on " + at.portName();
    }

    @Override
    public int maxConnections() {
        return SierraCommands.MAX_SESSIONS;
    }
}
