package io.uplink.modem;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A named set of credentials to store in a modem: CA certificates (to verify servers), a client certificate and its
 * private key, each PEM text already laid out as {@link ModemTls#pemStyle()} asks. Any part may be absent.
 *
 * @since 1.2
 */
public final class ModemCredentials {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,24}");

    private final String name;
    private final byte[] caCertificates;
    private final byte[] clientCertificate;
    private final byte[] privateKey;

    private ModemCredentials(String name, byte[] ca, byte[] cert, byte[] key) {
        if (!NAME.matcher(Objects.requireNonNull(name, "name")).matches()) {
            throw new IllegalArgumentException("a credential set name for a modem is 1-24 letters, digits, '_' or "
                    + "'-' (modem file names are short): '" + name + "'");
        }
        if (ca == null && cert == null && key == null) {
            throw new IllegalArgumentException("credential set '" + name + "' holds nothing to store");
        }
        if ((cert == null) != (key == null)) {
            throw new IllegalArgumentException("credential set '" + name + "': a client certificate and its private "
                    + "key go together");
        }
        this.name = name;
        this.caCertificates = ca == null ? null : ca.clone();
        this.clientCertificate = cert == null ? null : cert.clone();
        this.privateKey = key == null ? null : key.clone();
    }

    /** Only CA certificates, to verify servers. */
    public static ModemCredentials trust(String name, byte[] caCertificates) {
        return new ModemCredentials(name, Objects.requireNonNull(caCertificates, "caCertificates"), null, null);
    }

    /** A client identity, with the CA certificates to verify servers when {@code caCertificates} is not null. */
    public static ModemCredentials identity(String name, byte[] caCertificates, byte[] clientCertificate,
            byte[] privateKey) {
        return new ModemCredentials(name, caCertificates, Objects.requireNonNull(clientCertificate, "certificate"),
                Objects.requireNonNull(privateKey, "privateKey"));
    }

    /**
     * A valid set name made from any label (a credential store alias): characters outside letters, digits, '_' and
     * '-' become '-', cut to 24; {@code "uplink"} when nothing is left.
     */
    public static String nameFor(String label) {
        String s = label == null ? "" : label.replaceAll("[^A-Za-z0-9_-]", "-");
        s = s.length() <= 24 ? s : s.substring(0, 24);
        return s.isEmpty() ? "uplink" : s;
    }

    public String name() {
        return name;
    }

    /** The bytes of a part, or {@code null} when the set does not hold it. */
    public byte[] part(CredentialKind kind) {
        byte[] b = switch (kind) {
        case CA_CERTIFICATES -> caCertificates;
        case CLIENT_CERTIFICATE -> clientCertificate;
        case PRIVATE_KEY -> privateKey;
        };
        return b == null ? null : b.clone();
    }

    @Override
    public String toString() {
        return "ModemCredentials[" + name + (caCertificates != null ? ", CA" : "")
                + (clientCertificate != null ? ", certificate and key" : "") + "]";
    }
}
