package io.uplink.modem.quectel;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.uplink.credentials.PemStyle;
import io.uplink.modem.AtChannel;
import io.uplink.modem.AtCommand;
import io.uplink.modem.AtResponse;
import io.uplink.modem.CredentialKind;
import io.uplink.modem.ModemCredentials;
import io.uplink.modem.ModemException;
import io.uplink.modem.ModemIdentity;
import io.uplink.modem.ModemTls;
import io.uplink.modem.ModemTlsCapabilities;
import io.uplink.modem.ModemTlsProfile;
import io.uplink.modem.ModemTlsProfile.Verification;
import io.uplink.modem.ProvisioningListener;
import io.uplink.modem.ProvisioningReport;
import io.uplink.modem.ProvisioningReport.Item;
import io.uplink.modem.ProvisioningReport.Outcome;
import io.uplink.modem.StoredCredential;
import io.uplink.transport.Connection;
import io.uplink.transport.TransportException;
import io.uplink.transport.TransportException.Reason;

/**
 * The BC66/BC660K's own TLS, from the BC660K-GL SSL application note V1.1: one SSL context (0, connection 0) with one
 * slot each for the CA certificate, the client certificate and the client key, uploaded inline
 * ({@code AT+QSSLCFG=0,0,"cacert"}, {@code >}, the PEM, Ctrl+Z, {@code +QSSLCFG: 0,0,"cacert",<bytes stored>}).
 * Certificates survive a reboot; every other setting is applied before each open. TLS 1.0-1.2 with
 * TLS_RSA_WITH_AES_128_CBC_SHA, TLS_RSA_WITH_AES_256_CBC_SHA and TLS_RSA_WITH_3DES_EDE_CBC_SHA only: no ECDHE, no GCM.
 *
 * <p>What can be verified: the module reports how many bytes each slot holds, nothing more. An upload is checked by
 * that count against the bytes sent; "unchanged" needs the same count and this gateway's record of having uploaded
 * exactly these bytes to this module. A same-length change by another tool cannot be seen.
 *
 * <p>Thread-safe: AT traffic is serialized by the channel; the upload record is concurrent.
 */
final class Bc66Tls implements ModemTls {

    static final List<Integer> SUITES = List.of(0x002F, 0x0035, 0x000A);
    private static final Map<CredentialKind, String> ITEM = Map.of(CredentialKind.CA_CERTIFICATES, "cacert",
            CredentialKind.CLIENT_CERTIFICATE, "clientcert", CredentialKind.PRIVATE_KEY, "clientkey");

    private final AtChannel at;
    private final ModemIdentity identity;
    private final Bc66SocketTransport sockets;
    private final Bc66UploadRecord record;
    private final String module;
    private volatile Boolean sniItem;
    private volatile boolean hostCheckWarned;

    Bc66Tls(AtChannel at, ModemIdentity identity, Bc66SocketTransport sockets, Bc66UploadRecord record) {
        this.at = at;
        this.identity = identity;
        this.sockets = sockets;
        this.record = record;
        this.module = identity.imei().isEmpty() ? "port " + at.portName() : "IMEI " + identity.imei();
    }

    @Override
    public ModemTlsCapabilities capabilities() {
        return new ModemTlsCapabilities(Set.of("TLSv1", "TLSv1.1", "TLSv1.2"), SUITES, Boolean.TRUE.equals(sniItem),
                0, Set.of(), 1);
    }

    @Override
    public PemStyle pemStyle() {
        return new PemStyle(false, 64, false);
    }

    static String item(CredentialKind kind) {
        return ITEM.get(kind);
    }

    // --- provisioning -----------------------------------------------------------------------------------------------

    @Override
    public ProvisioningReport provision(ModemCredentials credentials, ProvisioningListener progress)
            throws ModemException {
        for (CredentialKind kind : CredentialKind.values()) {
            byte[] data = credentials.part(kind);
            if (data != null) {
                checkUploadable(credentials.name(), kind, data);
            }
        }
        Map<CredentialKind, Long> counts = storedCounts();
        List<Item> items = new ArrayList<>();
        long sent = 0;
        for (CredentialKind kind : CredentialKind.values()) {
            byte[] data = credentials.part(kind);
            if (data == null) {
                continue;
            }
            String sha = Bc66UploadRecord.sha256(data);
            Bc66UploadRecord.Upload last = record.get(module, kind);
            long count = counts.getOrDefault(kind, -1L);
            String location = "SSL context 0/0 \"" + item(kind) + "\"";
            progress.progress(kind, 0, data.length, "comparing");
            if (last != null && last.sha256().equals(sha) && count == data.length) {
                progress.progress(kind, data.length, data.length, "unchanged");
                items.add(new Item(kind, location, data.length, Outcome.UNCHANGED, "the module reports " + count
                        + " bytes stored (AT+QSSLCFG=0,0) and this gateway uploaded exactly these " + data.length
                        + " bytes (SHA-256 " + sha.substring(0, 16) + "...) to " + module + " at " + last.when()
                        + "; nothing sent. The module cannot show a slot's content: a change of the same length made "
                        + "by another tool would not be seen"));
                continue;
            }
            progress.progress(kind, 0, data.length, "uploading");
            long stored = upload(kind, data);
            record.put(module, kind, new Bc66UploadRecord.Upload(credentials.name(), sha, data.length, Instant.now()));
            progress.progress(kind, data.length, data.length, "uploaded");
            sent += data.length;
            items.add(new Item(kind, location, data.length, Outcome.UPLOADED, "the module reports " + stored
                    + " bytes stored, the " + data.length + " bytes sent; it cannot show the content, so only the "
                    + "count is verified"));
        }
        return new ProvisioningReport(credentials.name(), items, sent);
    }

    /** PEM text only: Ctrl+Z ends the upload and ESC cancels it, so neither may be in the content. */
    private void checkUploadable(String set, CredentialKind kind, byte[] data) throws ModemException {
        for (int i = 0; i < data.length; i++) {
            if (data[i] == 0x1A || data[i] == 0x1B || data[i] == 0) {
                throw new ModemException("The " + describe(kind) + " of '" + set + "' holds the byte 0x"
                        + String.format("%02X", data[i]) + " at " + i + "; the " + identity.model() + " takes PEM "
                        + "text ended by Ctrl+Z (0x1A), and ESC (0x1B) cancels, so it cannot be uploaded.", "",
                        item(kind), "Give the certificate or key as PEM text (bin/uplink creds check shows what "
                                + "the file holds).");
            }
        }
        if (data.length == 0) {
            throw new ModemException("The " + describe(kind) + " of '" + set + "' is empty.", "", item(kind),
                    "Give the PEM file's content.");
        }
    }

    private long upload(CredentialKind kind, byte[] data) throws ModemException {
        byte[] payload = java.util.Arrays.copyOf(data, data.length + 1);
        payload[data.length] = 0x1A;
        AtCommand c = AtCommand.of(Bc66Commands.sslConfig(item(kind), null)).withPayload(">", payload)
                .withTimeout(Duration.ofSeconds(30 + data.length / 100));
        if (kind == CredentialKind.PRIVATE_KEY) {
            c = c.sensitive();
        }
        AtResponse r = at.execute(c);
        String line = r.line("+QSSLCFG:");
        long stored = line == null ? -1 : Bc66Urcs.storedBytes(line, item(kind));
        if (!r.isOk() || stored != data.length) {
            record.forget(module, kind);
            String said = !r.isOk() ? r.result().text() : line == null ? "no +QSSLCFG line" : cut(line);
            String what = !r.isOk() ? "refused the " + describe(kind) : stored == 0 ? "stored nothing of the "
                    + describe(kind) : stored < 0 ? "did not say how much of the " + describe(kind) + " it stored"
                            : "stored " + stored + " bytes of the " + data.length + "-byte " + describe(kind);
            throw new ModemException("The " + identity.model() + " " + what + " (" + said + "); the slot cannot be "
                    + "trusted until it is uploaded again.", said, item(kind), stored == 0 || !r.isOk()
                            ? "Check it is one PEM block with LF line ends (bin/uplink creds check); then provision "
                                    + "again." : "Provision again; if the count differs again, the serial line "
                                            + "loses bytes: lower the baud rate or enable flow control.");
        }
        return stored;
    }

    /** The byte count of each slot from {@code AT+QSSLCFG=0,0}; empty when the module does not answer the query. */
    private Map<CredentialKind, Long> storedCounts() throws ModemException {
        Map<CredentialKind, Long> counts = new EnumMap<>(CredentialKind.class);
        AtResponse r = at.execute(AtCommand.of(Bc66Commands.sslQuery()));
        if (!r.isOk()) {
            return counts;
        }
        for (String l : r.lines()) {
            for (CredentialKind kind : CredentialKind.values()) {
                long n = Bc66Urcs.storedBytes(l, item(kind));
                if (n >= 0) {
                    counts.put(kind, n);
                }
            }
        }
        return counts;
    }

    @Override
    public List<StoredCredential> stored() throws ModemException {
        List<StoredCredential> out = new ArrayList<>();
        for (Map.Entry<CredentialKind, Long> e : storedCounts().entrySet()) {
            if (e.getValue() <= 0) {
                continue;
            }
            Bc66UploadRecord.Upload last = record.get(module, e.getKey());
            boolean known = last != null && last.bytes() == e.getValue();
            out.add(new StoredCredential(known ? last.set() : "unknown", e.getKey(), "SSL context 0/0 \""
                    + item(e.getKey()) + "\"", e.getValue(), known ? "sha256:" + last.sha256() + " (as uploaded by "
                            + "this gateway)" : ""));
        }
        return out;
    }

    /**
     * The SSL note documents no command that deletes a stored certificate: a set this gateway knows to be stored
     * cannot be removed, only replaced by the next provisioning.
     */
    @Override
    public boolean remove(String name) throws ModemException {
        boolean any = false;
        for (CredentialKind kind : CredentialKind.values()) {
            Bc66UploadRecord.Upload last = record.get(module, kind);
            any |= last != null && last.set().equals(name);
        }
        if (!any) {
            return false;
        }
        throw new ModemException("The " + identity.model() + " cannot delete '" + name + "': the BC660K-GL SSL "
                + "application note has no command that removes a stored certificate or key, and they survive a "
                + "reboot.", "", "remove", "Provision another set to replace it; with seclevel 0 the module uses no "
                        + "certificate at all.");
    }

    // --- sessions ---------------------------------------------------------------------------------------------------

    @Override
    public Connection connect(String host, int port, Duration timeout, ModemTlsProfile profile)
            throws TransportException {
        Bc66SocketTransport.checkEndpoint(host, port);
        if (profile.serverName() != null && !profile.serverName().equalsIgnoreCase(host)) {
            throw new TransportException(Reason.INVALID_REQUEST, "The " + identity.model() + " connects by host name "
                    + "only, so it cannot connect to " + host + " naming " + profile.serverName() + ".", "Connect to "
                            + profile.serverName() + " itself, or use host TLS (tls.mode=host), where the server name "
                            + "is set apart from the address.");
        }
        String version = version(profile);
        if (!profile.cipherSuites().isEmpty() && profile.cipherSuites().stream().noneMatch(SUITES::contains)) {
            throw new TransportException(Reason.INVALID_REQUEST, "The " + identity.model() + "'s TLS offers only "
                    + "TLS_RSA_WITH_AES_128_CBC_SHA, TLS_RSA_WITH_AES_256_CBC_SHA and TLS_RSA_WITH_3DES_EDE_CBC_SHA; "
                    + "none of the requested suites.", "Use host TLS (tls.mode=host) for ECDHE or AES-GCM suites.");
        }
        try {
            checkSlots(profile);
            List<String> lines = new ArrayList<>();
            lines.add(Bc66Commands.sslConfig("seclevel", switch (profile.verification()) {
            case NONE -> "0";
            case SERVER -> "1";
            case MUTUAL -> "2";
            }));
            lines.add(Bc66Commands.sslConfig("sslversion", version));
            lines.add(Bc66Commands.sslConfig("dataformat", "1,1"));
            long seconds = Math.max(10, Math.min(300, profile.handshakeTimeout().toSeconds()));
            lines.add(Bc66Commands.sslConfig("timeout", String.valueOf(seconds)));
            for (String line : lines) {
                apply(line);
            }
            if (profile.serverName() != null && sniItem()) {
                apply(Bc66Commands.sslConfig("sni", "1"));
            }
        } catch (ModemException e) {
            throw new TransportException(Reason.TRANSPORT_GONE, "Configuring the module's TLS failed: "
                    + e.getMessage(), e.fix(), e.rawText(), e);
        }
        if (profile.checkHostName() && profile.serverName() != null && !hostCheckWarned) {
            hostCheckWarned = true;
            Bc66Modem.LOG.warn("{}: the {}'s SSL note documents no host name check: it may not check that the "
                    + "server's certificate names {}; use host TLS where that matters", at.portName(),
                    identity.model(), profile.serverName());
        }
        // The module gives the handshake up to "timeout" seconds after the TCP connection.
        return sockets.connectTls(host, port, timeout.plus(Duration.ofSeconds(seconds(profile))));
    }

    private void apply(String line) throws ModemException, TransportException {
        AtResponse r = at.execute(AtCommand.of(line));
        if (!r.isOk()) {
            throw new TransportException(Reason.INVALID_REQUEST, "The module refused the TLS setting " + line + " ("
                    + r.result().text() + ").", "Restart the module if every setting is refused.", r.result().text(),
                    null);
        }
    }

    private static long seconds(ModemTlsProfile p) {
        return Math.max(10, Math.min(300, p.handshakeTimeout().toSeconds()));
    }

    /** {@code "sslversion"}: 1 TLS 1.0, 2 TLS 1.1, 3 TLS 1.2, 4 all. */
    static String version(ModemTlsProfile p) throws TransportException {
        Set<String> v = p.versions();
        if (v.isEmpty()) {
            return "4";
        }
        List<String> known = new ArrayList<>();
        for (String s : List.of("TLSv1", "TLSv1.1", "TLSv1.2")) {
            if (v.contains(s)) {
                known.add(s);
            }
        }
        if (known.isEmpty()) {
            throw new TransportException(Reason.INVALID_REQUEST, "The module's TLS offers TLS 1.0, 1.1 and 1.2, not "
                    + v + ".", "Use host TLS (tls.mode=host) for TLS 1.3.");
        }
        if (known.size() == 1) {
            return switch (known.get(0)) {
            case "TLSv1" -> "1";
            case "TLSv1.1" -> "2";
            default -> "3";
            };
        }
        return known.contains("TLSv1.2") && known.size() < 3 ? "3" : "4";
    }

    /** The slots the profile needs must hold something, and, where this gateway knows, the profile's sets. */
    private void checkSlots(ModemTlsProfile p) throws ModemException, TransportException {
        if (p.verification() == Verification.NONE) {
            return;
        }
        Map<CredentialKind, Long> counts = storedCounts();
        List<CredentialKind> needed = p.verification() == Verification.MUTUAL ? List.of(CredentialKind.values())
                : List.of(CredentialKind.CA_CERTIFICATES);
        for (CredentialKind kind : needed) {
            String set = kind == CredentialKind.CA_CERTIFICATES ? p.trustSet() : p.identitySet();
            if (counts.containsKey(kind) && counts.get(kind) == 0) {
                throw new TransportException(Reason.INVALID_REQUEST, "The " + identity.model() + " holds no "
                        + describe(kind) + " (AT+QSSLCFG=0,0 reports 0 bytes); the handshake would fail.",
                        "Provision '" + set + "' first (uplink modem provision).");
            }
            Bc66UploadRecord.Upload last = record.get(module, kind);
            if (last != null && !last.set().equals(set)) {
                throw new TransportException(Reason.INVALID_REQUEST, "The " + identity.model() + "'s one "
                        + describe(kind) + " slot holds '" + last.set() + "', not '" + set + "'.", "Provision '" + set
                                + "' (it replaces '" + last.set() + "').");
            }
        }
    }

    /** Whether this firmware has the {@code "sni"} item ({@code AT+QSSLCFG=?} lists it); the SSL note V1.1 has none. */
    private boolean sniItem() throws ModemException {
        Boolean known = sniItem;
        if (known == null) {
            AtResponse r = at.execute(AtCommand.of("AT+QSSLCFG=?"));
            known = r.isOk() && r.lines().stream().anyMatch(l -> l.contains("\"sni\""));
            sniItem = known;
        }
        return known;
    }

    private static String describe(CredentialKind kind) {
        return switch (kind) {
        case CA_CERTIFICATES -> "CA certificate";
        case CLIENT_CERTIFICATE -> "client certificate";
        case PRIVATE_KEY -> "private key";
        };
    }

    private static String cut(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "...";
    }
}
