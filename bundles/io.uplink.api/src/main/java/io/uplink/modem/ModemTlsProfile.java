package io.uplink.modem;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * How a modem TLS session is opened: the server name (SNI) and whether the modem checks it against the certificate,
 * the versions and suites to offer, how the server is verified, and which stored credential sets to use. Secure by
 * default: the server is verified against the trust set, SNI names the host.
 *
 * <p>Immutable; build with {@link #builder()}.
 *
 * @since 1.2
 */
public final class ModemTlsProfile {

    /** How the modem verifies the peer. */
    public enum Verification {
        /** No verification at all: only for tests; anyone in the path can read and change the session. */
        NONE,
        /** The server's chain must end at the trust set's CA certificates. */
        SERVER,
        /** As {@link #SERVER}, and the modem presents the identity set's certificate. */
        MUTUAL
    }

    private final String serverName;
    private final boolean checkHostName;
    private final Set<String> versions;
    private final List<Integer> cipherSuites;
    private final Verification verification;
    private final String trustSet;
    private final String identitySet;
    private final boolean checkDates;
    private final Duration handshakeTimeout;

    private ModemTlsProfile(Builder b) {
        this.serverName = b.serverName;
        this.checkHostName = b.checkHostName;
        this.versions = Set.copyOf(b.versions);
        this.cipherSuites = List.copyOf(b.cipherSuites);
        this.verification = b.verification;
        this.trustSet = b.trustSet;
        this.identitySet = b.identitySet;
        this.checkDates = b.checkDates;
        this.handshakeTimeout = b.handshakeTimeout;
        if (verification != Verification.NONE && trustSet == null) {
            throw new IllegalArgumentException("verifying the server needs a trust set (CA certificates stored in "
                    + "the modem)");
        }
        if (verification == Verification.MUTUAL && identitySet == null) {
            throw new IllegalArgumentException("mutual TLS needs an identity set (client certificate and key stored "
                    + "in the modem)");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The name sent as SNI, or {@code null} to send none (an IP address, or a server that needs none). */
    public String serverName() {
        return serverName;
    }

    /** Whether the modem checks the server certificate's names against {@link #serverName()}. */
    public boolean checkHostName() {
        return checkHostName;
    }

    /** Versions to offer, e.g. {@code TLSv1.2}; empty means the modem's own default. */
    public Set<String> versions() {
        return versions;
    }

    /** IANA codes of the suites to offer; empty means all the modem has. */
    public List<Integer> cipherSuites() {
        return cipherSuites;
    }

    public Verification verification() {
        return verification;
    }

    /** The stored credential set whose CA certificates verify the server, or {@code null}. */
    public String trustSet() {
        return trustSet;
    }

    /** The stored credential set whose certificate and key identify the client, or {@code null}. */
    public String identitySet() {
        return identitySet;
    }

    /** Whether the modem checks certificate dates (it needs a correct clock). */
    public boolean checkDates() {
        return checkDates;
    }

    public Duration handshakeTimeout() {
        return handshakeTimeout;
    }

    @Override
    public String toString() {
        return "ModemTlsProfile[sni=" + serverName + ", checkHost=" + checkHostName + ", versions=" + versions
                + ", suites=" + cipherSuites.size() + ", " + verification + ", trust=" + trustSet + ", identity="
                + identitySet + ", dates=" + checkDates + "]";
    }

    /** Builds a {@link ModemTlsProfile}. */
    public static final class Builder {
        private String serverName;
        private boolean checkHostName = true;
        private Set<String> versions = Set.of();
        private List<Integer> cipherSuites = List.of();
        private Verification verification = Verification.SERVER;
        private String trustSet;
        private String identitySet;
        private boolean checkDates = true;
        private Duration handshakeTimeout = Duration.ofSeconds(60);

        private Builder() {
        }

        public Builder serverName(String name) {
            this.serverName = name;
            return this;
        }

        public Builder checkHostName(boolean check) {
            this.checkHostName = check;
            return this;
        }

        public Builder versions(Set<String> v) {
            this.versions = Objects.requireNonNull(v, "versions");
            return this;
        }

        public Builder cipherSuites(List<Integer> suites) {
            this.cipherSuites = Objects.requireNonNull(suites, "cipherSuites");
            return this;
        }

        public Builder verification(Verification v) {
            this.verification = Objects.requireNonNull(v, "verification");
            return this;
        }

        public Builder trustSet(String name) {
            this.trustSet = name;
            return this;
        }

        public Builder identitySet(String name) {
            this.identitySet = name;
            return this;
        }

        public Builder checkDates(boolean check) {
            this.checkDates = check;
            return this;
        }

        public Builder handshakeTimeout(Duration timeout) {
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("handshake timeout must be positive");
            }
            this.handshakeTimeout = timeout;
            return this;
        }

        public ModemTlsProfile build() {
            return new ModemTlsProfile(this);
        }
    }
}
