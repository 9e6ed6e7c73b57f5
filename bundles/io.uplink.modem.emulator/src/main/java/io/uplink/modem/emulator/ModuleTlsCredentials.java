package io.uplink.modem.emulator;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECKey;
import java.security.interfaces.RSAKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Turns a {@link ModuleTlsPolicy} into a JSSE {@link SSLContext} that behaves as a module's TLS: the chain verified
 * against the module's CA only when the policy says so, validity dates checked against the module's clock only when
 * it says so, the server name checked only against the name it gives, and the client certificate and key (PEM;
 * PKCS#8, PKCS#1 RSA or SEC1 EC) presented whenever the module holds both. Keys outside the module's limits (RSA 1024-4096 bits, EC P-256 or P-384) are refused.
 * Every refusal is a {@link GeneralSecurityException} whose message names the cause; the module itself only says 566.
 */
final class ModuleTlsCredentials {

    static final int MIN_RSA_BITS = 1024;
    static final int MAX_RSA_BITS = 4096;
    private static final Set<String> CURVES = Set.of("secp256r1", "1.2.840.10045.3.1.7", "NIST P-256", "secp384r1",
            "1.3.132.0.34", "NIST P-384");

    private ModuleTlsCredentials() {
    }

    /** Builds the context a policy describes; the messages name the cause. */
    static SSLContext context(ModuleTlsPolicy p) throws GeneralSecurityException {
        TrustManager tm;
        if (!p.verifyChain()) {
            tm = new ModuleTrust(null, false, p.checkHostName(), p.moduleTime());
        } else {
            if (p.ca() == null) {
                throw new GeneralSecurityException("server verification needs the " + p.caName()
                        + ", which the module does not hold");
            }
            List<X509Certificate> anchors = certificates(p.ca(), p.caName());
            for (X509Certificate a : anchors) {
                checkKey(a.getPublicKey(), "CA certificate " + a.getSubjectX500Principal());
            }
            tm = new ModuleTrust(anchors, p.checkDates(), p.checkHostName(), p.moduleTime());
        }
        KeyManager[] km = null;
        if (p.clientCert() != null && p.clientKey() != null) {
            List<X509Certificate> chain = certificates(p.clientCert(), "client certificate");
            checkKey(chain.get(0).getPublicKey(), "client certificate");
            PrivateKey pk = privateKey(p.clientKey());
            checkKey(pk, "client key");
            km = new KeyManager[] { new ModuleIdentity(chain.toArray(new X509Certificate[0]), pk) };
        }
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(km, new TrustManager[] { tm }, new SecureRandom());
        return ctx;
    }

    /** All PEM certificates in a file; at least one, or the file is refused. */
    static List<X509Certificate> certificates(byte[] pem, String what) throws GeneralSecurityException {
        String text = new String(pem, StandardCharsets.ISO_8859_1);
        if (!text.contains("-----BEGIN CERTIFICATE-----")) {
            throw new GeneralSecurityException(what + " holds no PEM certificate");
        }
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        Collection<? extends java.security.cert.Certificate> all;
        try {
            all = cf.generateCertificates(new ByteArrayInputStream(pem));
        } catch (CertificateException e) {
            throw new GeneralSecurityException(what + " is not readable PEM: " + e.getMessage(), e);
        }
        List<X509Certificate> out = new ArrayList<>();
        for (java.security.cert.Certificate c : all) {
            out.add((X509Certificate) c);
        }
        if (out.isEmpty()) {
            throw new GeneralSecurityException(what + " holds no certificate");
        }
        return out;
    }

    /** A PEM private key: PKCS#8 ("PRIVATE KEY"), PKCS#1 ("RSA PRIVATE KEY") or SEC1 ("EC PRIVATE KEY"). */
    static PrivateKey privateKey(byte[] pem) throws GeneralSecurityException {
        String text = new String(pem, StandardCharsets.ISO_8859_1);
        if (text.contains("ENCRYPTED")) {
            throw new GeneralSecurityException("the client key is encrypted; the module needs it unencrypted");
        }
        byte[] pkcs1 = block(text, "RSA PRIVATE KEY");
        if (pkcs1 != null) {
            byte[] rsaOid = { 0x06, 0x09, 0x2A, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xF7, 0x0D, 0x01, 0x01, 0x01 };
            byte[] alg = Der.tlv(0x30, Der.concat(rsaOid, new byte[] { 0x05, 0x00 }));
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs8(alg, pkcs1)));
        }
        byte[] sec1 = block(text, "EC PRIVATE KEY");
        if (sec1 != null) {
            byte[] curve = Der.sec1CurveOid(sec1);
            if (curve == null) {
                throw new GeneralSecurityException("the EC client key names no curve");
            }
            byte[] ecOid = { 0x06, 0x07, 0x2A, (byte) 0x86, 0x48, (byte) 0xCE, 0x3D, 0x02, 0x01 };
            byte[] alg = Der.tlv(0x30, Der.concat(ecOid, curve));
            return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(pkcs8(alg, sec1)));
        }
        byte[] p8 = block(text, "PRIVATE KEY");
        if (p8 == null) {
            throw new GeneralSecurityException("the client key file holds no PEM private key");
        }
        for (String alg : new String[] { "RSA", "EC" }) {
            try {
                return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(p8));
            } catch (GeneralSecurityException tryNext) {
                // not this algorithm
            }
        }
        throw new GeneralSecurityException("the client key is neither RSA nor EC");
    }

    /** The module's key limits: RSA 1024-4096 bits, EC on P-256 or P-384 only. */
    static void checkKey(Key key, String what) throws GeneralSecurityException {
        if (key instanceof RSAKey) {
            int bits = ((RSAKey) key).getModulus().bitLength();
            if (bits < MIN_RSA_BITS || bits > MAX_RSA_BITS) {
                throw new GeneralSecurityException(what + ": RSA " + bits + " bits is outside the module's "
                        + MIN_RSA_BITS + "-" + MAX_RSA_BITS);
            }
        } else if (key instanceof ECKey) {
            AlgorithmParameters p = AlgorithmParameters.getInstance("EC");
            p.init(((ECKey) key).getParams());
            String name = p.getParameterSpec(ECGenParameterSpec.class).getName();
            if (!CURVES.contains(name)) {
                throw new GeneralSecurityException(what + ": curve " + name + " is not P-256 or P-384");
            }
        } else {
            throw new GeneralSecurityException(what + ": " + key.getAlgorithm() + " keys are not supported");
        }
    }

    private static byte[] pkcs8(byte[] algorithm, byte[] privateKey) {
        return Der.tlv(0x30, Der.concat(new byte[] { 0x02, 0x01, 0x00 }, algorithm, Der.tlv(0x04, privateKey)));
    }

    private static byte[] block(String text, String type) {
        String begin = "-----BEGIN " + type + "-----";
        int b = text.indexOf(begin);
        if (b < 0) {
            return null;
        }
        int e = text.indexOf("-----END " + type + "-----", b);
        if (e < 0) {
            return null;
        }
        String body = text.substring(b + begin.length(), e).replaceAll("\\s", "");
        try {
            return Base64.getDecoder().decode(body);
        } catch (IllegalArgumentException bad) {
            return null;
        }
    }

    /** Server verification as the module does it. */
    private static final class ModuleTrust extends X509ExtendedTrustManager {
        private final List<X509Certificate> anchors;
        private final boolean checkDates;
        /** The name the server certificate must carry; empty: no name check. */
        private final String host;
        /** The module's own clock (AT+CCLK) when the connection opened: dates are checked against it. */
        private final java.time.Instant moduleTime;

        ModuleTrust(List<X509Certificate> anchors, boolean checkDates, String host, java.time.Instant moduleTime) {
            this.anchors = anchors;
            this.moduleTime = moduleTime;
            this.checkDates = checkDates;
            this.host = host;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            if (chain == null || chain.length == 0) {
                throw new CertificateException("the server sent no certificate");
            }
            try {
                checkKey(chain[0].getPublicKey(), "server certificate");
            } catch (GeneralSecurityException e) {
                throw new CertificateException(e.getMessage(), e);
            }
            if (anchors != null) {
                verifyPath(chain);
            }
            if (!host.isEmpty() && !HostNames.matches(chain[0], host)) {
                throw new CertificateException("the server certificate does not name " + host);
            }
        }

        private void verifyPath(X509Certificate[] chain) throws CertificateException {
            List<X509Certificate> path = new ArrayList<>(Arrays.asList(chain));
            while (!path.isEmpty() && anchors.contains(path.get(path.size() - 1))) {
                path.remove(path.size() - 1); // the anchor itself is not part of the path to validate
            }
            if (path.isEmpty()) {
                return; // the server presented a trusted certificate itself
            }
            try {
                Set<TrustAnchor> ta = new HashSet<>();
                anchors.forEach(a -> ta.add(new TrustAnchor(a, null)));
                PKIXParameters params = new PKIXParameters(ta);
                params.setRevocationEnabled(false);
                params.setDate(checkDates ? Date.from(moduleTime) : insideValidity(path));
                CertPath cp = CertificateFactory.getInstance("X.509").generateCertPath(path);
                CertPathValidator.getInstance("PKIX").validate(cp, params);
            } catch (GeneralSecurityException e) {
                throw new CertificateException("server chain not trusted: " + e.getMessage(), e);
            }
        }

        /** ignorelocaltime 1: validate at a moment every certificate of the path was valid (latest notBefore). */
        private static Date insideValidity(List<X509Certificate> path) {
            Date d = path.get(0).getNotBefore();
            for (X509Certificate c : path) {
                if (c.getNotBefore().after(d)) {
                    d = c.getNotBefore();
                }
            }
            return d;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            checkServerTrusted(chain, authType, (SSLEngine) null);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            checkServerTrusted(chain, authType, (SSLEngine) null);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            throw new CertificateException("the module is a TLS client only");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            throw new CertificateException("the module is a TLS client only");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("the module is a TLS client only");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return anchors == null ? new X509Certificate[0] : anchors.toArray(new X509Certificate[0]);
        }
    }

    /** The one client identity of an SSL context, offered whatever CAs the server asks for, as the module does. */
    private static final class ModuleIdentity extends X509ExtendedKeyManager {
        private static final String ALIAS = "module";
        private final X509Certificate[] chain;
        private final PrivateKey key;

        ModuleIdentity(X509Certificate[] chain, PrivateKey key) {
            this.chain = chain;
            this.key = key;
        }

        @Override
        public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
            return chooseClientAlias(keyType, issuers, null);
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            String alg = key.getAlgorithm().toUpperCase(Locale.ROOT);
            for (String t : keyType) {
                String u = t.toUpperCase(Locale.ROOT);
                if (u.equals(alg) || u.startsWith(alg + "_") || alg.equals("EC") && u.startsWith("EC")) {
                    return ALIAS;
                }
            }
            return null;
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return new String[] { ALIAS };
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return ALIAS.equals(alias) ? chain.clone() : null;
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return ALIAS.equals(alias) ? key : null;
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return null;
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return null;
        }
    }

    /** The few DER pieces PKCS#1/SEC1 to PKCS#8 needs. */
    static final class Der {
        private Der() {
        }

        static byte[] tlv(int tag, byte[] value) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(tag);
            int len = value.length;
            if (len < 0x80) {
                out.write(len);
            } else if (len < 0x100) {
                out.write(0x81);
                out.write(len);
            } else if (len < 0x10000) {
                out.write(0x82);
                out.write(len >> 8);
                out.write(len);
            } else {
                out.write(0x83);
                out.write(len >> 16);
                out.write(len >> 8);
                out.write(len);
            }
            out.writeBytes(value);
            return out.toByteArray();
        }

        static byte[] concat(byte[]... parts) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (byte[] p : parts) {
                out.writeBytes(p);
            }
            return out.toByteArray();
        }

        /** The curve OID (tag and all) in a SEC1 ECPrivateKey's [0] parameters, or null. */
        static byte[] sec1CurveOid(byte[] sec1) {
            try {
                int[] outer = header(sec1, 0);
                if ((sec1[0] & 0xFF) != 0x30) {
                    return null;
                }
                int pos = outer[0];
                int end = outer[0] + outer[1];
                while (pos < end) {
                    int tag = sec1[pos] & 0xFF;
                    int[] h = header(sec1, pos);
                    if (tag == 0xA0) {
                        int[] oid = header(sec1, h[0]);
                        return Arrays.copyOfRange(sec1, h[0], oid[0] + oid[1]);
                    }
                    pos = h[0] + h[1];
                }
                return null;
            } catch (ArrayIndexOutOfBoundsException malformed) {
                return null;
            }
        }

        /** {content offset, content length} of the TLV at {@code pos}. */
        private static int[] header(byte[] d, int pos) {
            int len = d[pos + 1] & 0xFF;
            int off = pos + 2;
            if (len >= 0x80) {
                int n = len & 0x7F;
                if (n < 1 || n > 3) {
                    throw new ArrayIndexOutOfBoundsException("DER length of " + n + " bytes");
                }
                len = 0;
                for (int i = 0; i < n; i++) {
                    len = len << 8 | d[off + i] & 0xFF;
                }
                off += n;
            }
            if (off + len > d.length) {
                throw new ArrayIndexOutOfBoundsException("DER value runs past the end");
            }
            return new int[] { off, len };
        }
    }
}
