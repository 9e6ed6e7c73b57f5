package io.uplink.tls;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import io.uplink.credentials.ClientIdentity;

/**
 * What a TLS client offers and verifies. Immutable; build with {@link #builder(String)}.
 *
 * <p>Secure by default: the server certificate is verified against {@link #trustAnchors()} and its name against
 * {@link #serverName()}; SNI is always sent.
 *
 * @since 1.0
 */
public final class TlsClientProfile {

    /** TLS 1.3 protocol name. */
    public static final String TLS_1_3 = "TLSv1.3";
    /** TLS 1.2 protocol name. */
    public static final String TLS_1_2 = "TLSv1.2";

    private final String serverName;
    private final List<String> alpn;
    private final Set<String> versions;
    private final CipherPolicy cipherPolicy;
    private final List<String> cipherSuites;
    private final int maxFragmentLength;
    private final List<X509Certificate> trustAnchors;
    private final ClientIdentity clientIdentity;
    private final boolean verifyHostname;
    private final boolean resumeSessions;
    private final Duration handshakeTimeout;
    private final java.util.function.Consumer<String> keyLog;

    private TlsClientProfile(Builder b) {
        this.serverName = b.serverName;
        this.alpn = List.copyOf(b.alpn);
        this.versions = Set.copyOf(b.versions);
        this.cipherPolicy = b.cipherPolicy;
        this.cipherSuites = List.copyOf(b.cipherSuites);
        this.maxFragmentLength = b.maxFragmentLength;
        this.trustAnchors = List.copyOf(b.trustAnchors);
        this.clientIdentity = b.clientIdentity;
        this.verifyHostname = b.verifyHostname;
        this.resumeSessions = b.resumeSessions;
        this.handshakeTimeout = b.handshakeTimeout;
        this.keyLog = b.keyLog;
    }

    /** A builder for a connection to {@code serverName}, which is sent as SNI and checked against the certificate. */
    public static Builder builder(String serverName) {
        return new Builder(serverName);
    }

    /** The SNI name and the name the server certificate must match. */
    public String serverName() {
        return serverName;
    }

    /** ALPN protocol names to offer, in preference order; empty to send no ALPN extension. */
    public List<String> alpn() {
        return alpn;
    }

    /** Protocol versions to offer ({@link #TLS_1_3}, {@link #TLS_1_2}). */
    public Set<String> versions() {
        return versions;
    }

    public CipherPolicy cipherPolicy() {
        return cipherPolicy;
    }

    /** IANA suite names for {@link CipherPolicy#EXPLICIT}; empty otherwise. */
    public List<String> cipherSuites() {
        return cipherSuites;
    }

    /** RFC 6066 max_fragment_length in bytes (512, 1024, 2048, 4096), or 0 to not ask for one. */
    public int maxFragmentLength() {
        return maxFragmentLength;
    }

    /** Trust anchors for the server chain; empty means the engine's configured default anchors. */
    public List<X509Certificate> trustAnchors() {
        return trustAnchors;
    }

    /** The client certificate and key for mutual TLS, if any. */
    public Optional<ClientIdentity> clientIdentity() {
        return Optional.ofNullable(clientIdentity);
    }

    public boolean verifyHostname() {
        return verifyHostname;
    }

    /** Whether TLS 1.2 sessions may be resumed from the engine's per-endpoint cache. */
    public boolean resumeSessions() {
        return resumeSessions;
    }

    public Duration handshakeTimeout() {
        return handshakeTimeout;
    }

    /**
     * Where to send the session's secrets as NSS key log lines (the SSLKEYLOGFILE format Wireshark reads), if
     * requested. Anyone holding these lines can decrypt the session: for diagnosis only, never on by default.
     *
     * @since 1.1
     */
    public Optional<java.util.function.Consumer<String>> keyLog() {
        return Optional.ofNullable(keyLog);
    }

    @Override
    public String toString() {
        return "TlsClientProfile[serverName=" + serverName + ", alpn=" + alpn + ", versions=" + versions
                + ", cipherPolicy=" + cipherPolicy + ", maxFragmentLength=" + maxFragmentLength + ", trustAnchors="
                + trustAnchors.size() + ", clientIdentity=" + clientIdentity + ", verifyHostname=" + verifyHostname
                + ", resumeSessions=" + resumeSessions + ", handshakeTimeout=" + handshakeTimeout
                + (keyLog != null ? ", keyLog=ON" : "") + "]";
    }

    /** Builds a {@link TlsClientProfile}. Not thread-safe. */
    public static final class Builder {
        private final String serverName;
        private List<String> alpn = List.of();
        private Set<String> versions = Set.of(TLS_1_3, TLS_1_2);
        private CipherPolicy cipherPolicy = CipherPolicy.MODERN;
        private List<String> cipherSuites = List.of();
        private int maxFragmentLength;
        private List<X509Certificate> trustAnchors = List.of();
        private ClientIdentity clientIdentity;
        private boolean verifyHostname = true;
        private boolean resumeSessions = true;
        private Duration handshakeTimeout = Duration.ofSeconds(30);
        private java.util.function.Consumer<String> keyLog;

        private Builder(String serverName) {
            Objects.requireNonNull(serverName, "serverName");
            if (serverName.isBlank()) {
                throw new IllegalArgumentException("serverName must not be blank: it is sent as SNI");
            }
            this.serverName = serverName;
        }

        public Builder alpn(List<String> value) {
            this.alpn = Objects.requireNonNull(value);
            return this;
        }

        public Builder versions(Set<String> value) {
            if (value.isEmpty() || !Set.of(TLS_1_3, TLS_1_2).containsAll(value)) {
                throw new IllegalArgumentException("versions must be a non-empty subset of TLSv1.3, TLSv1.2: " + value);
            }
            this.versions = value;
            return this;
        }

        public Builder cipherPolicy(CipherPolicy value) {
            this.cipherPolicy = Objects.requireNonNull(value);
            return this;
        }

        /** Sets the explicit suite list and the policy to {@link CipherPolicy#EXPLICIT}. */
        public Builder cipherSuites(List<String> value) {
            if (value.isEmpty()) {
                throw new IllegalArgumentException("an explicit cipher-suite list must not be empty");
            }
            this.cipherSuites = value;
            this.cipherPolicy = CipherPolicy.EXPLICIT;
            return this;
        }

        public Builder maxFragmentLength(int value) {
            if (value != 0 && value != 512 && value != 1024 && value != 2048 && value != 4096) {
                throw new IllegalArgumentException("max_fragment_length must be 0, 512, 1024, 2048 or 4096: " + value);
            }
            this.maxFragmentLength = value;
            return this;
        }

        public Builder trustAnchors(List<X509Certificate> value) {
            this.trustAnchors = Objects.requireNonNull(value);
            return this;
        }

        public Builder clientIdentity(ClientIdentity value) {
            this.clientIdentity = value;
            return this;
        }

        /** Turning hostname verification off is for diagnosis only; the engine logs a warning. */
        public Builder verifyHostname(boolean value) {
            this.verifyHostname = value;
            return this;
        }

        public Builder resumeSessions(boolean value) {
            this.resumeSessions = value;
            return this;
        }

        public Builder handshakeTimeout(Duration value) {
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException("handshake timeout must be positive");
            }
            this.handshakeTimeout = value;
            return this;
        }

        /**
         * Sends the session secrets as NSS key log lines to {@code lines} (see {@link TlsClientProfile#keyLog()}).
         *
         * @since 1.1
         */
        public Builder keyLog(java.util.function.Consumer<String> lines) {
            this.keyLog = lines;
            return this;
        }

        public TlsClientProfile build() {
            return new TlsClientProfile(this);
        }
    }
}
