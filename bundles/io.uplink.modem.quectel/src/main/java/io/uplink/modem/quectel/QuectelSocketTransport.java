package io.uplink.modem.quectel;

import java.time.Duration;
import java.util.Objects;

import io.uplink.modem.AtChannel;
import io.uplink.modem.AtCommand;
import io.uplink.modem.AtResponse;
import io.uplink.modem.ModemException;
import io.uplink.modem.ModemIdentity;
import io.uplink.transport.Connection;
import io.uplink.transport.Transport;
import io.uplink.transport.TransportException;
import io.uplink.transport.TransportException.Reason;

/** TCP connections through the module's 12 sockets (connectID 0-11) on one PDP context. */
final class QuectelSocketTransport implements Transport {

    static final int SOCKETS = 12;

    private final AtChannel at;
    private final int context;
    private final ModemIdentity identity;
    private final QuectelSocket[] sockets = new QuectelSocket[SOCKETS];
    private volatile String unavailable;
    private volatile boolean pdpLost;

    QuectelSocketTransport(AtChannel at, int context, ModemIdentity identity) {
        this.at = at;
        this.context = context;
        this.identity = identity;
    }

    @Override
    public Connection connect(String host, int port, Duration connectTimeout) throws TransportException {
        Objects.requireNonNull(host, "host");
        if (host.isBlank() || host.contains("\"")) {
            throw new IllegalArgumentException("host must be a name or address without quotes: " + host);
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1..65535: " + port);
        }
        if (connectTimeout == null || connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new IllegalArgumentException("connect timeout must be positive");
        }
        return open(QuectelCommands.TCP, id -> QuectelCommands.openTcp(context, id, host, port), host, port,
                connectTimeout.compareTo(QuectelCommands.OPEN_URC_TIMEOUT) < 0 ? connectTimeout
                        : QuectelCommands.OPEN_URC_TIMEOUT, () -> { });
    }

    /**
     * Opens a socket of either kind on a free client ID; {@code onClose} runs when it is closed or fails to open
     * (e.g. to free the SSL context it used).
     */
    Connection open(QuectelCommands kind, java.util.function.IntFunction<String> openLine, String host, int port,
            Duration timeout, Runnable onClose) throws TransportException {
        String down = unavailable;
        if (down != null) {
            onClose.run();
            throw new TransportException(Reason.UNREACHABLE, down, "The modem re-attaches by itself; retry later.");
        }
        if (pdpLost) {
            try {
                reactivatePdp();
            } catch (TransportException e) {
                onClose.run();
                throw e;
            }
        }
        QuectelSocket socket = allocate(kind, openLine, host, port, onClose);
        try {
            socket.open(host, port, timeout);
            return socket;
        } catch (TransportException | RuntimeException e) {
            release(socket);
            onClose.run();
            throw e;
        }
    }

    private synchronized QuectelSocket allocate(QuectelCommands kind, java.util.function.IntFunction<String> openLine,
            String host, int port, Runnable onClose) throws TransportException {
        for (int i = 0; i < SOCKETS; i++) {
            if (sockets[i] == null) {
                int id = i;
                QuectelSocket s = new QuectelSocket(id, kind, at, openLine.apply(id), host, port, () -> {
                    release(id);
                    onClose.run();
                });
                sockets[i] = s;
                return s;
            }
        }
        onClose.run();
        throw new TransportException(Reason.NO_RESOURCES, "All " + SOCKETS + " sockets of the modem are in use.",
                "Close unused connections.");
    }

    private synchronized void release(QuectelSocket s) {
        if (sockets[s.id] == s) {
            sockets[s.id] = null;
        }
    }

    private synchronized void release(int id) {
        sockets[id] = null;
    }

    synchronized QuectelSocket socket(int id) {
        return id >= 0 && id < SOCKETS ? sockets[id] : null;
    }

    /** After {@code pdpdeact}: QIDEACT then QIACT (up to 150 s), before the next socket opens. */
    private synchronized void reactivatePdp() throws TransportException {
        if (!pdpLost) {
            return;
        }
        try {
            at.execute(AtCommand.of("AT+QIDEACT=" + context).withTimeout(Duration.ofSeconds(40)));
            AtResponse r = at.execute(AtCommand.of("AT+QIACT=" + context).withTimeout(Duration.ofSeconds(150)));
            if (!r.isOk()) {
                throw new TransportException(Reason.UNREACHABLE, "The data session (PDP context " + context
                        + ") was dropped by the network and could not be re-activated (" + r.result().text() + ").",
                        "Check coverage and the SIM's data plan; the next connection tries again.",
                        r.result().text(), null);
            }
            pdpLost = false;
        } catch (ModemException e) {
            throw new TransportException(Reason.TRANSPORT_GONE, "Re-activating the data session failed: "
                    + e.getMessage(), e.fix(), e.rawText(), e);
        }
    }

    /** The PDP context dropped: every socket is dead until the data session is re-activated. */
    synchronized void pdpLost(String raw) {
        pdpLost = true;
        for (QuectelSocket s : sockets) {
            if (s != null) {
                s.fail("The network deactivated the data session (" + raw + "): every socket on it is gone.", raw);
            }
        }
    }

    synchronized void closeAll(String why) {
        unavailable = why;
        for (QuectelSocket s : sockets) {
            if (s != null) {
                s.fail(why, "");
            }
        }
    }

    @Override
    public String describe() {
        return "Quectel " + identity.model() + " on " + at.portName();
    }

    @Override
    public int maxConnections() {
        return SOCKETS;
    }
}
