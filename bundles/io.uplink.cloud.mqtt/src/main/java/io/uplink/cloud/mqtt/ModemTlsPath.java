package io.uplink.cloud.mqtt;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.uplink.credentials.CredentialException;
import io.uplink.credentials.CredentialPart;
import io.uplink.credentials.CredentialStore;
import io.uplink.credentials.PemStyle;
import io.uplink.modem.Modem;
import io.uplink.modem.ModemCredentials;
import io.uplink.modem.ModemException;
import io.uplink.modem.ModemTls;
import io.uplink.modem.ModemTlsProfile;
import io.uplink.modem.ProvisioningListener;
import io.uplink.modem.ProvisioningReport;
import io.uplink.transport.Connection;

/**
 * The connection path of an endpoint in TLS mode {@code modem}: the CA set and the client identity are provisioned
 * into the modem (in its form, compared first, read back), then the modem opens the TLS session itself. Provisioning
 * runs again only when the content or the attached modem changed, so a reconnect over NB-IoT does not read the files
 * back every time. The gateway takes the sets from credential store aliases ({@link #fromStore}); the command line
 * may take them from files.
 *
 * <p>Called on the endpoint's worker thread only.
 */
public final class ModemTlsPath {

    private static final Logger LOG = LoggerFactory.getLogger(ModemTlsPath.class);

    /** Where the sets to store in the modem come from, in the modem's PEM style. */
    public interface CredentialSource {
        /** The CA certificates the modem checks the server with (required: a modem has no CA list of its own). */
        ModemCredentials trust(PemStyle style) throws IOException;

        /** The client certificate and key, or null when the server does not want one. */
        ModemCredentials identity(PemStyle style) throws IOException;

        /** Where they come from, for the connection's path text, e.g. {@code trust 'aws-ca', identity 'dev1'}. */
        String describe();
    }

    /** What was opened and how to describe it. */
    record Opened(Connection connection, String path) {
    }

    private final String endpointId;
    private final Supplier<Modem> modem;
    private final CredentialSource source;
    private final String serverName;
    /** set name -> content digest provisioned, per modem object (a re-attached modem is a new object). */
    private final Map<String, String> provisioned = new ConcurrentHashMap<>();
    private Modem provisionedOn;

    /**
     * @param serverName the name to send (SNI) and to check the certificate against, or null (IP address)
     */
    public ModemTlsPath(String endpointId, Supplier<Modem> modem, CredentialSource source, String serverName) {
        this.endpointId = endpointId;
        this.modem = modem;
        this.source = source;
        this.serverName = serverName;
    }

    /** The sets from the credential store's aliases, named after them; {@code identityAlias} empty for none. */
    public static ModemTlsPath fromStore(String endpointId, Supplier<Modem> modem, Supplier<CredentialStore> store,
            String trustAlias, String identityAlias, String serverName) {
        return new ModemTlsPath(endpointId, modem, new CredentialSource() {
            @Override
            public ModemCredentials trust(PemStyle style) throws IOException {
                return ModemCredentials.trust(setName(trustAlias), export(running(store), trustAlias,
                        CredentialPart.TRUST_ANCHORS, style));
            }

            @Override
            public ModemCredentials identity(PemStyle style) throws IOException {
                if (identityAlias.isEmpty()) {
                    return null;
                }
                CredentialStore s = running(store);
                return ModemCredentials.identity(setName(identityAlias), null, export(s, identityAlias,
                        CredentialPart.CLIENT_CERTIFICATE, style), export(s, identityAlias, CredentialPart.PRIVATE_KEY,
                                style));
            }

            @Override
            public String describe() {
                return "trust '" + trustAlias + "'" + (identityAlias.isEmpty() ? "" : ", identity '" + identityAlias
                        + "'");
            }
        }, serverName);
    }

    private static CredentialStore running(Supplier<CredentialStore> store) throws IOException {
        CredentialStore s = store.get();
        if (s == null) {
            throw new IOException("the credential store is not running (start io.uplink.credentials): modem TLS "
                    + "provisions its certificates from it");
        }
        return s;
    }

    Opened open(String host, int port, Duration timeout) throws IOException {
        Modem m = modem.get();
        if (m == null) {
            throw new IOException("the modem of endpoint '" + endpointId + "' is not attached (yet): modem TLS runs "
                    + "in the modem, so the connection waits for it (see the modem's log)");
        }
        ModemTls tls = m.tls().orElseThrow(() -> new IOException("the " + m.identity() + " (dialect "
                + m.dialectFamily() + ") has no TLS of its own that Uplink can drive: set tls.mode=host (the "
                + "gateway's TLS over the modem's plain sockets)"));
        if (provisionedOn != m) {
            provisioned.clear();
            provisionedOn = m;
        }
        ModemCredentials trust = source.trust(tls.pemStyle());
        provision(tls, trust);
        ModemCredentials identity = source.identity(tls.pemStyle());
        if (identity != null) {
            provision(tls, identity);
        }
        ModemTlsProfile profile = ModemTlsProfile.builder().serverName(serverName)
                .verification(identity == null ? ModemTlsProfile.Verification.SERVER
                        : ModemTlsProfile.Verification.MUTUAL)
                .trustSet(trust.name()).identitySet(identity == null ? null : identity.name()).build();
        Connection c = tls.connect(host, port, timeout, profile);
        return new Opened(c, m.transport().describe() + ", the modem's own TLS ("
                + String.join("/", tls.capabilities().versions().stream().sorted().toList()) + "; "
                + source.describe() + (serverName == null ? ", no SNI" : ", SNI " + serverName) + ")");
    }

    private void provision(ModemTls tls, ModemCredentials c) throws IOException {
        String set = c.name();
        String digest = digest(c);
        if (digest.equals(provisioned.get(set))) {
            return;
        }
        ProvisioningReport r;
        try {
            r = tls.provision(c, ProvisioningListener.NONE);
        } catch (ModemException e) {
            throw new IOException("provisioning '" + set + "' into the modem failed: " + e.getMessage() + " Fix: "
                    + e.fix(), e);
        }
        provisioned.put(set, digest);
        if (r.unchanged()) {
            LOG.info("Endpoint '{}': credentials '{}' are in the modem already, identical", endpointId, set);
        } else {
            LOG.info("Endpoint '{}': provisioned '{}' into the modem ({} bytes sent): {}", endpointId, set,
                    r.bytesSent(), r.items());
        }
    }

    private static byte[] export(CredentialStore s, String alias, CredentialPart part, PemStyle style)
            throws IOException {
        try {
            return s.exportPem(alias, part, style);
        } catch (CredentialException e) {
            throw new IOException("the credential store cannot give " + part.name().toLowerCase().replace('_', ' ')
                    + " of alias '" + alias + "': " + e.getMessage(), e);
        }
    }

    static String setName(String alias) {
        return ModemCredentials.nameFor(alias);
    }

    private static String digest(ModemCredentials c) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(c.name().getBytes(StandardCharsets.UTF_8));
            for (io.uplink.modem.CredentialKind k : io.uplink.modem.CredentialKind.values()) {
                byte[] b = c.part(k);
                md.update((byte) (b == null ? 0 : 1));
                if (b != null) {
                    md.update(b);
                }
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
