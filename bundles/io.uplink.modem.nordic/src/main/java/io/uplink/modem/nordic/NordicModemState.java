package io.uplink.modem.nordic;

import io.uplink.modem.AtChannel;
import io.uplink.modem.ModemException;
import io.uplink.modem.ModemIdentity;
import io.uplink.modem.RegistrationState;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an attached nRF91 shares between its parts: the network (functional mode, registration), the sockets, and
 * the one operation that touches both, going offline for credential writes and coming back.
 *
 * <p>Thread-safe: {@link #whileOffline} runs one at a time; registration is written by the channel's thread (URCs)
 * and by the provisioning thread, read by anyone.
 */
final class NordicModemState {

    /** Work done while the modem is offline. */
    interface Work {
        void run() throws ModemException;
    }

    private static final Logger LOG = LoggerFactory.getLogger(NordicModemState.class);

    final AtChannel at;
    final NordicNetwork network;
    final NordicSockets sockets;
    final ModemIdentity identity;
    private final String apn;
    private volatile RegistrationState registration;

    NordicModemState(AtChannel at, NordicNetwork network, ModemIdentity identity, String apn,
            RegistrationState registration) {
        this.at = at;
        this.network = network;
        this.identity = identity;
        this.apn = apn;
        this.registration = registration;
        this.sockets = new NordicSockets(at, identity);
    }

    RegistrationState registration() {
        return registration;
    }

    void registration(RegistrationState state) {
        if (state != registration) {
            LOG.info("{}: network registration {} -> {}", at.portName(), registration, state);
            registration = state;
        }
    }

    /**
     * Runs {@code work} with the radio off: from CFUN 1 (or 2, 21) the modem goes to {@code AT+CFUN=4}, which closes
     * every socket (their users are told why), and afterwards back to {@code AT+CFUN=1}, registration and the default
     * PDN. A modem already offline stays as it is. The work's failure wins over a failure to come back, which is
     * attached to it.
     */
    synchronized void whileOffline(String why, Work work) throws ModemException {
        int mode = network.mode();
        boolean online = !NordicNetwork.offlineEnough(mode);
        if (online) {
            LOG.info("{}: going offline (AT+CFUN=4) to {}; open connections close and reconnect afterwards",
                    at.portName(), why);
            sockets.suspend("The modem went offline (AT+CFUN=4) to " + why + ": its connections were closed.");
            try {
                network.setMode(4, why);
            } catch (ModemException e) {
                sockets.resume(); // still online: new connections may open again
                throw e;
            }
            registration(RegistrationState.NOT_REGISTERED);
        }
        ModemException failure = null;
        try {
            work.run();
        } catch (ModemException e) {
            failure = e;
        }
        if (online) {
            try {
                network.setMode(1, "come back online");
                registration(network.awaitRegistration());
                NordicSlmDialect.activatePdn(at, apn);
                sockets.resume();
                LOG.info("{}: back online after going offline to {}", at.portName(), why);
            } catch (ModemException e) {
                if (failure != null) {
                    failure.addSuppressed(e);
                } else {
                    failure = new ModemException("The modem went offline to " + why + " and did not come back "
                            + "online: " + e.getMessage(), e.rawText(), e.dialectCode(), e.fix(), e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
