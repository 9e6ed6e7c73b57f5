package io.uplink.tls.bc;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Vector;

import io.uplink.credentials.ClientIdentity;
import io.uplink.tls.CipherPolicy;
import io.uplink.tls.TlsClientProfile;

import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.AlertLevel;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateEntry;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.CertificateStatusRequest;
import org.bouncycastle.tls.DefaultTlsClient;
import org.bouncycastle.tls.MaxFragmentLength;
import org.bouncycastle.tls.NameType;
import org.bouncycastle.tls.NamedGroup;
import org.bouncycastle.tls.ProtocolName;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.ServerName;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.SignatureScheme;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsExtensionsUtils;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.TlsSession;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;

/**
 * The Bouncy Castle client for one connection: offers what the profile says and nothing more (no OCSP request, no
 * FFDHE groups), verifies the server, presents the client identity, resumes TLS 1.2 sessions, and explains each step
 * in the {@link HandshakeRecorder}.
 */
final class UplinkTlsClient extends DefaultTlsClient {

    private final TlsClientProfile profile;
    private final String sniName;
    private final List<X509Certificate> anchors;
    private final HandshakeRecorder recorder;
    private final SessionCache sessions;
    private final String endpointKey;
    private final Provider provider;
    private final Clock clock;
    private final int[] offeredSuites;
    /** A constrained profile offering only what resumes (see {@link CipherPolicy#CONSTRAINED}). */
    private final boolean tls12Only;

    private volatile ServerCertificateCheck.Verdict verdict;
    private volatile boolean clientCertificateRequested;
    private volatile boolean clientCertificateSent;
    private volatile boolean handshakeComplete;
    private volatile List<X509Certificate> serverChain = List.of();
    private volatile String negotiatedVersion = "";
    private volatile String negotiatedSuite = "";

    UplinkTlsClient(JcaTlsCrypto crypto, TlsClientProfile profile, String sniName, List<X509Certificate> anchors,
            HandshakeRecorder recorder, SessionCache sessions, String endpointKey, Provider provider, Clock clock,
            boolean tls12Only) {
        super(crypto);
        this.tls12Only = tls12Only;
        this.profile = profile;
        this.sniName = sniName;
        this.anchors = anchors;
        this.recorder = recorder;
        this.sessions = sessions;
        this.endpointKey = endpointKey;
        this.provider = provider;
        this.clock = clock;
        this.offeredSuites = CipherSuites.offer(profile, crypto, tls12Only);
    }

    // --- what we offer ------------------------------------------------------------------------------------

    @Override
    protected ProtocolVersion[] getSupportedVersions() {
        List<ProtocolVersion> v = new ArrayList<>();
        if (profile.versions().contains(TlsClientProfile.TLS_1_3) && !tls12Only) {
            v.add(ProtocolVersion.TLSv13);
        }
        if (profile.versions().contains(TlsClientProfile.TLS_1_2)) {
            v.add(ProtocolVersion.TLSv12);
        }
        return v.toArray(new ProtocolVersion[0]);
    }

    @Override
    protected int[] getSupportedCipherSuites() {
        return offeredSuites.clone();
    }

    int[] offeredSuites() {
        return offeredSuites.clone();
    }

    @Override
    protected Vector getSupportedGroups(Vector namedGroupRoles) {
        Vector<Integer> groups = new Vector<>();
        groups.add(NamedGroup.x25519);
        groups.add(NamedGroup.secp256r1);
        groups.add(NamedGroup.secp384r1);
        return groups;
    }

    @Override
    protected Vector getSNIServerNames() {
        if (sniName == null) {
            return null;
        }
        Vector<ServerName> names = new Vector<>();
        names.add(new ServerName(NameType.host_name, sniName.getBytes(StandardCharsets.US_ASCII)));
        return names;
    }

    @Override
    protected Vector getProtocolNames() {
        if (profile.alpn().isEmpty()) {
            return null;
        }
        Vector<ProtocolName> names = new Vector<>();
        for (String p : profile.alpn()) {
            names.add(ProtocolName.asUtf8Encoding(p));
        }
        return names;
    }

    /** No OCSP status request: brokers rarely staple, and every byte counts on a cellular link. */
    @Override
    protected CertificateStatusRequest getCertificateStatusRequest() {
        return null;
    }

    @Override
    protected Vector getMultiCertStatusRequest() {
        return null;
    }

    @Override
    public boolean requiresExtendedMasterSecret() {
        // Constrained: resumption is its point, and Bouncy Castle resumes only sessions with extended master secret.
        return profile.cipherPolicy() == CipherPolicy.MODERN || profile.cipherPolicy() == CipherPolicy.CONSTRAINED;
    }

    @Override
    public Hashtable getClientExtensions() throws IOException {
        Hashtable extensions = super.getClientExtensions();
        short mfl = maxFragmentLength(profile.maxFragmentLength());
        if (mfl != 0) {
            TlsExtensionsUtils.addMaxFragmentLengthExtension(extensions, mfl);
        }
        return extensions;
    }

    private static short maxFragmentLength(int bytes) {
        switch (bytes) {
        case 512:
            return MaxFragmentLength.pow2_9;
        case 1024:
            return MaxFragmentLength.pow2_10;
        case 2048:
            return MaxFragmentLength.pow2_11;
        case 4096:
            return MaxFragmentLength.pow2_12;
        default:
            return 0;
        }
    }

    @Override
    public TlsSession getSessionToResume() {
        if (!profile.resumeSessions() || !profile.versions().contains(TlsClientProfile.TLS_1_2)) {
            return null;
        }
        return sessions.get(endpointKey);
    }

    // --- what happened ------------------------------------------------------------------------------------

    @Override
    public void notifyHandshakeBeginning() throws IOException {
        super.notifyHandshakeBeginning();
        recorder.annotateNext("ClientHello", "offers " + String.join(", ", profile.versions()) + "; "
                + offeredSuites.length + " suites: " + String.join(", ", CipherSuites.names(offeredSuites))
                + "; SNI " + (sniName == null ? "none (the host is an IP address)" : sniName)
                + (profile.alpn().isEmpty() ? "" : "; ALPN " + profile.alpn())
                + (profile.maxFragmentLength() > 0 ? "; max_fragment_length " + profile.maxFragmentLength() : "")
                + (tls12Only ? "; constrained policy: TLS 1.2 only, which this engine can resume" : "")
                + (getSessionToResume() != null ? "; resumes a cached session" : ""));
    }

    @Override
    public void notifyServerVersion(ProtocolVersion version) throws IOException {
        super.notifyServerVersion(version);
        negotiatedVersion = version.equals(ProtocolVersion.TLSv13) ? TlsClientProfile.TLS_1_3
                : version.equals(ProtocolVersion.TLSv12) ? TlsClientProfile.TLS_1_2 : version.getName();
        recorder.annotate("ServerHello", "server chose " + negotiatedVersion);
    }

    @Override
    public void notifySelectedCipherSuite(int selectedCipherSuite) {
        super.notifySelectedCipherSuite(selectedCipherSuite);
        negotiatedSuite = CipherSuites.name(selectedCipherSuite);
        recorder.annotate("ServerHello", "suite " + negotiatedSuite);
    }

    @Override
    public void notifyHandshakeComplete() throws IOException {
        super.notifyHandshakeComplete();
        handshakeComplete = true;
        boolean resumed = context.getSecurityParametersConnection().isResumedSession();
        TlsSession session = context.getSession();
        if (profile.resumeSessions() && session != null && session.isResumable()
                && TlsClientProfile.TLS_1_2.equals(negotiatedVersion)) {
            sessions.put(endpointKey, session);
        }
        profile.keyLog().ifPresent(out -> KeyLog.sessionSecrets(context.getSecurityParametersConnection(),
                TlsClientProfile.TLS_1_3.equals(negotiatedVersion), out));
        recorder.annotate("Finished", (resumed ? "resumed session; " : "") + "handshake complete: "
                + negotiatedVersion + ", " + negotiatedSuite + ", " + recorder.sentTotal() + " bytes sent, "
                + recorder.receivedTotal() + " received so far");
    }

    /** TLS 1.3: called when the handshake traffic secrets exist. */
    void handshakeKeysReady() {
        profile.keyLog().ifPresent(out -> KeyLog.handshakeSecrets(context.getSecurityParametersHandshake(), out));
    }

    @Override
    public void notifyAlertRaised(short alertLevel, short alertDescription, String message, Throwable cause) {
        recorder.sent("Alert", 0, "this client raised " + AlertLevel.getName(alertLevel) + " "
                + AlertDescription.getName(alertDescription) + (message == null ? "" : ": " + message));
    }

    @Override
    public void notifyAlertReceived(short alertLevel, short alertDescription) {
        recorder.received("Alert", "the server raised " + AlertLevel.getName(alertLevel) + " "
                + AlertDescription.getName(alertDescription));
    }

    @Override
    public TlsAuthentication getAuthentication() {
        return new TlsAuthentication() {
            @Override
            public void notifyServerCertificate(TlsServerCertificate serverCertificate) throws IOException {
                List<X509Certificate> chain = toX509(serverCertificate.getCertificate());
                serverChain = chain;
                recorder.annotate("Certificate", "server chain: " + ServerCertificateCheck.describe(chain));
                ServerCertificateCheck.Verdict v = ServerCertificateCheck.check(chain, anchors, profile.serverName(),
                        profile.verifyHostname(), clock.instant(), provider);
                if (v != null) {
                    verdict = v;
                    throw new TlsFatalAlert(alertFor(v));
                }
            }

            @Override
            public TlsCredentials getClientCredentials(CertificateRequest request) throws IOException {
                clientCertificateRequested = true;
                ClientIdentity id = profile.clientIdentity().orElse(null);
                recorder.annotate("CertificateRequest", "the server asks for a client certificate; "
                        + (id == null ? "none is configured, an empty certificate is sent"
                                : "sending " + ServerCertificateCheck.name(id.certificate())));
                if (id == null) {
                    return null;
                }
                clientCertificateSent = true;
                return signer(request, id);
            }
        };
    }

    private TlsCredentials signer(CertificateRequest request, ClientIdentity id) throws IOException {
        JcaTlsCrypto crypto = (JcaTlsCrypto) getCrypto();
        boolean tls13 = TlsClientProfile.TLS_1_3.equals(negotiatedVersion);
        TlsCertificate[] certs = new TlsCertificate[id.chain().size()];
        try {
            for (int i = 0; i < certs.length; i++) {
                certs[i] = crypto.createCertificate(id.chain().get(i).getEncoded());
            }
        } catch (GeneralSecurityException e) {
            throw new IOException("the client certificate cannot be encoded", e);
        }
        Certificate certificate;
        if (tls13) {
            CertificateEntry[] entries = new CertificateEntry[certs.length];
            for (int i = 0; i < certs.length; i++) {
                entries[i] = new CertificateEntry(certs[i], null);
            }
            certificate = new Certificate(request.getCertificateRequestContext(), entries);
        } else {
            certificate = new Certificate(certs);
        }
        SignatureAndHashAlgorithm alg = chooseSignature(request.getSupportedSignatureAlgorithms(), id.key(), tls13);
        return new JcaDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), crypto, id.key(), certificate,
                alg);
    }

    /** The first algorithm the server accepts that this key can make, in the server's preference order. */
    private static SignatureAndHashAlgorithm chooseSignature(Vector<?> serverAlgs, PrivateKey key, boolean tls13)
            throws IOException {
        List<Integer> ours = new ArrayList<>();
        switch (key.getAlgorithm()) {
        case "RSA":
            ours.add(SignatureScheme.rsa_pss_rsae_sha256);
            ours.add(SignatureScheme.rsa_pss_rsae_sha384);
            if (!tls13) {
                ours.add(SignatureScheme.rsa_pkcs1_sha256);
                ours.add(SignatureScheme.rsa_pkcs1_sha384);
            }
            break;
        case "EC":
        case "ECDSA":
            ours.add(SignatureScheme.ecdsa_secp256r1_sha256);
            ours.add(SignatureScheme.ecdsa_secp384r1_sha384);
            ours.add(SignatureScheme.ecdsa_secp521r1_sha512);
            break;
        case "Ed25519":
            ours.add(SignatureScheme.ed25519);
            break;
        default:
            break;
        }
        if (serverAlgs != null) {
            for (Object o : serverAlgs) {
                SignatureAndHashAlgorithm a = (SignatureAndHashAlgorithm) o;
                if (ours.contains(SignatureScheme.from(a))) {
                    return a;
                }
            }
        }
        throw new TlsFatalAlert(AlertDescription.handshake_failure, "the server accepts no signature algorithm "
                + "that the client's " + key.getAlgorithm() + " key can make");
    }

    private List<X509Certificate> toX509(Certificate certificate) throws IOException {
        List<X509Certificate> chain = new ArrayList<>();
        try {
            CertificateFactory cf = CertificateFactory.getInstance("X.509", provider);
            for (int i = 0; i < certificate.getLength(); i++) {
                chain.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(
                        certificate.getCertificateAt(i).getEncoded())));
            }
        } catch (GeneralSecurityException e) {
            throw new TlsFatalAlert(AlertDescription.bad_certificate, "unreadable server certificate", e);
        }
        return chain;
    }

    private static short alertFor(ServerCertificateCheck.Verdict v) {
        switch (v.failure()) {
        case UNKNOWN_CA:
            return AlertDescription.unknown_ca;
        case CERTIFICATE_EXPIRED:
            return AlertDescription.certificate_expired;
        default:
            return AlertDescription.bad_certificate;
        }
    }

    /** The protocol refused what the server sent (e.g. over {@link CertificateLimits}); the classifier reports it. */
    void refuse(ServerCertificateCheck.Verdict v) {
        verdict = v;
    }

    @Override
    public int getMaxCertificateChainLength() {
        return CertificateLimits.MAX_CHAIN_LENGTH;
    }

    @Override
    public int getMaxHandshakeMessageSize() {
        return CertificateLimits.MAX_HANDSHAKE_MESSAGE_BYTES;
    }

    ServerCertificateCheck.Verdict verdict() {
        return verdict;
    }

    boolean clientCertificateRequested() {
        return clientCertificateRequested;
    }

    boolean clientCertificateSent() {
        return clientCertificateSent;
    }

    boolean handshakeComplete() {
        return handshakeComplete;
    }

    List<X509Certificate> serverChain() {
        return serverChain;
    }

    String negotiatedVersion() {
        return negotiatedVersion;
    }

    String negotiatedSuite() {
        return negotiatedSuite;
    }

    String sniName() {
        return sniName;
    }

    boolean resumed() {
        return handshakeComplete && context.getSecurityParametersConnection().isResumedSession();
    }

    String applicationProtocol() {
        ProtocolName p = context.getSecurityParametersConnection().getApplicationProtocol();
        return p == null ? "" : p.getUtf8Decoding();
    }
}
