package io.uplink.modem.sierra;

import java.io.File;
import java.time.Duration;
import java.util.Locale;

import io.uplink.modem.AtChannel;
import io.uplink.modem.AtCommand;
import io.uplink.modem.AtResponse;
import io.uplink.modem.Modem;
import io.uplink.modem.ModemDialect;
import io.uplink.modem.ModemException;
import io.uplink.modem.ModemIdentity;
import io.uplink.modem.ModemSettings;
import io.uplink.modem.RegistrationState;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sierra Wireless AirPrime HL78xx (HL7800, HL7802, HL7810, HL7812, HL7845, ...): setup ({@code ATE0},
 * {@code AT+CMEE=1}, {@code AT+KPATTERN}, {@code AT&K3}), SIM, radio on ({@code AT+CFUN=1}), the APN for both the
 * network attach ({@code AT+CGDCONT}) and the socket commands ({@code AT+KCNXCFG}), registration ({@code +CEREG}), then
 * TCP sessions through {@link SierraSocketTransport} and the module's own TLS through {@link SierraTls}.
 *
 * <p>Settings ({@link ModemSettings#extra()}): {@code registration.timeout.s} (default 180); {@code flow.control}
 * {@code hardware} or {@code rts-cts} (default: {@code AT&K3}, as the manual recommends for every data phase) or
 * {@code none} ({@code AT&K0}, for a three-wire UART, where long data phases may lose bytes). This is the module's
 * side; the gateway's side of the port is the modem configuration's own {@code flow.control}.
 */
@Component(property = ModemDialect.FAMILY + "=" + SierraHl78Dialect.FAMILY_NAME,
        configurationPolicy = ConfigurationPolicy.IGNORE)
public final class SierraHl78Dialect implements ModemDialect {

    static final String FAMILY_NAME = "sierra-hl78xx";
    private static final Logger LOG = LoggerFactory.getLogger(SierraHl78Dialect.class);

    private final SierraCredentialLedger ledger;

    /** Outside a framework: the record of credential uploads is kept in memory only. */
    public SierraHl78Dialect() {
        this(new SierraCredentialLedger(null));
    }

    SierraHl78Dialect(SierraCredentialLedger ledger) {
        this.ledger = ledger;
    }

    /** In the framework: the record of credential uploads survives restarts in the bundle's data area. */
    @Activate
    public SierraHl78Dialect(BundleContext context) {
        this(new SierraCredentialLedger(dataFile(context)));
    }

    private static java.nio.file.Path dataFile(BundleContext context) {
        File f = context.getDataFile("credential-ledger.properties");
        return f == null ? null : f.toPath();
    }

    @Override
    public String family() {
        return FAMILY_NAME;
    }

    /**
     * An HL78 model in what {@code ATI}, {@code AT+CGMI} or {@code AT+CGMM} said (the HL78xx's {@code ATI} names only
     * the model, so the manufacturer field may hold it too). Other Sierra families (HL75xx, the BX310x Wi-Fi modules,
     * the EM/MC cards) speak other dialects.
     */
    @Override
    public boolean matches(ModemIdentity identity) {
        String m = identity.model().toUpperCase(Locale.ROOT).trim();
        String maker = identity.manufacturer().toUpperCase(Locale.ROOT).trim();
        return m.startsWith("HL78") || m.startsWith("BHL78") || maker.startsWith("HL78")
                || maker.contains("SIERRA") && m.contains("HL78");
    }

    @Override
    public Modem attach(AtChannel at, ModemIdentity identity, ModemSettings settings) throws ModemException {
        int cid = settings.pdpContext() <= 0 ? 1 : settings.pdpContext();
        SierraAttach steps = new SierraAttach(at, identity, settings);
        steps.setup();
        steps.unlockSim();
        steps.radioOn();
        steps.configureApn(cid);
        RegistrationState state = steps.awaitRegistration();
        LOG.info("{} attached on {}: {}, connection configuration {} (APN '{}')", identity, at.portName(), state, cid,
                settings.apn());
        return new SierraModem(at, identity, cid, state, ledger);
    }

    static AtResponse check(AtChannel at, String cmd, String what, Duration timeout) throws ModemException {
        AtResponse r = at.execute(AtCommand.of(cmd).withTimeout(timeout));
        if (!r.isOk()) {
            throw new ModemException("The modem refused to " + what + " (" + cmd + ": " + r.result().text() + ").",
                    r.result().text(), String.valueOf(r.result().code()), "Check this is a Sierra Wireless HL78xx "
                            + "module on its AT port; power-cycle it.");
        }
        return r;
    }
}
