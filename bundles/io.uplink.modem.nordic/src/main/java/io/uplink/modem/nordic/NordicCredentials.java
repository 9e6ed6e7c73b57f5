package io.uplink.modem.nordic;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.uplink.modem.AtChannel;
import io.uplink.modem.AtCommand;
import io.uplink.modem.AtResponse;
import io.uplink.modem.CredentialKind;
import io.uplink.modem.FinalResult.Kind;
import io.uplink.modem.ModemCredentials;
import io.uplink.modem.ModemException;
import io.uplink.modem.ModemTlsCapabilities;
import io.uplink.modem.ProvisioningListener;
import io.uplink.modem.ProvisioningReport;
import io.uplink.modem.ProvisioningReport.Item;
import io.uplink.modem.ProvisioningReport.Outcome;
import io.uplink.modem.StoredCredential;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Credential sets in the nRF91 with {@code AT%CMNG}: compared first by the SHA-256 the modem lists (identical content
 * is never written again), written offline (the modem refuses writes and deletes in CFUN 1, 2 and 21 with
 * {@code +CME ERROR: 518}, so the modem goes to {@code AT+CFUN=4} and comes back online afterwards, its sockets closed
 * meanwhile), verified by the SHA-256 listed after the write (client certificates and keys cannot be read back: 514).
 * A write replaces an entry of the same tag and type; a firmware that answers 519 instead gets a delete and a second
 * write. A set whose verification fails is deleted again, so nothing half-stored is used.
 *
 * <p>Thread-safe: one provisioning at a time ({@code synchronized}); AT traffic is serialized by the channel.
 */
final class NordicCredentials {

    private static final Logger LOG = LoggerFactory.getLogger(NordicCredentials.class);
    private static final Duration CMNG_TIMEOUT = Duration.ofSeconds(30);
    private static final Pattern READ = Pattern.compile("%CMNG:\\s*\\d+\\s*,\\s*\\d+\\s*,\\s*\"([0-9A-Fa-f]{64})\"\\s*,"
            + "\\s*\"(.*)\"\\s*", Pattern.DOTALL);

    private final AtChannel at;
    private final String model;
    private final NordicModemState state;
    /** Names of the tags this modem object provisioned, so that {@link #stored()} names them as they were given. */
    private final Map<Long, String> names = new ConcurrentHashMap<>();
    /** CA certificates provisioned through this object, by tag: copied into an identity's tag for mutual TLS. */
    private final Map<Long, byte[]> caByTag = new ConcurrentHashMap<>();

    NordicCredentials(AtChannel at, String model, NordicModemState state) {
        this.at = at;
        this.model = model;
        this.state = state;
    }

    synchronized ProvisioningReport provision(ModemCredentials c, ProvisioningListener progress,
            ModemTlsCapabilities caps) throws ModemException {
        long tag = NordicCmng.tag(c.name());
        Map<CredentialKind, byte[]> parts = new EnumMap<>(CredentialKind.class);
        for (CredentialKind kind : CredentialKind.values()) {
            byte[] data = c.part(kind);
            if (data == null) {
                continue;
            }
            String why = NordicCmng.unwritable(data);
            if (why != null) {
                throw new ModemException("The " + describe(kind) + " of '" + c.name() + "' cannot be stored in the "
                        + model + ": " + why + ".", "", "CMNG", kind == CredentialKind.CA_CERTIFICATES
                                ? "Store only the CA certificate that signed the broker's chain, as PEM text."
                                : "Export it as PEM text with LF line ends (an EC P-256 key and certificate are well "
                                        + "under 2 KB).");
            }
            parts.put(kind, data);
        }
        checkKeyType(c, caps);
        names.put(tag, c.name());
        List<Item> items = new ArrayList<>();
        Map<CredentialKind, byte[]> changed = new EnumMap<>(CredentialKind.class);
        Map<Integer, String> listed = list(tag);
        for (Map.Entry<CredentialKind, byte[]> p : parts.entrySet()) {
            byte[] data = p.getValue();
            progress.progress(p.getKey(), 0, data.length, "comparing");
            String sha = NordicCmng.sha256(data);
            if (sha.equals(listed.get(NordicCmng.type(p.getKey())))) {
                progress.progress(p.getKey(), data.length, data.length, "unchanged");
                items.add(new Item(p.getKey(), location(tag, p.getKey()), data.length, Outcome.UNCHANGED, "the modem "
                        + "lists SHA-256 " + abbreviated(sha) + ", as computed: identical, nothing sent"));
            } else {
                changed.put(p.getKey(), data);
            }
        }
        long sent = 0;
        if (!changed.isEmpty()) {
            write(tag, changed, progress, items);
            for (byte[] b : changed.values()) {
                sent += b.length;
            }
        }
        if (parts.containsKey(CredentialKind.CA_CERTIFICATES)) {
            caByTag.put(tag, parts.get(CredentialKind.CA_CERTIFICATES));
        }
        items.sort(java.util.Comparator.comparing(Item::kind));
        return new ProvisioningReport(c.name(), items, sent);
    }

    /** Writes the parts offline, verifies each by the listed SHA-256, deletes the set again when one differs. */
    private void write(long tag, Map<CredentialKind, byte[]> changed, ProvisioningListener progress, List<Item> items)
            throws ModemException {
        state.whileOffline("store credentials in security tag " + tag, () -> {
            try {
                for (Map.Entry<CredentialKind, byte[]> p : changed.entrySet()) {
                    progress.progress(p.getKey(), 0, p.getValue().length, "uploading");
                    writeOne(tag, p.getKey(), p.getValue());
                }
                Map<Integer, String> after = list(tag);
                for (Map.Entry<CredentialKind, byte[]> p : changed.entrySet()) {
                    progress.progress(p.getKey(), p.getValue().length, p.getValue().length, "verifying");
                    String sha = NordicCmng.sha256(p.getValue());
                    String got = after.get(NordicCmng.type(p.getKey()));
                    if (!sha.equals(got)) {
                        throw new ModemException("The modem's copy of the " + describe(p.getKey()) + " in security tag "
                                + tag + " differs from what was sent: it lists SHA-256 " + (got == null || got.isEmpty()
                                        ? "nothing" : got) + ", the content sent has " + sha + ". It was deleted again "
                                                + "so that it is not used.", got == null ? "" : got, "verify",
                                "Provision again; if it repeats, the serial line corrupts data (check the baud rate "
                                        + "and flow control).");
                    }
                    items.add(new Item(p.getKey(), location(tag, p.getKey()), p.getValue().length, Outcome.UPLOADED,
                            "written offline (AT+CFUN=4); the modem lists SHA-256 " + abbreviated(sha)
                                    + ", as computed"));
                }
            } catch (ModemException e) {
                deleteQuietly(tag);
                throw e;
            }
        });
    }

    private void writeOne(long tag, CredentialKind kind, byte[] data) throws ModemException {
        AtCommand write = AtCommand.ofQuotedText(NordicCmng.write(tag, NordicCmng.type(kind), data))
                .withTimeout(CMNG_TIMEOUT);
        if (kind == CredentialKind.PRIVATE_KEY) {
            write = write.sensitive();
        }
        AtResponse r = at.execute(write);
        if (r.result().kind() == Kind.CME_ERROR && r.result().code() == 519) {
            delete(tag, NordicCmng.type(kind)); // this firmware does not replace: delete, then write again
            r = at.execute(write);
        }
        if (!r.isOk()) {
            throw failure("Writing the " + describe(kind) + " into security tag " + tag, r);
        }
    }

    private ModemException failure(String what, AtResponse r) {
        NordicErrors.Entry e = r.result().kind() == Kind.CME_ERROR ? NordicErrors.cmng(r.result().code())
                : NordicErrors.CMNG_PLAIN;
        return new ModemException(what + " failed: " + r.result().text() + " = " + e.meaning() + ".",
                r.result().text(), r.result().code() >= 0 ? String.valueOf(r.result().code()) : "ERROR", e.fix());
    }

    /** The SHA-256 the modem lists per type under a tag. */
    Map<Integer, String> list(long tag) throws ModemException {
        AtResponse r = at.execute(AtCommand.of(NordicCmng.list(tag)));
        if (!r.isOk()) {
            throw failure("Listing security tag " + tag, r);
        }
        return NordicCmng.byType(NordicCmng.parse(r.lines()), tag);
    }

    private void delete(long tag, int type) throws ModemException {
        AtResponse r = at.execute(AtCommand.of(NordicCmng.delete(tag, type)).withTimeout(CMNG_TIMEOUT));
        if (!r.isOk() && !(r.result().kind() == Kind.CME_ERROR && r.result().code() == 513)) {
            throw failure("Deleting type " + type + " of security tag " + tag, r);
        }
    }

    private void deleteQuietly(long tag) {
        for (int type = 0; type <= 2; type++) {
            try {
                delete(tag, type);
            } catch (ModemException e) {
                LOG.debug("{}: deleting type {} of tag {} after a failed provisioning: {}", at.portName(), type, tag,
                        e.getMessage());
            }
        }
    }

    synchronized List<StoredCredential> stored() throws ModemException {
        AtResponse r = at.execute(AtCommand.of(NordicCmng.listAll()));
        if (!r.isOk()) {
            throw failure("Listing the stored credentials", r);
        }
        List<StoredCredential> out = new ArrayList<>();
        for (NordicCmng.Entry e : NordicCmng.parse(r.lines())) {
            CredentialKind kind = NordicCmng.kind(e.type());
            if (kind != null && e.tag() <= NordicCmng.MAX_TAG) {
                out.add(new StoredCredential(names.getOrDefault(e.tag(), Long.toString(e.tag())), kind,
                        location(e.tag(), kind), -1, e.sha256()));
            }
        }
        return out;
    }

    synchronized boolean remove(String name) throws ModemException {
        long tag = NordicCmng.tag(name);
        Map<Integer, String> listed = list(tag);
        List<Integer> present = new ArrayList<>();
        for (int type = 0; type <= 2; type++) {
            if (listed.containsKey(type)) {
                present.add(type);
            }
        }
        if (present.isEmpty()) {
            return false;
        }
        state.whileOffline("delete credentials of security tag " + tag, () -> {
            for (int type : present) {
                delete(tag, type);
            }
        });
        caByTag.remove(tag);
        return true;
    }

    /**
     * Makes the identity's tag hold the trust set's CA too: a Serial LTE Modem TLS socket uses one security tag for
     * everything. Copied (offline) only when the identity's tag lists another CA or none.
     */
    synchronized void ensureCa(long trustTag, long identityTag, String trustName) throws ModemException {
        Map<Integer, String> trust = list(trustTag);
        String caSha = trust.get(0);
        if (caSha == null) {
            throw new ModemException("The trust set '" + trustName + "' (security tag " + trustTag + ") holds no CA "
                    + "certificate.", "", "513", "Provision the broker's CA certificate into the modem again.");
        }
        if (caSha.equals(list(identityTag).get(0))) {
            return;
        }
        byte[] ca = caByTag.get(trustTag);
        if (ca == null || !NordicCmng.sha256(ca).equals(caSha)) {
            ca = readCa(trustTag, caSha);
        }
        Map<CredentialKind, byte[]> part = new EnumMap<>(CredentialKind.class);
        part.put(CredentialKind.CA_CERTIFICATES, ca);
        LOG.info("{}: copying the CA of security tag {} into tag {}: the modem's TLS socket uses one tag for the CA, "
                + "the certificate and the key", at.portName(), trustTag, identityTag);
        byte[] copy = ca;
        state.whileOffline("copy the CA into security tag " + identityTag, () -> {
            writeOne(identityTag, CredentialKind.CA_CERTIFICATES, copy);
            if (!NordicCmng.sha256(copy).equals(list(identityTag).get(0))) {
                throw new ModemException("The CA copied into security tag " + identityTag + " does not list the SHA-256 "
                        + "it was written with.", "", "verify", "Provision the identity set again with its CA.");
            }
        });
    }

    /** {@code AT%CMNG=2,<tag>,0}: the CA's PEM text, spread over several lines; checked against the listed SHA-256. */
    private byte[] readCa(long tag, String sha) throws ModemException {
        AtResponse r = at.execute(AtCommand.of("AT%CMNG=2," + tag + ",0"));
        if (!r.isOk()) {
            throw failure("Reading the CA of security tag " + tag, r);
        }
        byte[] pem = parseRead(r.lines());
        if (pem == null || !NordicCmng.sha256(pem).equals(sha)) {
            throw new ModemException("The CA read from security tag " + tag + " does not match the SHA-256 the modem "
                    + "lists for it, so it cannot be copied for mutual TLS.", "", "read-back", "Provision the "
                            + "identity set with its CA certificate included (one set holding CA, certificate and key).");
        }
        return pem;
    }

    /** The content of a {@code %CMNG: <tag>,<type>,"<sha>","<content>"} answer whose lines the framer split at LF. */
    static byte[] parseRead(List<String> lines) {
        int first = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("%CMNG:")) {
                first = i;
                break;
            }
        }
        if (first < 0) {
            return null;
        }
        Matcher m = READ.matcher(String.join("\n", lines.subList(first, lines.size())));
        if (!m.matches()) {
            return null;
        }
        String content = m.group(2);
        return (content.endsWith("\n") ? content : content + "\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** The client certificate's key must be one the modem's TLS can use; refused before anything is written. */
    private void checkKeyType(ModemCredentials c, ModemTlsCapabilities caps) throws ModemException {
        byte[] cert = c.part(CredentialKind.CLIENT_CERTIFICATE);
        if (cert == null) {
            return;
        }
        String type;
        try {
            type = ModemTlsCapabilities.keyTypeOf(CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(cert)).getPublicKey());
        } catch (CertificateException e) {
            throw new ModemException("The client certificate of '" + c.name() + "' cannot be read as X.509 PEM: "
                    + e.getMessage(), "", "CMNG", "Check it with bin/uplink creds check --cert F.");
        }
        if (!caps.acceptsKey(type)) {
            throw new ModemException("The client certificate of '" + c.name() + "' has a " + type + " key; the "
                    + model + "'s TLS uses only " + String.join(", ", new java.util.TreeSet<>(caps.keyTypes()))
                    + " keys.", "", "CMNG", "Issue the device certificate for an EC P-256 or RSA 2048 key, or use host "
                            + "TLS (tls.mode=host), which takes any key.");
        }
    }

    String nameOf(long tag) {
        return names.getOrDefault(tag, Long.toString(tag));
    }

    static String location(long tag, CredentialKind kind) {
        return "sec_tag " + tag + " type " + NordicCmng.type(kind);
    }

    private static String abbreviated(String sha) {
        return sha.substring(0, 16) + "...";
    }

    private static String describe(CredentialKind kind) {
        return switch (kind) {
        case CA_CERTIFICATES -> "CA certificate";
        case CLIENT_CERTIFICATE -> "client certificate";
        case PRIVATE_KEY -> "private key";
        };
    }
}
