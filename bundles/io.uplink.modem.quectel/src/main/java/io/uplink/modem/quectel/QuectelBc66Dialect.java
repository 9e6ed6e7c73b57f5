package io.uplink.modem.quectel;

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

/**
 * Quectel BC66, BC660K-GL and BC950K-GL (NB-IoT): a family of its own beside the BG95's. How it differs: the APN is
 * the default PDN set with {@code AT+QCGDEFCONT} while the radio is off ({@code AT+CFUN=0}), not a context activated
 * with {@code AT+QIACT}; sockets are IDs 0-4 on context 0 with data as hex in the command and in the URC; TLS is one
 * SSL context addressed context first, certificates uploaded inline, RSA key exchange only.
 *
 * <p>{@code ATI} says {@code Quectel_Ltd / Quectel_BC660K-GL / Revision: BC660KGLAAR01A05} (BC66:
 * {@code Quectel_BC66});
 * the serial bundle's identification makes that manufacturer {@code Quectel}, model {@code BC660K-GL}.
 *
 * <p>Settings ({@link ModemSettings#extra()}): {@code registration.timeout.s} (default 180), {@code bc66.receive}
 * {@code push} (default: data in the URC, no round trip) or {@code buffer} (the module keeps data until
 * {@code AT+QIRD}).
 */
@Component(property = ModemDialect.FAMILY + "=" + QuectelBc66Dialect.FAMILY_NAME,
        configurationPolicy = ConfigurationPolicy.IGNORE)
public final class QuectelBc66Dialect implements ModemDialect {

    static final String FAMILY_NAME = "quectel-bc66";

    /** Outlives each attach: what was uploaded into which module's certificate slots. */
    private final Bc66UploadRecord uploads;

    /** Outside a framework: the record of certificate uploads is kept in memory only. */
    public QuectelBc66Dialect() {
        this(new Bc66UploadRecord());
    }

    QuectelBc66Dialect(Bc66UploadRecord uploads) {
        this.uploads = uploads;
    }

    /** In the framework: the record of certificate uploads survives restarts in the bundle's data area. */
    @Activate
    public QuectelBc66Dialect(BundleContext context) {
        this(new Bc66UploadRecord(dataFile(context)));
    }

    private static java.nio.file.Path dataFile(BundleContext context) {
        java.io.File f = context.getDataFile("bc66-certificate-uploads.properties");
        return f == null ? null : f.toPath();
    }

    @Override
    public String family() {
        return FAMILY_NAME;
    }

    @Override
    public boolean matches(ModemIdentity identity) {
        String model = identity.model().toUpperCase(Locale.ROOT).replaceFirst("^QUECTEL_", "");
        return identity.manufacturer().toLowerCase(Locale.ROOT).startsWith("quectel")
                && (model.startsWith("BC66") || model.startsWith("BC660K") || model.startsWith("BC950K"));
    }

    @Override
    public Modem attach(AtChannel at, ModemIdentity identity, ModemSettings settings) throws ModemException {
        check(at, AtCommand.of("ATE0"), "turn echo off");
        check(at, AtCommand.of("AT+CMEE=1"), "enable numeric error codes");
        setApn(at, settings);
        radioOn(at);
        QuectelBg9xDialect.unlockSim(at, settings);
        RegistrationState state = QuectelBg9xDialect.awaitRegistration(at, settings);
        packetAttach(at);
        check(at, AtCommand.of("AT+QICFG=\"dataformat\",1,1"), "carry socket data as hex (AT+QICFG=\"dataformat\")");
        boolean push = !"buffer".equalsIgnoreCase(settings.extra().getOrDefault("bc66.receive", "push").trim());
        Bc66Modem.LOG.info("{} attached on {}: {}, APN '{}', {} receive", identity, at.portName(), state,
                settings.apn(), push ? "push" : "buffer");
        return new Bc66Modem(at, identity, state, push, uploads);
    }

    /**
     * The APN is the default PDN's ({@code AT+QCGDEFCONT="IP","apn"[,"user","password"]}), used at the next attach:
     * changed only when it differs, with the radio off around it.
     */
    private static void setApn(AtChannel at, ModemSettings s) throws ModemException {
        if (s.apn().isEmpty()) {
            return; // the network's default
        }
        AtResponse now = at.execute(AtCommand.of("AT+QCGDEFCONT?"));
        String line = now.isOk() ? now.line("+QCGDEFCONT:") : null;
        java.util.List<String> f = Bc66Urcs.fields(line, "+QCGDEFCONT:");
        if (f != null && f.size() > 1 && s.apn().equalsIgnoreCase(Bc66Urcs.unquote(f.get(1)))) {
            return;
        }
        check(at, AtCommand.of("AT+CFUN=0").withTimeout(Bc66Commands.CFUN_TIMEOUT), "switch the radio off to set "
                + "the APN (AT+CFUN=0)");
        String creds = s.apnUser().isEmpty() ? "" : ",\"" + s.apnUser() + "\",\"" + s.apnPassword() + "\"";
        AtResponse r = at.execute(AtCommand.of("AT+QCGDEFCONT=\"IP\",\"" + s.apn() + "\"" + creds).sensitive());
        if (!r.isOk()) {
            throw new ModemException("The modem refused the APN settings (" + r.result().text() + ").",
                    r.result().text(), "QCGDEFCONT", "Check the APN name: letters, digits, dots and dashes only.");
        }
    }

    private static void radioOn(AtChannel at) throws ModemException {
        AtResponse r = at.execute(AtCommand.of("AT+CFUN?"));
        String line = r.isOk() ? r.line("+CFUN:") : null;
        if (line != null && line.substring(6).trim().startsWith("1")) {
            return;
        }
        check(at, AtCommand.of("AT+CFUN=1").withTimeout(Bc66Commands.CFUN_TIMEOUT), "switch the radio on (AT+CFUN=1)");
    }

    /** NB-IoT attaches the default PDN with registration; a module still detached is asked once. */
    private static void packetAttach(AtChannel at) throws ModemException {
        AtResponse r = at.execute(AtCommand.of("AT+CGATT?"));
        String line = r.isOk() ? r.line("+CGATT:") : null;
        if (line == null || line.substring(7).trim().startsWith("1")) {
            return;
        }
        AtResponse attach = at.execute(AtCommand.of("AT+CGATT=1").withTimeout(Bc66Commands.CFUN_TIMEOUT));
        if (!attach.isOk()) {
            throw new ModemException("Registered, but the data connection (packet domain attach) does not come up ("
                    + attach.result().text() + ").", attach.result().text(), String.valueOf(attach.result().code()),
                    "Check the APN and that the SIM has an NB-IoT data plan.");
        }
    }

    private static void check(AtChannel at, AtCommand c, String what) throws ModemException {
        AtResponse r = at.execute(c);
        if (!r.isOk()) {
            throw new ModemException("The modem refused to " + what + " (" + c + ": " + r.result().text() + ").",
                    r.result().text(), String.valueOf(r.result().code()), "Check this is a Quectel BC66/BC660K "
                            + "module on its main UART; power-cycle it.");
        }
    }
}
