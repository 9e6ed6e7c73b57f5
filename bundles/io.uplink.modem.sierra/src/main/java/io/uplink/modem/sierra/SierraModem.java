package io.uplink.modem.sierra;

import java.util.List;
import java.util.Optional;

import io.uplink.modem.AtChannel;
import io.uplink.modem.AtResponse;
import io.uplink.modem.Modem;
import io.uplink.modem.ModemException;
import io.uplink.modem.ModemIdentity;
import io.uplink.modem.ModemTls;
import io.uplink.modem.ModemTlsCapabilities;
import io.uplink.modem.RegistrationState;
import io.uplink.modem.SignalQuality;
import io.uplink.modem.UrcSubscription;
import io.uplink.transport.Transport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** An attached HL78xx: routes the session URCs to their sessions, tracks registration, closes sessions on detach. */
final class SierraModem implements Modem {

    private static final Logger LOG = LoggerFactory.getLogger(SierraModem.class);

    private final AtChannel at;
    private final ModemIdentity identity;
    private final SierraSocketTransport transport;
    private final SierraTls tls;
    private final List<UrcSubscription> subscriptions;
    private volatile RegistrationState registration;
    private volatile boolean detached;

    SierraModem(AtChannel at, ModemIdentity identity, int cid, RegistrationState registration,
            SierraCredentialLedger ledger) {
        this.at = at;
        this.identity = identity;
        this.registration = registration;
        this.transport = new SierraSocketTransport(at, cid, identity);
        this.tls = new SierraTls(at, cid, identity, transport, ledger);
        this.subscriptions = List.of(at.onUrc("+KTCP_IND:", (line, data) -> indication(line)),
                at.onUrc("+KTCP_NOTIF:", (line, data) -> notification(line)),
                at.onUrc("+KTCP_DATA:", (line, data) -> dataAvailable(line)),
                at.onUrc("+CEREG:", (line, data) -> registration(line)));
    }

    private void indication(String line) {
        SierraUrcs.indication(line).ifPresent(i -> {
            SierraSocket s = transport.session(i.session());
            if (s != null) {
                s.urcIndication(i.status());
            }
        });
    }

    private void notification(String line) {
        SierraUrcs.notification(line).ifPresent(n -> {
            SierraSocket s = transport.session(n.session());
            if (s != null) {
                s.urcNotification(n.code(), line);
            } else {
                LOG.debug("{}: {} for a session Uplink does not hold", at.portName(), line);
            }
        });
    }

    private void dataAvailable(String line) {
        SierraUrcs.dataAvailable(line).ifPresent(d -> {
            SierraSocket s = transport.session(d.session());
            if (s != null) {
                s.urcData(d.available());
            }
        });
    }

    private void registration(String line) {
        SierraUrcs.registrationStat(line, false).ifPresent(stat -> {
            RegistrationState state = RegistrationState.of(stat);
            if (state != registration) {
                LOG.info("{}: network registration {} -> {}", at.portName(), registration, state);
                registration = state;
            }
        });
    }

    @Override
    public ModemIdentity identity() {
        return identity;
    }

    @Override
    public String dialectFamily() {
        return SierraHl78Dialect.FAMILY_NAME;
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

    /** {@code AT+CSQ} (27.007). */
    @Override
    public Optional<SignalQuality> signalQuality() {
        if (detached) {
            return Optional.empty();
        }
        try {
            AtResponse r = at.execute(io.uplink.modem.AtCommand.of("AT+CSQ"));
            String line = r.isOk() ? r.line("+CSQ:") : null;
            if (line == null) {
                return Optional.empty();
            }
            String rssi = line.substring(5).trim().split(",", -1)[0].trim();
            int csq = Integer.parseInt(rssi);
            return csq >= 0 && csq <= 31 || csq == SignalQuality.CSQ_UNKNOWN
                    ? Optional.of(new SignalQuality(csq, null, null, null, "")) : Optional.empty();
        } catch (ModemException | NumberFormatException e) {
            return Optional.empty(); // busy, restarting or gone: the next sample asks again
        }
    }

    @Override
    public void detach() {
        if (detached) {
            return;
        }
        detached = true;
        List<SierraSocket> open = transport.open();
        transport.closeAll("The modem on " + at.portName() + " was detached.");
        subscriptions.forEach(UrcSubscription::close);
        for (SierraSocket s : open) {
            s.closeQuietly(); // KTCPCLOSE of the last session also releases the PDP context
        }
    }
}
