package io.uplink.modem.quectel;

import java.io.ByteArrayInputStream;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
 * The BG95/BG96's own TLS: credential sets as UFS files ({@code <set>.ca.pem}, {@code <set>.crt.pem},
 * {@code <set>.key.pem}), sessions through {@code AT+QSSLOPEN} on one of the six SSL contexts, configured anew before
 * every open because the module forgets SSL settings at reboot [O].
 *
 * <p>Thread-safe: the SSL context table is guarded by this object; AT traffic is serialized by the channel.
 */
final class QuectelTls implements ModemTls {

    static final int SSL_CONTEXTS = 6;
    private static final Map<CredentialKind, String> SUFFIX = Map.of(CredentialKind.CA_CERTIFICATES, ".ca.pem",
            CredentialKind.CLIENT_CERTIFICATE, ".crt.pem", CredentialKind.PRIVATE_KEY, ".key.pem");

    /**
     * The suites of the BG96/BG95 SSL manual's {@code ciphersuite} table without RC4 and 3DES [U: the full BG95 list
     * is the fact sheet's known gap]: RSA and ECDHE key exchange with AES-CBC and AES-GCM, TLS 1.2 at most.
     */
    static final List<Integer> SUITES = List.of(0xC02F, 0xC030, 0xC02B, 0xC02C, 0xC027, 0xC028, 0xC023, 0xC024,
            0xC013, 0xC014, 0xC009, 0xC00A, 0x009C, 0x009D, 0x003D, 0x003C, 0x0035, 0x002F);

    private final AtChannel at;
    private final int pdpContext;
    private final ModemIdentity identity;
    private final QuectelSocketTransport sockets;
    private final QuectelFiles files;
    private final QuectelSslSettings settings;
    private final boolean[] contextInUse = new boolean[SSL_CONTEXTS];

    QuectelTls(AtChannel at, int pdpContext, ModemIdentity identity, QuectelSocketTransport sockets) {
        this.at = at;
        this.pdpContext = pdpContext;
        this.identity = identity;
        this.sockets = sockets;
        this.files = new QuectelFiles(at);
        this.settings = new QuectelSslSettings(at);
    }

    @Override
    public ModemTlsCapabilities capabilities() {
        return new ModemTlsCapabilities(Set.of("TLSv1.2", "TLSv1.1", "TLSv1"), SUITES, true,
                QuectelFiles.MAX_FILE_BYTES, Set.of("RSA-2048", "RSA-4096", "EC-P256", "EC-P384"), SSL_CONTEXTS);
    }

    /** LF line ends, 64 columns, and the traditional key blocks the module's examples use [O]. */
    @Override
    public PemStyle pemStyle() {
        return new PemStyle(false, 64, true);
    }

    static String fileName(String set, CredentialKind kind) {
        return set + SUFFIX.get(kind);
    }

    @Override
    public ProvisioningReport provision(ModemCredentials credentials, ProvisioningListener progress)
            throws ModemException {
        String set = credentials.name();
        for (CredentialKind kind : CredentialKind.values()) {
            byte[] data = credentials.part(kind);
            if (data != null && data.length > QuectelFiles.MAX_FILE_BYTES) {
                throw new ModemException("The " + describe(kind) + " of '" + set + "' is " + data.length
                        + " bytes; the " + identity.model() + " stores at most " + QuectelFiles.MAX_FILE_BYTES
                        + " bytes per file (AT+QFUPL).", "", "QFUPL", kind == CredentialKind.CA_CERTIFICATES
                                ? "Store only the CA certificate that signed the broker's chain, not a whole bundle."
                                : "Use a smaller certificate or key (an EC P-256 key and certificate are well under "
                                        + "2 KB).");
            }
        }
        checkKeyType(credentials);
        Map<String, Long> present = files.list();
        List<Item> items = new ArrayList<>();
        long sent = 0;
        try {
            for (CredentialKind kind : CredentialKind.values()) {
                byte[] data = credentials.part(kind);
                if (data == null) {
                    continue;
                }
                Item item = provisionPart(fileName(set, kind), kind, data, present, progress);
                if (item.outcome() == Outcome.UPLOADED) {
                    sent += data.length;
                }
                items.add(item);
            }
        } catch (ModemException e) {
            removeQuietly(set); // a set partly new, partly old, or unverified is never used
            throw e;
        }
        return new ProvisioningReport(set, items, sent);
    }

    /**
     * The client certificate's key must be one the module's TLS can use; refused before any upload, since the module
     * would take the files and then fail every handshake with a bare 566.
     */
    private void checkKeyType(ModemCredentials credentials) throws ModemException {
        byte[] cert = credentials.part(CredentialKind.CLIENT_CERTIFICATE);
        if (cert == null) {
            return;
        }
        String type;
        try {
            type = ModemTlsCapabilities.keyTypeOf(CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(cert)).getPublicKey());
        } catch (CertificateException e) {
            throw new ModemException("The client certificate of '" + credentials.name() + "' cannot be read as "
                    + "X.509 PEM: " + e.getMessage(), "", "QFUPL", "Check it with bin/uplink creds check --cert F.");
        }
        ModemTlsCapabilities caps = capabilities();
        if (!caps.acceptsKey(type)) {
            throw new ModemException("The client certificate of '" + credentials.name() + "' has a " + type
                    + " key; the " + identity.model() + "'s TLS uses only " + String.join(", ", new java.util.TreeSet<>(
                            caps.keyTypes())) + " keys.", "", "QFUPL", "Issue the device certificate for an EC P-256 "
                                    + "or RSA 2048 key, or use host TLS (tls.mode=host), which takes any key.");
        }
    }

    private Item provisionPart(String file, CredentialKind kind, byte[] data, Map<String, Long> present,
            ProvisioningListener progress) throws ModemException {
        Long size = present.get(file);
        if (size != null && size == data.length) {
            progress.progress(kind, 0, data.length, "comparing");
            if (Arrays.equals(files.download(file, size), data)) {
                progress.progress(kind, data.length, data.length, "unchanged");
                return new Item(kind, "UFS:" + file, data.length, Outcome.UNCHANGED, "read back " + data.length
                        + " bytes: identical, nothing sent");
            }
        }
        if (size != null) {
            files.delete(file); // AT+QFUPL refuses an existing name (407)
        }
        progress.progress(kind, 0, data.length, "uploading");
        String checksum = files.upload(file, data, kind == CredentialKind.PRIVATE_KEY);
        progress.progress(kind, data.length, data.length, "verifying");
        byte[] back = files.download(file, data.length);
        if (!Arrays.equals(back, data)) {
            files.delete(file);
            throw new ModemException("The module's copy of " + file + " differs from what was sent (read back "
                    + back.length + " bytes, first difference at byte " + Arrays.mismatch(back, data) + "); it was "
                    + "deleted again so that it is not used.", "UFS:" + file, "read-back",
                    "Provision again; if it repeats, the module's flash or the serial line is faulty.");
        }
        return new Item(kind, "UFS:" + file, data.length, Outcome.UPLOADED, "module checksum " + checksum
                + " as computed; read back " + data.length + " bytes: identical");
    }

    @Override
    public List<StoredCredential> stored() throws ModemException {
        List<StoredCredential> out = new ArrayList<>();
        for (Map.Entry<String, Long> f : files.list().entrySet()) {
            for (Map.Entry<CredentialKind, String> s : SUFFIX.entrySet()) {
                String name = f.getKey();
                if (name.endsWith(s.getValue()) && name.length() > s.getValue().length()) {
                    out.add(new StoredCredential(name.substring(0, name.length() - s.getValue().length()),
                            s.getKey(), "UFS:" + name, f.getValue(), ""));
                }
            }
        }
        return out;
    }

    @Override
    public boolean remove(String name) throws ModemException {
        boolean any = false;
        for (CredentialKind kind : CredentialKind.values()) {
            any |= files.delete(fileName(name, kind));
        }
        return any;
    }

    private void removeQuietly(String set) {
        try {
            remove(set);
        } catch (ModemException e) {
            // the channel failed too; the next provisioning replaces the files
        }
    }

    @Override
    public Connection connect(String host, int port, Duration timeout, ModemTlsProfile profile)
            throws TransportException {
        if (profile.serverName() != null && !profile.serverName().equalsIgnoreCase(host)) {
            throw new TransportException(Reason.INVALID_REQUEST, "The " + identity.model() + " sends the host it "
                    + "connects to as the server name (SNI), so it cannot connect to " + host + " naming "
                    + profile.serverName() + ".", "Connect to " + profile.serverName() + " itself, or use host TLS "
                            + "(tls.mode=host), where the server name is set apart from the address.");
        }
        int ssl = takeContext();
        try {
            settings.apply(ssl, profile, this::filePath);
        } catch (TransportException | RuntimeException e) {
            releaseContext(ssl);
            throw e;
        }
        Duration open = timeout.plus(profile.handshakeTimeout());
        return sockets.open(QuectelCommands.TLS, id -> QuectelCommands.openTls(pdpContext, ssl, id, host, port), host,
                port, open, () -> releaseContext(ssl));
    }

    private String filePath(String set, CredentialKind kind) {
        return "UFS:" + fileName(set, kind);
    }

    private synchronized int takeContext() throws TransportException {
        for (int i = 0; i < SSL_CONTEXTS; i++) {
            if (!contextInUse[i]) {
                contextInUse[i] = true;
                return i;
            }
        }
        throw new TransportException(Reason.NO_RESOURCES, "All " + SSL_CONTEXTS + " SSL contexts of the "
                + identity.model() + " are in use.", "Close unused modem TLS connections.");
    }

    private synchronized void releaseContext(int ssl) {
        contextInUse[ssl] = false;
    }

    private static String describe(CredentialKind kind) {
        return switch (kind) {
        case CA_CERTIFICATES -> "CA certificate file";
        case CLIENT_CERTIFICATE -> "client certificate";
        case PRIVATE_KEY -> "private key";
        };
    }

    String portName() {
        return at.portName();
    }
}
