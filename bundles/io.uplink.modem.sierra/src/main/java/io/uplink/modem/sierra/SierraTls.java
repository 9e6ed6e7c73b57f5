package io.uplink.modem.sierra;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import io.uplink.credentials.PemStyle;
import io.uplink.modem.AtChannel;
import io.uplink.modem.CredentialKind;
import io.uplink.modem.ModemCredentials;
import io.uplink.modem.ModemException;
import io.uplink.modem.ModemIdentity;
import io.uplink.modem.ModemTls;
import io.uplink.modem.ModemTlsCapabilities;
import io.uplink.modem.ModemTlsProfile;
import io.uplink.modem.ProvisioningListener;
import io.uplink.modem.ProvisioningReport;
import io.uplink.modem.ProvisioningReport.Item;
import io.uplink.modem.ProvisioningReport.Outcome;
import io.uplink.modem.StoredCredential;
import io.uplink.transport.Connection;
import io.uplink.transport.TransportException;
import io.uplink.transport.TransportException.Reason;

/**
 * The HL78xx's own TLS: one credential set at a time in the module's index-0 slots (CA at {@code root_cert,0},
 * client certificate at {@code local_cert,0}, key at {@code private_key,0}), and TLS sessions through
 * {@code AT+KTCPCFG} type 3 with a {@code +KSSLCRYPTO} profile written before every open.
 *
 * <p>Provisioning compares before it uploads and verifies after: the module lists byte counts (and, on some firmware,
 * the PEM); it names no set and shows no checksum, so identical content is told apart by the gateway's
 * {@link SierraCredentialLedger record} of what it stored, and each report says which check was made.
 *
 * <p>Thread-safe: provisioning and opens are serialised on this object (the profile written must be the one the open
 * uses); AT traffic is serialised by the channel.
 */
final class SierraTls implements ModemTls {

    /** The +KSSLCRYPTO profile Uplink writes before every TLS open (profiles 0-7 on firmware 4.6). */
    static final int PROFILE = 1;

    /** Firmware 4.6's suites, in its default profile order (Sierra's SSL test): IANA code to KSSLCRYPTO fields. */
    static final Map<Integer, int[]> SUITES = suites();

    private final AtChannel at;
    private final int cid;
    private final ModemIdentity identity;
    private final SierraSocketTransport sockets;
    private final SierraCredentialLedger ledger;
    private final SierraCredentialStore store;

    SierraTls(AtChannel at, int cid, ModemIdentity identity, SierraSocketTransport sockets,
            SierraCredentialLedger ledger) {
        this.at = at;
        this.cid = cid;
        this.identity = identity;
        this.sockets = sockets;
        this.ledger = ledger;
        this.store = new SierraCredentialStore(at);
    }

    /** mkey 8 ECDHE; auth 1 RSA, 2 ECDSA; enc 16 AES128-CCM ... 16384 AES256-GCM; mac 0 none (CCM), 4 SHA256, 8 SHA384. */
    private static Map<Integer, int[]> suites() {
        Map<Integer, int[]> m = new LinkedHashMap<>();
        m.put(0xC02F, new int[] { 8, 1, 8192, 4 }); // TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
        m.put(0xC0AC, new int[] { 8, 2, 16, 0 }); // TLS_ECDHE_ECDSA_WITH_AES_128_CCM
        m.put(0xC0AD, new int[] { 8, 2, 32, 0 }); // TLS_ECDHE_ECDSA_WITH_AES_256_CCM
        m.put(0xC0AE, new int[] { 8, 2, 256, 0 }); // TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8
        m.put(0xC0AF, new int[] { 8, 2, 512, 0 }); // TLS_ECDHE_ECDSA_WITH_AES_256_CCM_8
        m.put(0xC02B, new int[] { 8, 2, 8192, 4 }); // TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256
        m.put(0xC02C, new int[] { 8, 2, 16384, 8 }); // TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384
        return java.util.Collections.unmodifiableMap(m);
    }

    /**
     * TLS 1.2 only; with an RSA server certificate only ECDHE-RSA-AES128-GCM-SHA256 (0xC02F), with an EC one the
     * ECDHE-ECDSA CCM and GCM suites [O: Sierra's SSL test for firmware 4.6]. SNI: the module connects by the name it is
     * given and is taken to send it [U].
     */
    @Override
    public ModemTlsCapabilities capabilities() {
        return new ModemTlsCapabilities(Set.of("TLSv1.2"), List.copyOf(SUITES.keySet()), true,
                SierraCommands.MAX_CREDENTIAL_BYTES, Set.of("EC-P256", "EC-P384", "RSA-2048"), 1);
    }

    /** LF line ends, 64 columns (a PEM without line breaks gave 931), traditional key blocks [U: both forms load]. */
    @Override
    public PemStyle pemStyle() {
        return new PemStyle(false, 64, true);
    }

    @Override
    public synchronized ProvisioningReport provision(ModemCredentials credentials, ProvisioningListener progress)
            throws ModemException {
        String set = credentials.name();
        Map<CredentialKind, byte[]> parts = new LinkedHashMap<>();
        for (CredentialKind kind : CredentialKind.values()) {
            byte[] raw = credentials.part(kind);
            if (raw == null) {
                continue;
            }
            byte[] laid = SierraPem.relayout(raw, SierraCredentialStore.what(kind) + " of '" + set + "'");
            if (laid.length > SierraCommands.MAX_CREDENTIAL_BYTES) {
                throw new ModemException("The " + SierraCredentialStore.what(kind) + " of '" + set + "' is "
                        + laid.length + " bytes as PEM; the " + identity.model() + " stores at most "
                        + SierraCommands.MAX_CREDENTIAL_BYTES + " bytes per certificate or key (AT+KCERTSTORE=?).",
                        "", "size", kind == CredentialKind.CA_CERTIFICATES ? "Store only the CA certificate that "
                                + "signed the broker's chain, not a whole bundle." : "Use an EC P-256 key and "
                                        + "certificate (well under 2 KB).");
            }
            parts.put(kind, laid);
        }
        checkKeyType(set, parts.get(CredentialKind.CLIENT_CERTIFICATE));
        SierraCredentialStore.Listing before = store.list();
        List<Item> items = new ArrayList<>();
        long sent = 0;
        try {
            for (Map.Entry<CredentialKind, byte[]> p : parts.entrySet()) {
                Item item = provisionPart(set, p.getKey(), p.getValue(), before, progress);
                if (item.outcome() == Outcome.UPLOADED) {
                    sent += p.getValue().length;
                }
                items.add(item);
            }
        } catch (ModemException e) {
            for (CredentialKind kind : parts.keySet()) {
                removeQuietly(kind); // a set partly new, partly old, or unverified is never used
            }
            throw e;
        }
        return new ProvisioningReport(set, items, sent);
    }

    private Item provisionPart(String set, CredentialKind kind, byte[] pem, SierraCredentialStore.Listing before,
            ProvisioningListener progress) throws ModemException {
        String slot = SierraCredentialStore.slot(kind);
        String sha = SierraCredentialLedger.sha256(pem);
        progress.progress(kind, 0, pem.length, "comparing");
        Optional<String> unchanged = unchanged(kind, pem, sha, before);
        if (unchanged.isPresent()) {
            ledger.put(identity.imei(), kind, set, pem);
            progress.progress(kind, pem.length, pem.length, "unchanged");
            return new Item(kind, slot, pem.length, Outcome.UNCHANGED, unchanged.get());
        }
        progress.progress(kind, 0, pem.length, "uploading");
        ledger.remove(identity.imei(), kind); // the slot no longer holds what the record says, whatever happens next
        store.store(kind, pem);
        progress.progress(kind, pem.length, pem.length, "verifying");
        String verification = verify(kind, pem);
        ledger.put(identity.imei(), kind, set, pem);
        return new Item(kind, slot, pem.length, Outcome.UPLOADED, verification);
    }

    /** Why the slot already holds exactly this content, or empty when it must be uploaded. */
    private Optional<String> unchanged(CredentialKind kind, byte[] pem, String sha,
            SierraCredentialStore.Listing listing) throws ModemException {
        String slot = SierraCredentialStore.slot(kind);
        Optional<String> shown = listing.content(kind);
        if (shown.isPresent()) {
            return sameContent(shown.get(), pem) ? Optional.of("read back " + pem.length + " bytes at " + slot
                    + ": identical, nothing sent") : Optional.empty();
        }
        Optional<SierraCredentialLedger.Entry> record = ledger.get(identity.imei(), kind);
        if (record.isEmpty() || record.get().bytes() != pem.length || !record.get().sha256().equals(sha)) {
            return Optional.empty();
        }
        if (listing.available()) {
            if (listing.bytes(kind).orElse(0) != pem.length) {
                return Optional.empty();
            }
            return Optional.of("the module lists " + pem.length + " bytes at " + slot + " and this gateway's record "
                    + "of its last verified upload to IMEI " + imeiText() + " has the same SHA-256 (" + sha.substring(0,
                            16) + "...): nothing sent. The module shows no content, so the comparison rests on that "
                    + "record (" + (ledger.persistent() ? "kept in the bundle's data area" : "kept in memory") + ")");
        }
        return Optional.of("the module offers no listing (" + listing.evidence() + "); this gateway's record of its "
                + "last verified upload to IMEI " + imeiText() + " has the same " + pem.length + " bytes and SHA-256 ("
                + sha.substring(0, 16) + "...): nothing sent, on the strength of that record alone");
    }

    /** After an upload: the listing's count (and content where shown) must match what was sent. */
    private String verify(CredentialKind kind, byte[] pem) throws ModemException {
        String slot = SierraCredentialStore.slot(kind);
        SierraCredentialStore.Listing after = store.list();
        String accepted = "the module accepted exactly " + pem.length + " bytes (OK after the EOF pattern; it answers "
                + "+CME ERROR: 930 when fewer arrive and 931 for content it cannot use)";
        if (!after.available()) {
            return accepted + "; it offers no read-back (" + after.evidence() + ")";
        }
        int listed = after.bytes(kind).orElse(0);
        Optional<String> shown = after.content(kind);
        if (listed != pem.length || shown.isPresent() && !sameContent(shown.get(), pem)) {
            store.delete(kind);
            throw new ModemException("The module's copy of the " + SierraCredentialStore.what(kind) + " at " + slot
                    + " differs from what was sent (" + (listed != pem.length ? "it lists " + listed + " bytes, "
                            + pem.length + " were sent" : "the content it shows differs") + "); it was deleted again "
                    + "so that it is not used.", slot + "," + listed, "read-back",
                    "Provision again; if it repeats, check the serial line (hardware flow control AT&K3).");
        }
        return shown.isPresent() ? "read back " + pem.length + " bytes at " + slot + ": identical"
                : accepted + "; it lists " + slot + "," + listed + ": the byte count matches (it shows no content)";
    }

    private static boolean sameContent(String shown, byte[] pem) {
        try {
            return Arrays.equals(SierraPem.relayout(shown.getBytes(StandardCharsets.ISO_8859_1), "listed content"),
                    pem);
        } catch (ModemException e) {
            return false;
        }
    }

    private String imeiText() {
        return identity.imei().isEmpty() ? "(unknown)" : identity.imei();
    }

    /** The client key must be one the module's TLS uses; refused before any upload. */
    private void checkKeyType(String set, byte[] cert) throws ModemException {
        if (cert == null) {
            return;
        }
        String type;
        try {
            type = ModemTlsCapabilities.keyTypeOf(CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(cert)).getPublicKey());
        } catch (CertificateException e) {
            throw new ModemException("The client certificate of '" + set + "' cannot be read as X.509 PEM: "
                    + e.getMessage(), "", "KCERTSTORE", "Check it with bin/uplink creds check --cert F.");
        }
        ModemTlsCapabilities caps = capabilities();
        if (!caps.acceptsKey(type)) {
            throw new ModemException("The client certificate of '" + set + "' has a " + type + " key; the "
                    + identity.model() + "'s TLS uses only " + String.join(", ", new TreeSet<>(caps.keyTypes()))
                    + " keys.", "", "KCERTSTORE", "Issue the device certificate for an EC P-256 key, or use host TLS "
                            + "(tls.mode=host), which takes any key.");
        }
    }

    @Override
    public synchronized List<StoredCredential> stored() throws ModemException {
        SierraCredentialStore.Listing listing = store.list();
        List<StoredCredential> out = new ArrayList<>();
        for (CredentialKind kind : CredentialKind.values()) {
            Optional<SierraCredentialLedger.Entry> record = ledger.get(identity.imei(), kind);
            if (listing.available()) {
                int bytes = listing.bytes(kind).orElse(0);
                if (bytes > 0) {
                    boolean known = record.isPresent() && record.get().bytes() == bytes;
                    out.add(new StoredCredential(known ? record.get().set() : "unknown", kind,
                            SierraCredentialStore.slot(kind), bytes, known ? record.get().sha256() : ""));
                }
            } else {
                record.ifPresent(r -> out.add(new StoredCredential(r.set(), kind, SierraCredentialStore.slot(kind),
                        r.bytes(), r.sha256())));
            }
        }
        return out;
    }

    @Override
    public synchronized boolean remove(String name) throws ModemException {
        boolean any = false;
        for (CredentialKind kind : CredentialKind.values()) {
            Optional<SierraCredentialLedger.Entry> record = ledger.get(identity.imei(), kind);
            if (record.isPresent() && record.get().set().equals(name)) {
                store.delete(kind);
                ledger.remove(identity.imei(), kind);
                any = true;
            }
        }
        return any;
    }

    private void removeQuietly(CredentialKind kind) {
        try {
            store.delete(kind);
        } catch (ModemException e) {
            // the channel failed too; the next provisioning replaces the slot
        }
        ledger.remove(identity.imei(), kind);
    }

    @Override
    public Connection connect(String host, int port, Duration timeout, ModemTlsProfile profile)
            throws TransportException {
        SierraSocketTransport.checkArguments(host, port, timeout);
        if (profile.serverName() != null && !profile.serverName().equalsIgnoreCase(host)) {
            throw new TransportException(Reason.INVALID_REQUEST, "The " + identity.model() + " uses the host it "
                    + "connects to as the server name, so it cannot connect to " + host + " naming "
                    + profile.serverName() + ".", "Connect to " + profile.serverName() + " itself, or use host TLS "
                            + "(tls.mode=host), where the server name is set apart from the address.");
        }
        if (!profile.versions().isEmpty() && !profile.versions().contains("TLSv1.2")) {
            throw new TransportException(Reason.INVALID_REQUEST, "The " + identity.model() + "'s TLS speaks TLS 1.2 "
                    + "only; the profile allows " + profile.versions() + ".", "Allow TLSv1.2, or use host TLS "
                            + "(tls.mode=host) for TLS 1.3.");
        }
        String crypto = SierraTlsProfile.cryptoLine(PROFILE, profile);
        checkSet(profile.trustSet(), CredentialKind.CA_CERTIFICATES);
        if (profile.verification() == ModemTlsProfile.Verification.MUTUAL) {
            checkSet(profile.identitySet(), CredentialKind.CLIENT_CERTIFICATE);
        }
        synchronized (this) {
            SierraTlsProfile.apply(at, crypto);
            return sockets.open(SierraCommands.tlsConfig(cid, host, port, PROFILE), host, port, true,
                    timeout.plus(profile.handshakeTimeout()));
        }
    }

    /** A set the record places in the module under another name is refused; without a record, it is taken. */
    private void checkSet(String set, CredentialKind kind) throws TransportException {
        if (set == null) {
            return;
        }
        Optional<SierraCredentialLedger.Entry> record = ledger.get(identity.imei(), kind);
        if (record.isPresent() && !record.get().set().equals(set)) {
            throw new TransportException(Reason.INVALID_REQUEST, "The " + identity.model() + " holds one credential "
                    + "set at a time; its " + SierraCredentialStore.what(kind) + " is from set '" + record.get().set()
                    + "', not '" + set + "'.", "Provision '" + set + "' first ('uplink creds provision').");
        }
    }
}
