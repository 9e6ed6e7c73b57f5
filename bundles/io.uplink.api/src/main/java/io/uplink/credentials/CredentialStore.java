package io.uplink.credentials;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Imports, validates, stores (encrypted at rest) and hands out credentials under aliases.
 *
 * <p>Thread-safe. Every change (import, delete) is durable when the method returns and is announced to
 * {@link CredentialListener} services. No method ever puts key material, passphrases or the store secret into an
 * exception message or a log.
 *
 * @since 1.0
 */
@ProviderType
public interface CredentialStore {

    /**
     * Imports certificates and keys from PEM (any line endings, several blocks), DER or PKCS#12 content and stores
     * them under {@code alias}, replacing what the alias held.
     *
     * @param passphrase for an encrypted key or PKCS#12, {@code null} when none; the caller may wipe it afterwards
     * @return the validation report of what was stored
     * @throws CredentialException when nothing usable could be read; the previous contents stay untouched
     */
    ValidationReport importCredential(String alias, byte[] content, char[] passphrase) throws CredentialException;

    /**
     * As {@link #importCredential(String, byte[], char[])}, with a certificate and key checked for {@code use}: a
     * TLS server's certificate (the console's HTTPS) must allow serverAuth instead of clientAuth.
     *
     * @since 1.3
     */
    ValidationReport importCredential(String alias, byte[] content, char[] passphrase, CredentialUse use)
            throws CredentialException;

    /**
     * Reads and validates content without storing anything: what {@code uplink creds check} and an upload form show
     * before an import.
     *
     * @param contents one or more files (certificate, key, CA bundle, PKCS#12), in any supported form
     * @param passphrase for encrypted keys or PKCS#12, {@code null} when none
     * @throws CredentialException when some content is unreadable (the problems say which and why)
     * @since 1.1
     */
    ValidationReport inspect(List<byte[]> contents, char[] passphrase, ValidationContext context)
            throws CredentialException;

    /**
     * What {@code alias} holds, as PEM text in the form a consumer (typically a modem) wants.
     *
     * @throws CredentialException when the alias does not exist or does not hold that part
     * @since 1.1
     */
    byte[] exportPem(String alias, CredentialPart part, PemStyle style) throws CredentialException;

    /** Validates what {@code alias} holds against the expectations given, without changing anything. */
    ValidationReport validate(String alias, ValidationContext context) throws CredentialException;

    /** Summaries of every stored alias, sorted by alias. */
    List<CredentialSummary> list();

    /** The client certificate chain and key under {@code alias}, if it holds both. */
    Optional<ClientIdentity> clientIdentity(String alias);

    /** The trust anchors (CA certificates) under {@code alias}; empty when it holds none. */
    List<X509Certificate> trustAnchors(String alias);

    /**
     * Why the store cannot be used now (a damaged file, a secret that does not open it, a folder that cannot be read),
     * in plain words with the fix; empty when it works. A store with such a problem stays registered, so that this can
     * be shown; it never overwrites the file. Cheap enough for a status page to call every few seconds.
     *
     * @since 1.2
     */
    default String problem() {
        return "";
    }

    /**
     * Deletes {@code alias}.
     *
     * @return {@code false} if it did not exist
     */
    boolean delete(String alias) throws CredentialException;
}
