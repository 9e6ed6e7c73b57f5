package io.uplink.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import io.uplink.cloud.EndpointProfile;
import io.uplink.cloud.mqtt.EndpointSettings;
import io.uplink.cloud.mqtt.ModemTlsPath;
import io.uplink.cloud.mqtt.MqttCloudConnection;
import io.uplink.credentials.ClientIdentity;
import io.uplink.credentials.CredentialException;
import io.uplink.credentials.CredentialPart;
import io.uplink.credentials.PemStyle;
import io.uplink.credentials.store.BcCredentialStore;
import io.uplink.modem.Modem;
import io.uplink.modem.ModemCredentials;
import io.uplink.modem.ModemDialect;
import io.uplink.modem.ModemException;
import io.uplink.modem.ModemIdentity;
import io.uplink.modem.ModemSettings;
import io.uplink.modem.SerialLink;
import io.uplink.modem.emulator.Bg95Options;
import io.uplink.modem.emulator.Faults;
import io.uplink.modem.emulator.LinkModel;
import io.uplink.modem.emulator.ModuleSettings;
import io.uplink.modem.emulator.Personalities;
import io.uplink.modem.emulator.VirtualSerialLine;
import io.uplink.modem.nordic.NordicSlmDialect;
import io.uplink.modem.quectel.QuectelBc66Dialect;
import io.uplink.modem.quectel.QuectelBg9xDialect;
import io.uplink.modem.sierra.SierraHl78Dialect;
import io.uplink.modem.serial.JSerialCommLink;
import io.uplink.modem.serial.ModemIdentification;
import io.uplink.modem.serial.SerialAtChannel;
import io.uplink.tls.TlsClientProfile;
import io.uplink.tls.TlsEngine;
import io.uplink.tls.bc.BcTlsEngine;
import io.uplink.transport.Transport;
import io.uplink.transport.os.OsSocketTransport;
import io.uplink.transport.os.SocketSettings;

/**
 * The whole Uplink client path for the command line, built from the same classes the gateway's bundles run: a
 * transport (the OS network or a modem through its dialect), the Bouncy Castle TLS engine, credentials read by the
 * credential store's reader, and the MQTT connection with its durable queue.
 */
final class ClientPath implements AutoCloseable {

    private final List<AutoCloseable> resources = new ArrayList<>();
    private Transport transport;
    private Modem modem;
    private String modemDescription = "";

    /** Thrown for problems the user fixes by changing arguments, files or the modem set-up. */
    static final class PathException extends Exception {
        private static final long serialVersionUID = 1L;

        private final boolean badInput;

        PathException(String message, Throwable cause) {
            this(message, cause, false);
        }

        PathException(String message, Throwable cause, boolean badInput) {
            super(message, cause);
            this.badInput = badInput;
        }

        /** The command's own input (a file, standard input) is wrong, not the path: exit code 2. */
        boolean badInput() {
            return badInput;
        }
    }

    /** Opens the transport: attaches the modem first when {@code --modem} was given. */
    void openTransport(ClientOptions o) throws PathException {
        if (o.modem.isEmpty()) {
            transport = new OsSocketTransport(SocketSettings.DEFAULTS);
            return;
        }
        attach(o, openChannel(o));
    }

    /** Opens the modem's port (or the emulator) and an AT channel on it; closed with this path. */
    SerialAtChannel openChannel(ClientOptions o) throws PathException {
        SerialLink link;
        try {
            if (o.modem.startsWith("emulator:")) {
                // any personality (emulator:bg95, emulator:hl7800, ...); an unknown name is refused with the list
                VirtualSerialLine line = new VirtualSerialLine("emulated-" + o.modem.substring(9), o.baud);
                resources.add(line::close);
                resources.add(Personalities.start(o.modem, line.modemEnd(), new ModuleSettings(
                        LinkModel.DEFAULT.withBaud(o.baud), Faults.NONE, "", Bg95Options.DEFAULTS)));
                link = line.gatewayEnd();
            } else {
                JSerialCommLink port = JSerialCommLink.open(o.modem, o.baud, false);
                resources.add(port::close);
                link = port;
            }
        } catch (IOException e) {
            throw new PathException("cannot open the modem port " + o.modem + ": " + e.getMessage(), e);
        }
        SerialAtChannel at = new SerialAtChannel(link);
        resources.add(at);
        return at;
    }

    /** Identifies the module, attaches it with its dialect (PDP context up) and takes its sockets as transport. */
    void attach(ClientOptions o, SerialAtChannel at) throws PathException {
        try {
            ModemIdentity identity = ModemIdentification.identify(at);
            ModemDialect dialect = java.util.stream.Stream.<ModemDialect>of(new QuectelBg9xDialect(),
                    new QuectelBc66Dialect(), new NordicSlmDialect(), new SierraHl78Dialect())
                    .filter(d -> d.matches(identity)).findFirst()
                    .orElseThrow(() -> new PathException("the modem on " + o.modem + " is " + identity + "; this "
                            + "command line drives Quectel BG95/BG96/BG77/BG600L and BC66/BC660K/BC950K, Nordic nRF91 "
                            + "(Serial LTE Modem) and Sierra Wireless HL78xx (other dialects run inside the gateway)",
                            null));
            String apn = o.apn.isEmpty() && o.modem.startsWith("emulator:") ? "iot.emulated" : o.apn;
            Modem modem = dialect.attach(at, identity, new ModemSettings(apn, "", "", "", 1,
                    Map.of("registration.timeout.s", "180")));
            resources.add(0, modem::detach);
            this.modem = modem;
            transport = modem.transport();
            modemDescription = identity.toString();
        } catch (ModemException e) {
            throw new PathException("the modem on " + o.modem + " did not attach: " + e.getMessage()
                    + (e.fix().isEmpty() ? "" : " Fix: " + e.fix()), e);
        }
    }

    Transport transport() {
        return transport;
    }

    /** The attached modem, or {@code null} on the OS network. */
    Modem modem() {
        return modem;
    }

    String modemDescription() {
        return modemDescription;
    }

    /** The MQTT connection for these options; its queue lives in {@code queueFile}. */
    MqttCloudConnection connect(ClientOptions o, String endpointId, String clientId, boolean cleanSession,
            Path queueFile, Path home) throws PathException, IOException {
        char[] password = o.passwordStdin ? readPassword() : null;
        EndpointProfile profile;
        try {
            profile = EndpointProfile.fromId(o.profile);
        } catch (IllegalArgumentException e) {
            throw new PathException("--profile: " + e.getMessage(), e);
        }
        boolean tls = o.tlsOn();
        String sni = o.sni.isEmpty() ? o.host : o.sni;
        EndpointSettings settings = new EndpointSettings(endpointId, profile, o.host, o.effectivePort(), clientId,
                o.keepAlive, cleanSession, o.username, password, "modem".equals(o.tls) ? "modem" : tls ? "host"
                        : "none", sni, o.alpn,
                Duration.ofSeconds(30), 10, 1_000_000, 256L << 20, o.mqttVersion);
        List<String> problems = settings.problems();
        if (!problems.isEmpty()) {
            throw new PathException(String.join(" ", problems), null);
        }
        if ("modem".equals(o.tls)) {
            boolean address = o.host.matches("[0-9.]+") || o.host.contains(":");
            ModemTlsPath modemTls = new ModemTlsPath(endpointId, () -> modem, modemSets(o, home),
                    o.sni.isEmpty() ? (address ? null : o.host) : o.sni);
            Transport t = transport;
            MqttCloudConnection c = new MqttCloudConnection(settings, queueFile, () -> t, () -> null, null,
                    () -> password, modemTls);
            resources.add(0, c);
            return c;
        }
        Supplier<TlsClientProfile.Builder> profileBuilder = null;
        TlsEngine engine = null;
        if (tls) {
            TlsClientProfile.Builder preset = tlsPreset(o, sni, home);
            profileBuilder = () -> preset;
            engine = new BcTlsEngine(List.of(), 8, Clock.systemUTC());
        }
        TlsEngine finalEngine = engine;
        Transport t = transport;
        MqttCloudConnection c = new MqttCloudConnection(settings, queueFile, () -> t, () -> finalEngine,
                profileBuilder);
        resources.add(0, c);
        return c;
    }

    /** Server name, ALPN, anchors and identity, read and checked now so that a bad file fails before connecting. */
    private static TlsClientProfile.Builder tlsPreset(ClientOptions o, String sni, Path home) throws PathException {
        TlsClientProfile.Builder b = TlsClientProfile.builder(sni).alpn(o.alpn);
        if (!o.tlsPolicy.isEmpty()) {
            b.cipherPolicy(io.uplink.tls.CipherPolicy.valueOf(o.tlsPolicy.toUpperCase(java.util.Locale.ROOT)));
        }
        try {
            if (o.caFile != null) {
                b.trustAnchors(CredentialFiles.load("cafile", List.of(o.caFile), List.of("cafile")).anchors());
            }
            if (o.certFile != null) {
                ClientIdentity id = CredentialFiles.load("identity", List.of(o.certFile, o.keyFile),
                        List.of("cert", "key")).identity();
                if (id == null) {
                    throw new PathException(o.certFile + " and " + o.keyFile + " hold no client certificate with "
                            + "its private key", null);
                }
                b.clientIdentity(id);
            }
            if (!o.alias.isEmpty() || !o.trustAlias.isEmpty()) {
                BcCredentialStore store = BcCredentialStore.open(home.resolve("data/credentials/credentials.bcfks"),
                        "", "", Duration.ofDays(30), (a, c) -> { });
                if (!o.trustAlias.isEmpty()) {
                    List<java.security.cert.X509Certificate> anchors = store.trustAnchors(o.trustAlias);
                    if (anchors.isEmpty()) {
                        throw new PathException("the credential store has no CA certificates under '" + o.trustAlias
                                + "': import them with 'uplink creds import --alias " + o.trustAlias + " --ca FILE'",
                                null);
                    }
                    b.trustAnchors(anchors);
                }
                if (!o.alias.isEmpty()) {
                    b.clientIdentity(identity(store, o.alias, "alias '" + o.alias + "'"));
                }
            }
        } catch (CredentialException e) {
            throw new PathException(e.getMessage(), e);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new PathException("cannot read " + e.getFile() + ": there is no such file", e, true);
        } catch (IOException e) {
            throw new PathException("cannot read a certificate or key file: " + e.getMessage(), e, true);
        }
        return b;
    }

    /**
     * The sets for the modem's own TLS, read now so that a bad file fails before connecting: from the store's aliases
     * (named after them, as the gateway names them) or from the files (sets cli-ca and cli-id).
     */
    private static ModemTlsPath.CredentialSource modemSets(ClientOptions o, Path home) throws PathException {
        BcCredentialStore store = null;
        BcCredentialStore.Loaded ca = null;
        BcCredentialStore.Loaded id = null;
        try {
            if (!o.alias.isEmpty() || !o.trustAlias.isEmpty()) {
                store = BcCredentialStore.open(home.resolve("data/credentials/credentials.bcfks"), "", "",
                        Duration.ofDays(30), (a, c) -> { });
                if (!o.trustAlias.isEmpty() && store.trustAnchors(o.trustAlias).isEmpty()) {
                    throw new PathException("the credential store has no CA certificates under '" + o.trustAlias
                            + "': import them with 'uplink creds import --alias " + o.trustAlias + " --ca FILE'",
                            null);
                }
                if (!o.alias.isEmpty()) {
                    identity(store, o.alias, "alias '" + o.alias + "'");
                }
            }
            if (o.caFile != null) {
                ca = CredentialFiles.load("cafile", List.of(o.caFile), List.of("cafile"));
            }
            if (o.certFile != null) {
                id = CredentialFiles.load("identity", List.of(o.certFile, o.keyFile), List.of("cert", "key"));
                if (id.identity() == null) {
                    throw new PathException(o.certFile + " and " + o.keyFile + " hold no client certificate with "
                            + "its private key", null);
                }
            }
        } catch (CredentialException e) {
            throw new PathException(e.getMessage(), e);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new PathException("cannot read " + e.getFile() + ": there is no such file", e, true);
        } catch (IOException e) {
            throw new PathException("cannot read a certificate or key file: " + e.getMessage(), e, true);
        }
        BcCredentialStore s = store;
        BcCredentialStore.Loaded caFiles = ca;
        BcCredentialStore.Loaded idFiles = id;
        return new ModemTlsPath.CredentialSource() {
            @Override
            public ModemCredentials trust(PemStyle style) throws IOException {
                return caFiles != null ? ModemCredentials.trust("cli-ca", caFiles.exportPem(
                        CredentialPart.TRUST_ANCHORS, style)) : ModemCredentials.trust(ModemCredentials.nameFor(
                                o.trustAlias), export(s, o.trustAlias, CredentialPart.TRUST_ANCHORS, style));
            }

            @Override
            public ModemCredentials identity(PemStyle style) throws IOException {
                if (idFiles != null) {
                    return ModemCredentials.identity("cli-id", null, idFiles.exportPem(
                            CredentialPart.CLIENT_CERTIFICATE, style), idFiles.exportPem(CredentialPart.PRIVATE_KEY,
                                    style));
                }
                return o.alias.isEmpty() ? null : ModemCredentials.identity(ModemCredentials.nameFor(o.alias), null,
                        export(s, o.alias, CredentialPart.CLIENT_CERTIFICATE, style), export(s, o.alias,
                                CredentialPart.PRIVATE_KEY, style));
            }

            @Override
            public String describe() {
                return (caFiles != null ? "CA " + o.caFile : "trust '" + o.trustAlias + "'") + (idFiles != null
                        ? ", identity " + o.certFile : o.alias.isEmpty() ? "" : ", identity '" + o.alias + "'");
            }
        };
    }

    private static byte[] export(BcCredentialStore store, String alias, CredentialPart part, PemStyle style)
            throws IOException {
        try {
            return store.exportPem(alias, part, style);
        } catch (CredentialException e) {
            throw new IOException("the credential store cannot give " + part.name().toLowerCase(java.util.Locale.ROOT)
                    .replace('_', ' ') + " of alias '" + alias + "': " + e.getMessage(), e);
        }
    }

    private static ClientIdentity identity(BcCredentialStore store, String alias, String what) throws PathException {
        return store.clientIdentity(alias).orElseThrow(() -> new PathException(what + " holds no client certificate "
                + "with its private key", null));
    }

    private static char[] readPassword() throws IOException {
        String line = InputFiles.readLine(System.in, 4096, "the password on standard input");
        if (line == null) {
            throw new IOException("--password-stdin was given but standard input is empty");
        }
        return line.toCharArray();
    }

    /** Closes the connection first, then the modem, then the port; the shutdown hook and main may both call it. */
    @Override
    public synchronized void close() {
        for (AutoCloseable r : resources) {
            try {
                r.close();
            } catch (Exception e) {
                // closing on the way out: nothing left to protect
            }
        }
        resources.clear();
    }
}
