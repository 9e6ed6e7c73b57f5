package io.uplink.modem.nordic;

import java.time.Duration;
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

/** An attached nRF91 (Serial LTE Modem): registration from {@code +CEREG} URCs, sockets, its own TLS. */
final class NordicModem implements Modem {

    private static final Logger LOG = LoggerFactory.getLogger(NordicModem.class);

    private final AtChannel at;
    private final ModemIdentity identity;
    private final NordicModemState state;
    private final NordicTls tls;
    private final List<UrcSubscription> subscriptions;
    private volatile boolean detached;

    NordicModem(AtChannel at, ModemIdentity identity, NordicModemState state) {
        this.at = at;
        this.identity = identity;
        this.state = state;
        this.tls = new NordicTls(state);
        this.subscriptions = List.of(at.onUrc("+CEREG:", (line, data) -> state.registration(
                NordicNetwork.registrationOf(line))));
    }

    @Override
    public ModemIdentity identity() {
        return identity;
    }

    @Override
    public String dialectFamily() {
        return NordicSlmDialect.FAMILY_NAME;
    }

    @Override
    public RegistrationState registration() {
        return state.registration();
    }

    @Override
    public Transport transport() {
        return state.sockets;
    }

    @Override
    public ModemTlsCapabilities tlsCapabilities() {
        return tls.capabilities();
    }

    @Override
    public Optional<ModemTls> tls() {
        return Optional.of(tls);
    }

    /** {@code AT+CSQ} (27.007; the nRF91 gives RSRP with {@code AT+CESQ}, not read here). */
    @Override
    public Optional<SignalQuality> signalQuality() {
        if (detached) {
            return Optional.empty();
        }
        try {
            AtResponse r = at.execute(AtCommand.of("AT+CSQ"));
            String line = r.isOk() ? r.line("+CSQ:") : null;
            if (line == null) {
                return Optional.empty();
            }
            int csq = NordicNetwork.number(line.substring(line.indexOf(':') + 1).split(",")[0], -1);
            return (csq >= 0 && csq <= 31) || csq == SignalQuality.CSQ_UNKNOWN
                    ? Optional.of(new SignalQuality(csq, null, null, null, "")) : Optional.empty();
        } catch (ModemException e) {
            return Optional.empty();
        }
    }

    /** {@code AT+COPS?} (27.007), read by the shared parser. */
    @Override
    public Optional<String> networkOperator() {
        if (detached) {
            return Optional.empty();
        }
        try {
            AtResponse cops = at.execute(AtCommand.of("AT+COPS?"));
            return cops.isOk() ? NetworkOperators.fromCopsAnswer(cops.line("+COPS:")) : Optional.empty();
        } catch (ModemException e) {
            return Optional.empty(); // busy, offline for provisioning, or gone: the next sample asks again
        }
    }

    /** Closes every socket and leaves the network ({@code AT+CFUN=4}: the default PDN goes with it). */
    @Override
    public void detach() {
        if (detached) {
            return;
        }
        detached = true;
        state.sockets.suspend("The modem on " + at.portName() + " was detached.");
        subscriptions.forEach(UrcSubscription::close);
        try {
            at.execute(AtCommand.of("AT+CFUN=4").withTimeout(Duration.ofSeconds(30)));
        } catch (ModemException e) {
            LOG.debug("{}: going offline on detach failed: {}", at.portName(), e.getMessage());
        }
    }
}
