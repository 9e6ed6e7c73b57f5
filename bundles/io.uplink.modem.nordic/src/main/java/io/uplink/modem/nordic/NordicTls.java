package io.uplink.modem.nordic;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import io.uplink.credentials.PemStyle;
import io.uplink.modem.ModemCredentials;
import io.uplink.modem.ModemException;
import io.uplink.modem.ModemTls;
import io.uplink.modem.ModemTlsCapabilities;
import io.uplink.modem.ModemTlsProfile;
import io.uplink.modem.ModemTlsProfile.Verification;
import io.uplink.modem.ProvisioningListener;
import io.uplink.modem.ProvisioningReport;
import io.uplink.modem.StoredCredential;
import io.uplink.transport.Connection;
import io.uplink.transport.TransportException;
import io.uplink.transport.TransportException.Reason;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The nRF91's own TLS through the Serial LTE Modem: {@code AT#XSSOCKET=1,1,0,<sec_tag>,<peer_verify>} (TLS 1.2),
 * {@code AT#XSSOCKETOPT=1,2,"<name>"} (TLS_HOSTNAME: the SNI and the name the modem checks the certificate against),
 * then {@code AT#XCONNECT}, whose answer includes the handshake. {@code AT#XCONNECT} does not set TLS_HOSTNAME: without
 * the option no SNI is sent and no name is checked, so it is set on every socket with a name: the endpoint's host
 * unless the profile names another. Credentials through {@link NordicCredentials}.
 *
 * <p>Thread-safe: state lives in {@link NordicCredentials} and {@link NordicSockets}.
 */
final class NordicTls implements ModemTls {

    private static final Logger LOG = LoggerFactory.getLogger(NordicTls.class);

    /**
     * What nRF9160 firmware 1.3.x offers (Nordic's cipher-suites sample, fact sheet §7 [V]): TLS 1.2 only, ECDHE-ECDSA
     * and ECDHE-RSA with AES-GCM and AES-CBC; no ChaCha20, no RSA key exchange. The exact list within those families
     * is [U]; PSK suites are left out (Uplink does not provision PSKs).
     */
    static final List<Integer> SUITES = List.of(0xC02C, 0xC02B, 0xC030, 0xC02F, 0xC024, 0xC023, 0xC00A, 0xC009,
            0xC028, 0xC027, 0xC014, 0xC013);
    /** EC P-256/P-384 and RSA 2048 keys [U: larger RSA keys are not confirmed]. */
    static final Set<String> KEY_TYPES = Set.of("EC-P256", "EC-P384", "RSA-2048");

    private final NordicModemState state;
    private final NordicCredentials credentials;
    private volatile boolean checkHostWarned;

    NordicTls(NordicModemState state) {
        this.state = state;
        this.credentials = new NordicCredentials(state.at, state.identity.model(), state);
    }

    @Override
    public ModemTlsCapabilities capabilities() {
        return new ModemTlsCapabilities(Set.of("TLSv1.2"), SUITES, true, NordicCmng.MAX_PEM_BYTES, KEY_TYPES,
                NordicSockets.SOCKETS);
    }

    /** LF line ends (CR cannot go inside the quotes of AT%CMNG), 64 columns, traditional key blocks. */
    @Override
    public PemStyle pemStyle() {
        return new PemStyle(false, 64, true);
    }

    @Override
    public ProvisioningReport provision(ModemCredentials c, ProvisioningListener progress) throws ModemException {
        return credentials.provision(c, progress, capabilities());
    }

    @Override
    public List<StoredCredential> stored() throws ModemException {
        return credentials.stored();
    }

    @Override
    public boolean remove(String name) throws ModemException {
        return credentials.remove(name);
    }

    @Override
    public Connection connect(String host, int port, Duration timeout, ModemTlsProfile profile)
            throws TransportException {
        NordicSockets.validate(host, port, timeout);
        if (!profile.versions().isEmpty() && !profile.versions().contains("TLSv1.2")) {
            throw new TransportException(Reason.INVALID_REQUEST, "The " + state.identity.model() + "'s TLS speaks "
                    + "TLS 1.2 only, not " + profile.versions() + ".", "Allow TLS 1.2, or use host TLS "
                            + "(tls.mode=host) for TLS 1.3.");
        }
        if (!profile.cipherSuites().isEmpty() && profile.cipherSuites().stream().noneMatch(SUITES::contains)) {
            throw new TransportException(Reason.INVALID_REQUEST, "None of the cipher suites asked for is one the "
                    + state.identity.model() + " offers (ECDHE with AES-GCM or AES-CBC).", "Use host TLS "
                            + "(tls.mode=host) for other suites.");
        }
        String hostname = profile.serverName();
        if (hostname != null && (hostname.isBlank() || hostname.contains("\"") || hostname.length() > 128)) {
            throw new IllegalArgumentException("a TLS host name is at most 128 characters without quotes: " + hostname);
        }
        if (hostname != null && !profile.checkHostName() && !checkHostWarned) {
            checkHostWarned = true;
            LOG.warn("{}: the modem checks the server's certificate against the TLS host name {} whenever one is set "
                    + "(it is also the SNI); it cannot send SNI without checking", state.at.portName(), hostname);
        }
        long tag;
        int verify = profile.verification() == Verification.NONE ? 0 : 2;
        try {
            tag = tagFor(profile);
        } catch (ModemException e) {
            throw new TransportException(Reason.INVALID_REQUEST, e.getMessage(), e.fix(), e.rawText(), e);
        }
        return state.sockets.open("AT#XSSOCKET=1,1,0," + tag + "," + verify, "#XSSOCKET:", hostname, host, port,
                timeout.plus(profile.handshakeTimeout()), "TLS");
    }

    /** The one security tag the socket uses; for mutual TLS the identity's, holding the trust set's CA too. */
    private long tagFor(ModemTlsProfile profile) throws ModemException {
        String trust = profile.trustSet();
        String identity = profile.identitySet();
        if (profile.verification() == Verification.MUTUAL) {
            long id = NordicCmng.tag(identity);
            if (trust != null && NordicCmng.tag(trust) != id) {
                credentials.ensureCa(NordicCmng.tag(trust), id, trust);
            }
            return id;
        }
        String set = trust != null ? trust : identity;
        if (set == null) {
            throw new ModemException("The " + state.identity.model() + " opens a TLS socket only with a security tag, "
                    + "and the profile names no credential set.", "", "", "Provision a trust set (the broker's CA) "
                            + "and name it in the profile.");
        }
        return NordicCmng.tag(set);
    }
}
