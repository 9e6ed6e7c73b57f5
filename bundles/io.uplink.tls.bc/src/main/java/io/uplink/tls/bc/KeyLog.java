package io.uplink.tls.bc;

import java.util.HexFormat;
import java.util.function.Consumer;

import org.bouncycastle.tls.SecurityParameters;
import org.bouncycastle.tls.crypto.TlsSecret;
import org.bouncycastle.tls.crypto.impl.AbstractTlsSecret;

/**
 * Writes NSS key log lines (the SSLKEYLOGFILE format) for a session, only when the profile asks for it. Secrets are
 * read through Bouncy Castle's protected {@code AbstractTlsSecret.copyData}, which copies without destroying them.
 */
abstract class KeyLog extends AbstractTlsSecret {

    private static final HexFormat HEX = HexFormat.of();

    /** Never instantiated: only the static helpers are used. */
    private KeyLog() {
        super(new byte[0]);
    }

    /** TLS 1.3, once the handshake keys exist. */
    static void handshakeSecrets(SecurityParameters p, Consumer<String> out) {
        line(out, "CLIENT_HANDSHAKE_TRAFFIC_SECRET", p.getClientRandom(), p.getTrafficSecretClient());
        line(out, "SERVER_HANDSHAKE_TRAFFIC_SECRET", p.getClientRandom(), p.getTrafficSecretServer());
    }

    /** TLS 1.3 application secrets, or the TLS 1.2 master secret, once the handshake completed. */
    static void sessionSecrets(SecurityParameters p, boolean tls13, Consumer<String> out) {
        if (tls13) {
            line(out, "CLIENT_TRAFFIC_SECRET_0", p.getClientRandom(), p.getTrafficSecretClient());
            line(out, "SERVER_TRAFFIC_SECRET_0", p.getClientRandom(), p.getTrafficSecretServer());
        } else {
            line(out, "CLIENT_RANDOM", p.getClientRandom(), p.getMasterSecret());
        }
    }

    private static void line(Consumer<String> out, String label, byte[] clientRandom, TlsSecret secret) {
        if (secret instanceof AbstractTlsSecret s && clientRandom != null) {
            try {
                out.accept(label + " " + HEX.formatHex(clientRandom) + " " + HEX.formatHex(copyData(s)));
            } catch (IllegalStateException destroyed) {
                // the secret is gone already; nothing to log for it
            }
        }
    }
}
