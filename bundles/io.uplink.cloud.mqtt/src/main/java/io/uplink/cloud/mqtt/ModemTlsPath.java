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
 * The connection path of an endpoint in TLS mode {@code modem}: the trust and identity aliases of the credential
 * store are provisioned into the modem (in its form, compared first, read back), then the modem opens the TLS
 * session itself. Provisioning runs again only when the store's content or the attached modem changed, so a
 * reconnect over NB-IoT does not read the files back every time.
 *
 * <p>Called on the endpoint's worker thread only.
 */
final class ModemTlsPath {

    private static final Logger LOG = LoggerFactory.getLogger(ModemTlsPath.class);

    /** What was opened and how to describe it. */
    record Opened(Connection connection, String path) {
    }

    private final String endpointId;
    private final Supplier<Modem> modem;
    private final Supplier<CredentialStore> store;
    private final String trustAlias;
    private final String identityAlias;
    private final String serverName;
    /** set name -> content digest provisioned, per modem object (a re-attached modem is a new object). */
    private final Map<String, String> provisioned = new ConcurrentHashMap<>();
    private Modem provisionedOn;

    ModemTlsPath(String endpointId, Supplier<Modem> modem, Supplier<CredentialStore> store, String trustAlias,
            String identityAlias, String serverName) {
        this.endpointId = endpointId;
        this.modem = modem;
        this.store = store;
        this.trustAlias = trustAlias;
        this.identityAlias = identityAlias;
        this.serverName = serverName;
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
        CredentialStore s = store.get();
        if (s == null) {
            throw new IOException("the credential store is not running (start io.uplink.credentials): modem TLS "
                    + "provisions its certificates from it");
        }
        if (provisionedOn != m) {
            provisioned.clear();
            provisionedOn = m;
        }
        String trustSet = setName(trustAlias);
        provision(tls, trustSet, () -> ModemCredentials.trust(trustSet, export(s, trustAlias,
                CredentialPart.TRUST_ANCHORS, tls.pemStyle())));
        String identitySet = null;
        if (!identityAlias.isEmpty()) {
            identitySet = setName(identityAlias);
            String set = identitySet;
            provision(tls, set, () -> ModemCredentials.identity(set, null, export(s, identityAlias,
                    CredentialPart.CLIENT_CERTIFICATE, tls.pemStyle()), export(s, identityAlias,
                            CredentialPart.PRIVATE_KEY, tls.pemStyle())));
        }
        ModemTlsProfile profile = ModemTlsProfile.builder().serverName(serverName)
                .verification(identitySet == null ? ModemTlsProfile.Verification.SERVER
                        : ModemTlsProfile.Verification.MUTUAL)
                .trustSet(trustSet).identitySet(identitySet).build();
        Connection c = tls.connect(host, port, timeout, profile);
        return new Opened(c, m.transport().describe() + ", the modem's own TLS ("
                + String.join("/", tls.capabilities().versions().stream().sorted().toList()) + "; trust '"
                + trustAlias + "'" + (identitySet == null ? "" : ", identity '" + identityAlias + "'")
                + (serverName == null ? ", no SNI" : ", SNI " + serverName) + ")");
    }

    private interface Content {
        ModemCredentials get() throws IOException;
    }

    private void provision(ModemTls tls, String set, Content content) throws IOException {
        ModemCredentials c = content.get();
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
