package io.uplink.credentials.store;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import io.uplink.credentials.ClientIdentity;
import io.uplink.credentials.CredentialException;
import io.uplink.credentials.CredentialListener.Change;
import io.uplink.credentials.CredentialPart;
import io.uplink.credentials.CredentialStore;
import io.uplink.credentials.CredentialSummary;
import io.uplink.credentials.CredentialUse;
import io.uplink.credentials.PemStyle;
import io.uplink.credentials.Problem;
import io.uplink.credentials.Problem.Severity;
import io.uplink.credentials.ValidationContext;
import io.uplink.credentials.ValidationReport;

import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link CredentialStore} over an encrypted BCFKS file. Plain Java: the OSGi component and the command line both
 * use it. Entries of alias {@code a}: {@code a/key} (private key with the client chain), {@code a/cert} (a
 * certificate without key), {@code a/ca/N} (trust anchors).
 */
public final class BcCredentialStore implements CredentialStore {

    private static final Logger LOG = LoggerFactory.getLogger(BcCredentialStore.class);
    private static final Pattern ALIAS = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    /** Made when a credential is first read, imported or checked: not for a gateway without credentials. */
    private final Supplier<Provider> provider = new OnFirstUse<>(BouncyCastleProvider::new);
    private final KeyStoreFile file;
    private final char[] entryPassword;
    private final Supplier<CredentialReader> reader = new OnFirstUse<>(() -> new CredentialReader(provider.get()));
    private final Supplier<CredentialValidator> validator;
    private final Clock clock;
    private final BiConsumer<String, Change> listener;
    private KeyStore cache;
    private Object cacheVersion;
    /** The failure of the last load and the file version it failed on, so a damaged file is not re-read each call. */
    private CredentialException failure;
    private Object failedVersion;
    private long failedAt;
    /** How long a failed load is answered from memory: a damaged file is not decrypted again on every status poll. */
    private static final long RETRY_FAILED_NANOS = 30_000_000_000L;

    /**
     * @param storeFile the BCFKS file, created on first import
     * @param secret the store secret; the caller may wipe it afterwards
     * @param listener told about each durable change, on the calling thread
     */
    public BcCredentialStore(Path storeFile, char[] secret, Duration expiryWarning, Clock clock,
            BiConsumer<String, Change> listener) throws IOException {
        this.file = new KeyStoreFile(storeFile, secret, provider);
        this.entryPassword = secret.clone();
        this.validator = new OnFirstUse<>(() -> new CredentialValidator(provider.get(), expiryWarning));
        this.clock = clock;
        this.listener = listener;
    }

    /** Opens the store with a secret resolved as {@link StoreSecret} describes. */
    public static BcCredentialStore open(Path storeFile, String configuredSecret, String secretFile,
            Duration expiryWarning, BiConsumer<String, Change> listener) throws IOException {
        char[] secret = StoreSecret.resolve(configuredSecret, secretFile,
                storeFile.toAbsolutePath().resolveSibling("store.secret"), storeFile);
        return new BcCredentialStore(storeFile, secret, expiryWarning, Clock.systemUTC(), listener);
    }

    public Path path() {
        return file.path();
    }

    /** Checks that the store opens with its secret; throws the explanation when it does not. */
    public synchronized void verifyReadable() throws CredentialException {
        current();
    }

    @Override
    public ValidationReport importCredential(String alias, byte[] content, char[] passphrase)
            throws CredentialException {
        return importCredential(alias, content, passphrase, CredentialUse.TLS_CLIENT);
    }

    @Override
    public ValidationReport importCredential(String alias, byte[] content, char[] passphrase, CredentialUse use)
            throws CredentialException {
        checkAlias(alias);
        Checked checked = check(alias, content, passphrase, use, "Nothing was stored under '" + alias + "': ");
        CredentialValidator.Outcome outcome = checked.outcome();
        ValidationReport report = checked.report();
        synchronized (this) {
            mutate(ks -> {
                removeEntries(ks, alias);
                if (outcome.key() != null) {
                    List<X509Certificate> chain = outcome.clientChain();
                    ks.setKeyEntry(alias + "/key", outcome.key(), entryPassword, chain.toArray(new Certificate[0]));
                } else if (outcome.leaf() != null) {
                    ks.setCertificateEntry(alias + "/cert", outcome.leaf());
                }
                int i = 0;
                for (X509Certificate ca : outcome.trustAnchors()) {
                    ks.setCertificateEntry(alias + "/ca/" + i++, ca);
                }
            });
        }
        LOG.info("Stored credentials '{}': {}", alias, String.join("; ", outcome.contents()));
        listener.accept(alias, Change.STORED);
        return report;
    }

    /**
     * What {@link #load} read, ready for a TLS profile.
     *
     * @param identity the client certificate chain with its key, or null when the content has no key
     * @param anchors the CA certificates in the content
     */
    public record Loaded(ValidationReport report, ClientIdentity identity, List<X509Certificate> anchors) {

        /**
         * A part of what was loaded as PEM text in the given style, as {@link #exportPem} gives a stored alias's
         * (e.g. for provisioning files into a modem); empty when the content holds no such part.
         */
        public byte[] exportPem(CredentialPart part, PemStyle style) throws IOException {
            return switch (part) {
            case CLIENT_CERTIFICATE -> identity == null ? new byte[0]
                    : PemExport.certificates(List.of(identity.certificate()), style);
            case CLIENT_CHAIN -> identity == null ? new byte[0] : PemExport.certificates(identity.chain(), style);
            case TRUST_ANCHORS -> PemExport.certificates(anchors, style);
            case PRIVATE_KEY -> identity == null ? new byte[0] : PemExport.privateKey(identity.key(), style);
            };
        }
    }

    /**
     * Reads and validates content exactly as {@link #importCredential} does, and hands it over without storing it:
     * for tools that use certificate files directly.
     *
     * @param name what the content is called in the report and the identity
     * @throws CredentialException when the content is unreadable or not usable, with the problems
     */
    public Loaded load(String name, byte[] content, char[] passphrase) throws CredentialException {
        Checked checked = check(name, content, passphrase, CredentialUse.TLS_CLIENT, "'" + name
                + "' cannot be used: ");
        CredentialValidator.Outcome o = checked.outcome();
        ClientIdentity identity = o.key() == null ? null : new ClientIdentity(name, o.clientChain(), o.key());
        return new Loaded(checked.report(), identity, o.trustAnchors());
    }

    private record Checked(ValidationReport report, CredentialValidator.Outcome outcome) {
    }

    private Checked check(String name, byte[] content, char[] passphrase, CredentialUse use, String refusal)
            throws CredentialException {
        CredentialReader.Read read = reader.get().read("the imported content", content, passphrase);
        refuseUnreadable(read.problems());
        ValidationContext ctx = new ValidationContext("", "", "", Instant.now(clock), use);
        CredentialValidator.Outcome outcome = validator.get().validate(read.certificates(), read.keys(), List.of(),
                ctx);
        List<Problem> all = merge(read.problems(), outcome.problems());
        ValidationReport report = new ValidationReport(name, outcome.contents(), all);
        if (!report.isUsable()) {
            throw new CredentialException(refusal + firstError(all), all);
        }
        return new Checked(report, outcome);
    }

    @Override
    public ValidationReport inspect(List<byte[]> contents, char[] passphrase, ValidationContext context)
            throws CredentialException {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < contents.size(); i++) {
            names.add(contents.size() == 1 ? "the content" : "content " + (i + 1));
        }
        return inspect(names, contents, passphrase, context);
    }

    /** {@link #inspect(List, char[], ValidationContext)} with a name per content (a file name) for the messages. */
    public ValidationReport inspect(List<String> names, List<byte[]> contents, char[] passphrase,
            ValidationContext context) throws CredentialException {
        List<X509Certificate> certs = new ArrayList<>();
        List<PrivateKey> keys = new ArrayList<>();
        List<Problem> readProblems = new ArrayList<>();
        for (int i = 0; i < contents.size(); i++) {
            CredentialReader.Read read = reader.get().read(names.get(i), contents.get(i), passphrase);
            certs.addAll(read.certificates());
            keys.addAll(read.keys());
            readProblems.addAll(read.problems());
        }
        refuseUnreadable(readProblems);
        List<X509Certificate> anchors = context.trustAlias().isEmpty() ? List.of() : trustAnchors(context.trustAlias());
        CredentialValidator.Outcome outcome = validator.get().validate(certs, keys, anchors, context);
        return new ValidationReport("", outcome.contents(), merge(readProblems, outcome.problems()));
    }

    @Override
    public synchronized ValidationReport validate(String alias, ValidationContext context) throws CredentialException {
        Material m = material(alias).orElseThrow(() -> unknownAlias(alias));
        List<X509Certificate> anchors = context.trustAlias().isEmpty() ? List.of() : trustAnchors(context.trustAlias());
        List<X509Certificate> certs = new ArrayList<>(m.certificates);
        certs.addAll(m.anchors);
        CredentialValidator.Outcome outcome = validator.get().validate(certs,
                m.key == null ? List.of() : List.of(m.key), anchors, context);
        return new ValidationReport(alias, outcome.contents(), outcome.problems());
    }

    @Override
    public synchronized List<CredentialSummary> list() {
        List<CredentialSummary> result = new ArrayList<>();
        try {
            KeyStore ks = current();
            if (ks == null) {
                return result;
            }
            TreeMap<String, Material> byAlias = new TreeMap<>();
            for (String entry : Collections.list(ks.aliases())) {
                String alias = entry.substring(0, entry.indexOf('/'));
                byAlias.computeIfAbsent(alias, a -> material(ks, a));
            }
            for (Material m : byAlias.values()) {
                List<X509Certificate> all = new ArrayList<>(m.certificates);
                all.addAll(m.anchors);
                Instant expiry = all.stream().map(c -> c.getNotAfter().toInstant()).min(Comparator.naturalOrder())
                        .orElse(null);
                result.add(new CredentialSummary(m.alias, all.stream()
                        .map(c -> c.getSubjectX500Principal().getName(javax.security.auth.x500.X500Principal.RFC1779)).toList(), m.key != null, expiry));
            }
        } catch (CredentialException | GeneralSecurityException e) {
            LOG.error("Cannot list credentials: {}", e.getMessage());
        }
        return result;
    }

    @Override
    public synchronized Optional<ClientIdentity> clientIdentity(String alias) {
        return material(alias).filter(m -> m.key != null && !m.certificates.isEmpty())
                .map(m -> new ClientIdentity(alias, m.certificates, m.key));
    }

    @Override
    public synchronized List<X509Certificate> trustAnchors(String alias) {
        return material(alias).map(m -> m.anchors).orElse(List.of());
    }

    @Override
    public boolean delete(String alias) throws CredentialException {
        checkAlias(alias);
        boolean[] existed = new boolean[1];
        synchronized (this) {
            mutate(ks -> existed[0] = removeEntries(ks, alias));
        }
        if (existed[0]) {
            LOG.info("Deleted credentials '{}'", alias);
            listener.accept(alias, Change.DELETED);
        }
        return existed[0];
    }

    @Override
    public synchronized byte[] exportPem(String alias, CredentialPart part, PemStyle style) throws CredentialException {
        Material m = material(alias).orElseThrow(() -> unknownAlias(alias));
        try {
            switch (part) {
            case CLIENT_CERTIFICATE:
                return PemExport.certificates(m.certificates.isEmpty() ? List.of() : m.certificates.subList(0, 1),
                        style);
            case CLIENT_CHAIN:
                return PemExport.certificates(m.certificates, style);
            case TRUST_ANCHORS:
                return PemExport.certificates(m.anchors, style);
            case PRIVATE_KEY:
                if (m.key == null) {
                    throw new CredentialException("'" + alias + "' holds no private key.", List.of(new Problem(
                            "no-private-key", Severity.ERROR, "'" + alias + "' holds no private key.",
                            "Import the device key together with its certificate under this alias.")));
                }
                LOG.info("Exporting the private key of '{}' (for modem provisioning)", alias);
                return PemExport.privateKey(m.key, style);
            default:
                throw new IllegalArgumentException(String.valueOf(part));
            }
        } catch (IOException e) {
            throw new CredentialException("Cannot export '" + alias + "': " + e.getMessage(), List.of(), e);
        }
    }

    // --- storage -------------------------------------------------------------------------------------------

    private interface Mutation {
        void apply(KeyStore ks) throws GeneralSecurityException;
    }

    private void mutate(Mutation mutation) throws CredentialException {
        try {
            file.withLock(() -> {
                KeyStore ks = file.load();
                mutation.apply(ks);
                file.save(ks);
                cache = ks;
                cacheVersion = file.version();
                return null;
            });
        } catch (IOException | GeneralSecurityException e) {
            throw storeFailure(e);
        }
    }

    /** The store as on disk, loaded again when the file changed; null while there is no file (an empty store). */
    private KeyStore current() throws CredentialException {
        Object version = null;
        try {
            if (!file.exists()) {
                cache = null;
                failure = null;
                return null;
            }
            version = file.version();
            if (failure != null && version.equals(failedVersion) && System.nanoTime() - failedAt < RETRY_FAILED_NANOS) {
                throw failure; // the same file failed before: do not pay the key derivation again
            }
            if (cache == null || !version.equals(cacheVersion)) {
                cache = file.withLock(file::load);
                cacheVersion = version;
            }
            failure = null;
            return cache;
        } catch (IOException | GeneralSecurityException e) {
            CredentialException f = storeFailure(e);
            if (version != null) {
                failure = f;
                failedVersion = version;
                failedAt = System.nanoTime();
            }
            throw f;
        }
    }

    @Override
    public synchronized String problem() {
        try {
            current();
            return "";
        } catch (CredentialException e) {
            String fix = e.problems().isEmpty() ? "" : e.problems().get(0).fix();
            return e.getMessage() + (fix.isEmpty() || e.getMessage().contains(fix) ? "" : " " + fix);
        }
    }

    private static boolean removeEntries(KeyStore ks, String alias) throws GeneralSecurityException {
        boolean any = false;
        for (String entry : Collections.list(ks.aliases())) {
            if (entry.startsWith(alias + "/")) {
                ks.deleteEntry(entry);
                any = true;
            }
        }
        return any;
    }

    /** What an alias holds. */
    private record Material(String alias, List<X509Certificate> certificates, PrivateKey key,
            List<X509Certificate> anchors) {
    }

    private Optional<Material> material(String alias) {
        try {
            KeyStore ks = current();
            if (ks == null) {
                return Optional.empty();
            }
            Material m = material(ks, alias);
            return m.certificates.isEmpty() && m.key == null && m.anchors.isEmpty() ? Optional.empty()
                    : Optional.of(m);
        } catch (CredentialException e) {
            LOG.error("Cannot read credentials '{}': {}", alias, e.getMessage());
            return Optional.empty();
        }
    }

    private Material material(KeyStore ks, String alias) {
        try {
            List<X509Certificate> certs = new ArrayList<>();
            PrivateKey key = null;
            if (ks.isKeyEntry(alias + "/key")) {
                Key k = ks.getKey(alias + "/key", entryPassword);
                key = k instanceof PrivateKey pk ? pk : null;
                for (Certificate c : ks.getCertificateChain(alias + "/key")) {
                    certs.add((X509Certificate) c);
                }
            } else if (ks.getCertificate(alias + "/cert") instanceof X509Certificate c) {
                certs.add(c);
            }
            List<X509Certificate> anchors = new ArrayList<>();
            for (int i = 0; ks.getCertificate(alias + "/ca/" + i) instanceof X509Certificate c; i++) {
                anchors.add(c);
            }
            return new Material(alias, certs, key, anchors);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("entry of '" + alias + "' unreadable: " + e.getMessage(), e);
        }
    }

    // --- errors --------------------------------------------------------------------------------------------

    private static void checkAlias(String alias) throws CredentialException {
        if (alias == null || !ALIAS.matcher(alias).matches()) {
            String cause = "The alias '" + alias + "' is not allowed.";
            throw new CredentialException(cause, List.of(new Problem("alias-invalid", Severity.ERROR, cause,
                    "Use 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit, e.g. aws-device.")));
        }
    }

    private static void refuseUnreadable(List<Problem> readProblems) throws CredentialException {
        if (readProblems.stream().anyMatch(p -> p.severity() == Severity.ERROR)) {
            throw new CredentialException("The content cannot be read: " + firstError(readProblems), readProblems);
        }
    }

    private static CredentialException unknownAlias(String alias) {
        String cause = "No credentials are stored under '" + alias + "'.";
        return new CredentialException(cause, List.of(new Problem("alias-unknown", Severity.ERROR, cause,
                "Check the alias ('uplink creds list' shows them), or import the credentials first.")));
    }

    private CredentialException storeFailure(Exception e) {
        String cause = e instanceof KeyStoreFile.StoreUnreadableException ? e.getMessage()
                : "The credential store " + file.path() + " cannot be read or written: "
                        + CredentialReader.safeMessage(e) + ". Check that the folder is writable and not full.";
        return new CredentialException(cause, List.of(new Problem("store-unavailable", Severity.ERROR, cause,
                "See the cause; the store file is never left half-written.")), e);
    }

    private static String firstError(List<Problem> problems) {
        return problems.stream().filter(p -> p.severity() == Severity.ERROR).findFirst()
                .map(p -> p.cause() + " " + p.fix()).orElse("no usable certificate or key");
    }

    private static List<Problem> merge(List<Problem> a, List<Problem> b) {
        List<Problem> all = new ArrayList<>(a);
        all.addAll(b);
        all.sort(Comparator.comparing(Problem::severity));
        return all;
    }
}
