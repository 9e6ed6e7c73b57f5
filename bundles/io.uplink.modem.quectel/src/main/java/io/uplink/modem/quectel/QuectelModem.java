package io.uplink.modem.quectel;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.uplink.modem.AtChannel;
import io.uplink.modem.AtCommand;
import io.uplink.modem.ModemException;
import io.uplink.modem.Modem;
import io.uplink.modem.ModemIdentity;
import io.uplink.modem.ModemTls;
import io.uplink.modem.ModemTlsCapabilities;
import io.uplink.modem.RegistrationState;
import io.uplink.modem.UrcSubscription;
import io.uplink.transport.Transport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** An attached BG95/BG96/BG77: routes socket URCs to the sockets, tracks registration, releases on detach. */
final class QuectelModem implements Modem {

    private static final Logger LOG = LoggerFactory.getLogger(QuectelModem.class);

    private final AtChannel at;
    private final ModemIdentity identity;
    private final int context;
    private final QuectelSocketTransport transport;
    private final QuectelTls tls;
    private final List<UrcSubscription> subscriptions;
    private volatile RegistrationState registration;
    private volatile boolean detached;

    QuectelModem(AtChannel at, ModemIdentity identity, int context, RegistrationState registration) {
        this.at = at;
        this.identity = identity;
        this.context = context;
        this.registration = registration;
        this.transport = new QuectelSocketTransport(at, context, identity);
        this.tls = new QuectelTls(at, context, identity, transport);
        this.subscriptions = List.of(at.onUrc("+QIURC:", (line, data) -> qiurc(line)),
                at.onUrc("+QIOPEN:", (line, data) -> qiopen(line)),
                at.onUrc("+QSSLURC:", (line, data) -> qiurc(line)),
                at.onUrc("+QSSLOPEN:", (line, data) -> qiopen(line)),
                at.onUrc("+CEREG:", (line, data) -> creg(line)),
                at.onUrc("+CGREG:", (line, data) -> creg(line)));
    }

    /**
     * {@code +QIURC: "recv",0} / {@code "closed",0} / {@code "pdpdeact",1}, and the same for TLS sockets as
     * {@code +QSSLURC:} (client IDs are shared by both kinds).
     */
    private void qiurc(String line) {
        String[] p = fields(line);
        String type = p[0].replace("\"", "");
        int n = p.length > 1 ? parse(p[1]) : -1;
        switch (type) {
        case "recv": {
            QuectelSocket s = transport.socket(n);
            if (s != null) {
                s.urcRecv();
            }
            break;
        }
        case "closed": {
            QuectelSocket s = transport.socket(n);
            if (s != null) {
                s.urcClosed(line);
            }
            break;
        }
        case "pdpdeact":
            LOG.warn("{}: the network deactivated PDP context {} ({})", at.portName(), n, line);
            transport.pdpLost(line);
            break;
        default:
            LOG.debug("{}: unhandled {}", at.portName(), line);
        }
    }

    /** {@code +QIOPEN: <id>,<err>} and {@code +QSSLOPEN: <id>,<err>}. */
    private void qiopen(String line) {
        String[] p = fields(line);
        if (p.length >= 2) {
            QuectelSocket s = transport.socket(parse(p[0]));
            if (s != null) {
                s.urcOpened(parse(p[1]));
            }
        }
    }

    private void creg(String line) {
        String[] p = fields(line);
        // URC form is "+CEREG: <stat>[,...]"; the query form "+CEREG: <n>,<stat>" only comes as a response.
        RegistrationState state = RegistrationState.of(parse(p[0]));
        if (state != registration) {
            LOG.info("{}: network registration {} -> {}", at.portName(), registration, state);
            registration = state;
        }
    }

    /**
     * The comma-separated fields after the URC's colon; never empty ({@code "+QIURC: ,"} gives two empty fields where
     * a plain split gave none, and the listener failed on field 0, so the channel dropped the URC).
     */
    private static String[] fields(String line) {
        return line.substring(line.indexOf(':') + 1).trim().split(",", -1);
    }

    private static int parse(String s) {
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    @Override
    public ModemIdentity identity() {
        return identity;
    }

    @Override
    public String dialectFamily() {
        return QuectelBg9xDialect.FAMILY_NAME;
    }

    @Override
    public RegistrationState registration() {
        return registration;
    }

    /** AT+COPS? (27.007): the module's default format is the long alphanumeric name. */
    @Override
    public java.util.Optional<String> networkOperator() {
        if (detached) {
            return java.util.Optional.empty();
        }
        try {
            io.uplink.modem.AtResponse cops = at.execute(io.uplink.modem.AtCommand.of("AT+COPS?"));
            return cops.isOk() ? io.uplink.modem.NetworkOperators.fromCopsAnswer(cops.line("+COPS:"))
                    : java.util.Optional.empty();
        } catch (io.uplink.modem.ModemException e) {
            return java.util.Optional.empty(); // busy, restarting or gone: the next sample asks again
        }
    }

    /** AT+CSQ, then AT+QCSQ for the LTE figures (firmware without it answers ERROR: +CSQ alone then). */
    @Override
    public java.util.Optional<io.uplink.modem.SignalQuality> signalQuality() {
        if (detached) {
            return java.util.Optional.empty();
        }
        try {
            io.uplink.modem.AtResponse csq = at.execute(io.uplink.modem.AtCommand.of("AT+CSQ"));
            if (!csq.isOk()) {
                return java.util.Optional.empty();
            }
            io.uplink.modem.AtResponse qcsq = at.execute(io.uplink.modem.AtCommand.of("AT+QCSQ"));
            return QuectelSignal.parse(csq.line("+CSQ:"), qcsq.isOk() ? qcsq.line("+QCSQ:") : null);
        } catch (io.uplink.modem.ModemException e) {
            return java.util.Optional.empty(); // busy, restarting or gone: the next sample asks again
        }
    }

    @Override
    public Transport transport() {
        return transport;
    }

    @Override
    public ModemTlsCapabilities tlsCapabilities() {
        return tls.capabilities();
    }

    @Override
    public Optional<ModemTls> tls() {
        return Optional.of(tls);
    }

    @Override
    public void detach() {
        if (detached) {
            return;
        }
        detached = true;
        transport.closeAll("The modem on " + at.portName() + " was detached.");
        subscriptions.forEach(UrcSubscription::close);
        try {
            at.execute(AtCommand.of("AT+QIDEACT=" + context).withTimeout(Duration.ofSeconds(40)));
        } catch (ModemException e) {
            LOG.debug("{}: deactivating PDP context {} on detach failed: {}", at.portName(), context, e.getMessage());
        }
    }
}
