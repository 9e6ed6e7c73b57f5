package io.uplink.modem.quectel;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

import io.uplink.modem.AtChannel;
import io.uplink.modem.AtCommand;
import io.uplink.modem.AtResponse;
import io.uplink.modem.CredentialKind;
import io.uplink.modem.ModemException;
import io.uplink.modem.ModemTlsProfile;
import io.uplink.modem.ModemTlsProfile.Verification;
import io.uplink.transport.TransportException;
import io.uplink.transport.TransportException.Reason;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a {@link ModemTlsProfile} into one SSL context with {@code AT+QSSLCFG}, every item every time: the module
 * forgets them at reboot, and its defaults are not safe ({@code sni} 0, {@code ignorelocaltime} 1 [O]). Dates are
 * checked only once the module's clock agrees with the gateway's ({@code AT+CCLK}).
 */
final class QuectelSslSettings {

    private static final Logger LOG = LoggerFactory.getLogger(QuectelSslSettings.class);
    private static final DateTimeFormatter CCLK = DateTimeFormatter.ofPattern("yy/MM/dd,HH:mm:ss");
    private static final Duration CLOCK_TOLERANCE = Duration.ofMinutes(5);

    private final AtChannel at;
    private volatile boolean clockWarned;
    private volatile boolean checkHostWarned;

    QuectelSslSettings(AtChannel at) {
        this.at = at;
    }

    /** The {@code AT+QSSLCFG} lines for a profile, in order (plain logic, unit-tested). */
    static List<String> lines(int ctx, ModemTlsProfile p, boolean checkDates,
            BiFunction<String, CredentialKind, String> file) {
        List<String> l = new ArrayList<>();
        l.add(QuectelCommands.sslConfig("sslversion", ctx, version(p)));
        l.add(QuectelCommands.sslConfig("ciphersuite", ctx, suite(p)));
        int level = switch (p.verification()) {
        case NONE -> 0;
        case SERVER -> 1;
        case MUTUAL -> 2;
        };
        l.add(QuectelCommands.sslConfig("seclevel", ctx, String.valueOf(level)));
        if (p.verification() != Verification.NONE) {
            l.add(QuectelCommands.sslConfig("cacert", ctx, quoted(file.apply(p.trustSet(),
                    CredentialKind.CA_CERTIFICATES))));
        }
        if (p.verification() == Verification.MUTUAL) {
            l.add(QuectelCommands.sslConfig("clientcert", ctx, quoted(file.apply(p.identitySet(),
                    CredentialKind.CLIENT_CERTIFICATE))));
            l.add(QuectelCommands.sslConfig("clientkey", ctx, quoted(file.apply(p.identitySet(),
                    CredentialKind.PRIVATE_KEY))));
        }
        l.add(QuectelCommands.sslConfig("ignorelocaltime", ctx, checkDates ? "0" : "1"));
        long seconds = Math.max(10, Math.min(300, p.handshakeTimeout().toSeconds()));
        l.add(QuectelCommands.sslConfig("negotiatetime", ctx, String.valueOf(seconds)));
        l.add(QuectelCommands.sslConfig("sni", ctx, p.serverName() != null ? "1" : "0"));
        return l;
    }

    private static String version(ModemTlsProfile p) {
        if (p.versions().size() == 1) {
            return switch (p.versions().iterator().next()) {
            case "TLSv1" -> "1";
            case "TLSv1.1" -> "2";
            case "TLSv1.2" -> "3";
            default -> throw new IllegalArgumentException("the module offers TLSv1, TLSv1.1 and TLSv1.2, not "
                    + p.versions());
            };
        }
        return p.versions().isEmpty() || p.versions().size() == 3 ? "4" : "3";
    }

    /** The module takes one suite or all ({@code 0XFFFF}). */
    private static String suite(ModemTlsProfile p) {
        return p.cipherSuites().size() == 1 ? String.format("0X%04X", p.cipherSuites().get(0)) : "0XFFFF";
    }

    private static String quoted(String s) {
        return "\"" + s + "\"";
    }

    void apply(int ctx, ModemTlsProfile profile, BiFunction<String, CredentialKind, String> file)
            throws TransportException {
        boolean dates = profile.checkDates() && clockAgrees();
        List<String> all = new ArrayList<>(lines(ctx, profile, dates, file));
        for (String line : all) {
            AtResponse r = execute(line);
            if (!r.isOk()) {
                throw new TransportException(Reason.INVALID_REQUEST, "The module refused the TLS setting " + line
                        + " (" + r.result().text() + ").", "Check the stored credentials ('uplink modem info') "
                                + "and provision them again; restart the module if every setting is refused.",
                        r.result().text(), null);
            }
        }
        if (profile.checkHostName() && profile.serverName() != null) {
            AtResponse r = execute(QuectelCommands.sslConfig("checkhost", ctx, "1"));
            if (!r.isOk() && !checkHostWarned) {
                checkHostWarned = true;
                LOG.warn("{}: the module does not take AT+QSSLCFG=\"checkhost\" ({}): it may not check that the "
                        + "server's certificate names {}; use host TLS where that matters", at.portName(),
                        r.result().text(), profile.serverName());
            }
        }
    }

    private AtResponse execute(String line) throws TransportException {
        try {
            return at.execute(AtCommand.of(line));
        } catch (ModemException e) {
            throw new TransportException(Reason.TRANSPORT_GONE, "Configuring the module's TLS failed: "
                    + e.getMessage(), e.fix(), e.rawText(), e);
        }
    }

    /**
     * Whether the module's clock is right (set from the gateway's clock when it is not), so that it may check
     * certificate dates; when the clock can be neither read nor set, dates are left unchecked, with a warning.
     */
    private boolean clockAgrees() throws TransportException {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        try {
            AtResponse r = at.execute(AtCommand.of("AT+CCLK?"));
            OffsetDateTime module = r.isOk() ? parseClock(r.line("+CCLK:")) : null;
            if (module != null && Duration.between(module, now).abs().compareTo(CLOCK_TOLERANCE) < 0) {
                return true;
            }
            AtResponse set = at.execute(AtCommand.of("AT+CCLK=\"" + CCLK.format(now) + "+00\""));
            if (set.isOk()) {
                LOG.info("{}: set the module's clock to the gateway's ({} UTC; it said {})", at.portName(),
                        CCLK.format(now), module);
                return true;
            }
        } catch (ModemException e) {
            throw new TransportException(Reason.TRANSPORT_GONE, "Reading the module's clock failed: "
                    + e.getMessage(), e.fix(), e.rawText(), e);
        }
        if (!clockWarned) {
            clockWarned = true;
            LOG.warn("{}: the module's clock can be neither read nor set (AT+CCLK): it will not check certificate "
                    + "dates, so an expired server certificate passes. Use host TLS where that matters.",
                    at.portName());
        }
        return false;
    }

    /** {@code +CCLK: "yy/MM/dd,hh:mm:ss±zz"} (zz in quarter hours), or {@code null}. */
    static OffsetDateTime parseClock(String line) {
        if (line == null) {
            return null;
        }
        String v = line.substring(line.indexOf(':') + 1).trim().replace("\"", "");
        if (v.length() < 17) {
            return null;
        }
        try {
            int quarters = v.length() > 17 ? Integer.parseInt(v.substring(17).replace("+", "")) : 0;
            java.time.LocalDateTime t = java.time.LocalDateTime.parse(v.substring(0, 17), CCLK);
            if (t.getYear() >= 2070) {
                t = t.minusYears(100); // two-digit years: a module after power-on says 80/01/06, i.e. 1980
            }
            return t.atOffset(ZoneOffset.ofTotalSeconds(quarters * 15 * 60));
        } catch (NumberFormatException | java.time.DateTimeException e) {
            return null;
        }
    }
}
