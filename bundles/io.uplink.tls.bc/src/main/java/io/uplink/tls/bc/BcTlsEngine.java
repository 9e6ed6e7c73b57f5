package io.uplink.tls.bc;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.regex.Pattern;

import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

import io.uplink.tls.CipherPolicy;
import io.uplink.tls.TlsClientProfile;
import io.uplink.tls.TlsEngine;
import io.uplink.tls.TlsHandshakeException;
import io.uplink.tls.TlsSession;
import io.uplink.tls.TraceEvent;
import io.uplink.transport.Connection;

import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCryptoProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link TlsEngine} on Bouncy Castle's TLS API. Plain Java: the OSGi component and the command-line tools use it.
 * Thread-safe; the only shared state is the session cache.
 *
 * <p>Resumption: TLS 1.2 sessions (session IDs) are kept per endpoint and per trust (anchors, client identity, host
 * name check, ALPN; see {@link SessionCache}) and offered on the next handshake when the profile allows it. TLS 1.2
 * session tickets and TLS 1.3 PSK resumption are not possible with Bouncy Castle's client (1.78.1, also Kura's):
 * it neither offers a ticket back nor keeps a TLS 1.3 NewSessionTicket ({@code receive13NewSessionTicket} parses
 * and drops it), and its external-PSK API cannot stand in, because a resumption PSK's binder is derived with another
 * label ("res binder", not "ext binder"). Hence {@link CipherPolicy#CONSTRAINED} offers TLS 1.2 where it may.
 */
public final class BcTlsEngine implements TlsEngine {

    private static final Logger LOG = LoggerFactory.getLogger(BcTlsEngine.class);
    private static final Pattern DNS_NAME = Pattern.compile(
            "(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\\.?");

    private final Provider provider = new BouncyCastleProvider();
    private final JcaTlsCrypto crypto = new JcaTlsCryptoProvider().setProvider(provider).create(new SecureRandom());
    private final List<X509Certificate> defaultAnchors;
    private final SessionCache sessions;
    private final Clock clock;

    /**
     * @param defaultAnchors anchors for profiles that name none; empty means the JVM's own CA list
     * @param sessionCacheSize TLS 1.2 sessions kept for resumption, 0 to keep none
     */
    public BcTlsEngine(List<X509Certificate> defaultAnchors, int sessionCacheSize, Clock clock) {
        this.defaultAnchors = defaultAnchors.isEmpty() ? jvmAnchors() : List.copyOf(defaultAnchors);
        this.sessions = new SessionCache(Math.max(0, sessionCacheSize));
        this.clock = clock;
    }

    @Override
    public TlsSession handshake(Connection connection, TlsClientProfile profile) throws TlsHandshakeException {
        String host = profile.serverName();
        String sni = sniName(host);
        int port = port(connection.remote());
        if (!profile.verifyHostname()) {
            LOG.warn("TLS to {}: host name verification is OFF (diagnosis only); any certificate from a trusted CA "
                    + "is accepted", connection.remote());
        }
        if (profile.keyLog().isPresent()) {
            LOG.warn("TLS to {}: session secrets are being written to a key log (diagnosis only): anyone holding it "
                    + "can decrypt this session", connection.remote());
        }
        List<X509Certificate> anchors = profile.trustAnchors().isEmpty() ? defaultAnchors : profile.trustAnchors();
        HandshakeRecorder recorder = new HandshakeRecorder();
        TracingClientProtocol protocol = new TracingClientProtocol(recorder);
        String endpoint = host + ":" + port + ":" + sni;
        boolean tls12Only = profile.cipherPolicy() == CipherPolicy.CONSTRAINED
                && profile.versions().contains(TlsClientProfile.TLS_1_2) && !sessions.isKnownToRefuseTls12(endpoint);
        UplinkTlsClient client = new UplinkTlsClient(crypto, profile, sni, anchors, recorder, sessions,
                SessionCache.key(endpoint, anchors, profile.clientIdentity(), profile.verifyHostname(), profile.alpn()),
                provider, clock, tls12Only);
        long started = System.nanoTime();
        long deadline = started + profile.handshakeTimeout().toNanos();
        try {
            BcTlsSession session = new BcTlsSession(connection, protocol, client, recorder, port);
            session.handshake(deadline);
            LOG.info("TLS to {} ({}): {} {}{}, {} ms, {} bytes sent / {} received", connection.remote(),
                    sni == null ? "no SNI" : "SNI " + sni, session.protocol(), session.cipherSuite(),
                    session.resumed() ? ", resumed" : "", (System.nanoTime() - started) / 1_000_000,
                    recorder.sentTotal(), recorder.receivedTotal());
            logTrace(recorder);
            return session;
        } catch (IOException | RuntimeException e) {
            boolean deadlinePassed = System.nanoTime() >= deadline;
            closeQuietly(connection);
            TlsHandshakeException failure = FailureClassifier.classify(e, client, recorder,
                    host + ":" + port, port, deadlinePassed);
            if (tls12Only && failure.failure() == TlsHandshakeException.Failure.VERSION_MISMATCH
                    && profile.versions().size() > 1) {
                sessions.refusesTls12(endpoint);
                LOG.warn("TLS to {}: the server refuses TLS 1.2, which the constrained policy prefers because it "
                        + "resumes; the next attempt offers {}", connection.remote(), profile.versions());
            }
            LOG.warn("TLS handshake with {} failed ({}): {} Fix: {}", connection.remote(), failure.failure(),
                    failure.getMessage(), failure.fix());
            logTrace(recorder);
            throw failure;
        }
    }

    /** Forgets cached sessions (e.g. after the trust configuration changed). */
    public void clearSessions() {
        sessions.clear();
    }

    /** SNI must be a DNS name (RFC 6066): none for IP literals; a malformed name is refused up front. */
    static String sniName(String host) {
        if (ServerCertificateCheck.isIpLiteral(host)) {
            return null;
        }
        if (!DNS_NAME.matcher(host).matches()) {
            throw new IllegalArgumentException("'" + host + "' is not a valid DNS name for SNI: use the broker's "
                    + "host name, e.g. a1b2c3-ats.iot.eu-west-1.amazonaws.com");
        }
        return host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
    }

    private static int port(String remote) {
        try {
            return Integer.parseInt(remote.substring(remote.lastIndexOf(':') + 1));
        } catch (RuntimeException e) {
            return 443;
        }
    }

    private static void logTrace(HandshakeRecorder recorder) {
        if (LOG.isDebugEnabled()) {
            for (TraceEvent e : recorder.trace().events()) {
                LOG.debug("TLS {} +{} ms {} {} B {}", e.direction() == TraceEvent.Direction.SENT ? "->" : "<-",
                        e.offset().toMillis(), e.type(), e.size(), e.detail());
            }
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // the handshake failure is what matters
        }
    }

    static List<X509Certificate> jvmAnchors() {
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init((KeyStore) null);
            for (TrustManager tm : tmf.getTrustManagers()) {
                if (tm instanceof X509TrustManager x) {
                    return List.of(x.getAcceptedIssuers());
                }
            }
            return List.of();
        } catch (GeneralSecurityException e) {
            LOG.error("The JVM's CA list cannot be read ({}); configure trust anchors explicitly", e.getMessage());
            return List.of();
        }
    }
}
