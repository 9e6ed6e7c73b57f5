package io.uplink.modem.quectel;

import java.util.List;
import java.util.Optional;

import io.uplink.modem.AtChannel;
import io.uplink.modem.AtCommand;
import io.uplink.modem.AtResponse;
import io.uplink.modem.Modem;
import io.uplink.modem.ModemException;
import io.uplink.modem.ModemIdentity;
import io.uplink.modem.ModemTls;
import io.uplink.modem.ModemTlsCapabilities;
import io.uplink.modem.NetworkOperators;
import io.uplink.modem.RegistrationState;
import io.uplink.modem.SignalQuality;
import io.uplink.modem.UrcSubscription;
import io.uplink.transport.Transport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** An attached BC66/BC660K: routes its URCs to the sockets, tracks registration, releases them on detach. */
final class Bc66Modem implements Modem {

    static final Logger LOG = LoggerFactory.getLogger(Bc66Modem.class);

    private final AtChannel at;
    private final ModemIdentity identity;
    private final Bc66SocketTransport transport;
    private final Bc66Tls tls;
    private final List<UrcSubscription> subscriptions;
    private volatile RegistrationState registration;
    private volatile boolean detached;

    Bc66Modem(AtChannel at, ModemIdentity identity, RegistrationState registration, boolean push,
            Bc66UploadRecord uploads) {
        this.at = at;
        this.identity = identity;
        this.registration = registration;
        this.transport = new Bc66SocketTransport(at, identity, push);
        this.tls = new Bc66Tls(at, identity, transport, uploads);
        this.subscriptions = List.of(at.onUrc("+QIURC:", (line, data) -> transport.routeQiurc(line)),
                at.onUrc("+QSSLURC:", (line, data) -> transport.routeQsslurc(line)),
                at.onUrc("+QIOPEN:", (line, data) -> transport.routeOpen(line)),
                at.onUrc("+QSSLOPEN:", (line, data) -> transport.routeOpen(line)),
                at.onUrc("SEND OK", (line, data) -> transport.routeSendResult(line)),
                at.onUrc("SEND FAIL", (line, data) -> transport.routeSendResult(line)),
                at.onUrc("+QSSLSEND:", (line, data) -> transport.routeSendResult(line)),
                // Closing answers OK, then these; nothing waits for them.
                at.onUrc("CLOSE OK", (line, data) -> LOG.debug("{}: {}", at.portName(), line)),
                at.onUrc("+QSSLCLOSE:", (line, data) -> LOG.debug("{}: {}", at.portName(), line)),
                at.onUrc("+CEREG:", (line, data) -> creg(line)));
    }

    private void creg(String line) {
        // URC form "+CEREG: <stat>[,...]"; the query form "+CEREG: <n>,<stat>" only comes as a response.
        List<String> f = Bc66Urcs.fields(line, "+CEREG:");
        int stat = f == null || f.isEmpty() ? -1 : Bc66Urcs.number(f.get(0));
        RegistrationState state = RegistrationState.of(stat);
        if (state != registration) {
            LOG.info("{}: network registration {} -> {}", at.portName(), registration, state);
            registration = state;
        }
    }

    @Override
    public ModemIdentity identity() {
        return identity;
    }

    @Override
    public String dialectFamily() {
        return QuectelBc66Dialect.FAMILY_NAME;
    }

    @Override
    public RegistrationState registration() {
        return registration;
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

    /** AT+CSQ (27.007); the BC660K has no LTE figures in the same form as the BG95's AT+QCSQ. */
    @Override
    public Optional<SignalQuality> signalQuality() {
        if (detached) {
            return Optional.empty();
        }
        try {
            AtResponse csq = at.execute(AtCommand.of("AT+CSQ"));
            return csq.isOk() ? QuectelSignal.parse(csq.line("+CSQ:"), null) : Optional.empty();
        } catch (ModemException e) {
            return Optional.empty(); // busy, restarting or gone: the next sample asks again
        }
    }

    @Override
    public Optional<String> networkOperator() {
        if (detached) {
            return Optional.empty();
        }
        try {
            AtResponse cops = at.execute(AtCommand.of("AT+COPS?"));
            return cops.isOk() ? NetworkOperators.fromCopsAnswer(cops.line("+COPS:")) : Optional.empty();
        } catch (ModemException e) {
            return Optional.empty();
        }
    }

    /** Closes every socket; the default PDN stays (it belongs to the network registration, not to Uplink). */
    @Override
    public void detach() {
        if (detached) {
            return;
        }
        detached = true;
        transport.closeAll("The modem on " + at.portName() + " was detached.");
        subscriptions.forEach(UrcSubscription::close);
    }
}
