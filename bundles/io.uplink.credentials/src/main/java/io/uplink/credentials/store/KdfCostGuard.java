package io.uplink.credentials.store;

import java.math.BigInteger;
import java.util.Optional;

import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.misc.MiscObjectIdentifiers;
import org.bouncycastle.asn1.misc.ScryptParams;
import org.bouncycastle.asn1.pkcs.AuthenticatedSafe;
import org.bouncycastle.asn1.pkcs.ContentInfo;
import org.bouncycastle.asn1.pkcs.EncryptedData;
import org.bouncycastle.asn1.pkcs.EncryptedPrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.MacData;
import org.bouncycastle.asn1.pkcs.PBES2Parameters;
import org.bouncycastle.asn1.pkcs.PBKDF2Params;
import org.bouncycastle.asn1.pkcs.PKCS12PBEParams;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.Pfx;
import org.bouncycastle.asn1.pkcs.SafeBag;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;

/**
 * Refuses password-based encryption whose declared cost would hang the gateway: the iteration count (or scrypt N)
 * comes from the file, so a damaged or hostile file can ask for billions of rounds. Real tools write 2,048 (OpenSSL),
 * 10,000 (Java) or a few hundred thousand; the limits leave ample room above that.
 */
final class KdfCostGuard {

    static final long MAX_ITERATIONS = 2_000_000;
    static final long MAX_SCRYPT_N = 1 << 20;

    private KdfCostGuard() {
    }

    /** Why decrypting this key would cost too much, or empty. */
    static Optional<String> check(EncryptedPrivateKeyInfo info) {
        return check(info.getEncryptionAlgorithm());
    }

    /** Why opening this PKCS#12 file would cost too much, or empty; structure errors are left to the real parser. */
    static Optional<String> checkPkcs12(ASN1Encodable pfxStructure) {
        try {
            Pfx pfx = Pfx.getInstance(pfxStructure);
            MacData mac = pfx.getMacData();
            if (mac != null && mac.getIterationCount().compareTo(BigInteger.valueOf(MAX_ITERATIONS)) > 0) {
                return Optional.of(tooMany(mac.getIterationCount()));
            }
            ContentInfo auth = pfx.getAuthSafe();
            if (!PKCSObjectIdentifiers.data.equals(auth.getContentType())) {
                return Optional.empty();
            }
            AuthenticatedSafe safe = AuthenticatedSafe.getInstance(
                    ASN1OctetString.getInstance(auth.getContent()).getOctets());
            for (ContentInfo ci : safe.getContentInfo()) {
                Optional<String> r;
                if (PKCSObjectIdentifiers.encryptedData.equals(ci.getContentType())) {
                    r = check(EncryptedData.getInstance(ci.getContent()).getEncryptionAlgorithm());
                } else if (PKCSObjectIdentifiers.data.equals(ci.getContentType())) {
                    r = checkBags(ASN1Sequence.getInstance(ASN1OctetString.getInstance(ci.getContent()).getOctets()));
                } else {
                    r = Optional.empty();
                }
                if (r.isPresent()) {
                    return r;
                }
            }
            return Optional.empty();
        } catch (RuntimeException malformed) {
            return Optional.empty(); // the key store parser reports the damage
        }
    }

    private static Optional<String> checkBags(ASN1Sequence bags) {
        for (ASN1Encodable e : bags) {
            SafeBag bag = SafeBag.getInstance(e);
            if (PKCSObjectIdentifiers.pkcs8ShroudedKeyBag.equals(bag.getBagId())) {
                Optional<String> r = check(EncryptedPrivateKeyInfo.getInstance(bag.getBagValue()));
                if (r.isPresent()) {
                    return r;
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<String> check(AlgorithmIdentifier alg) {
        try {
            ASN1Encodable params = alg.getParameters();
            if (PKCSObjectIdentifiers.id_PBES2.equals(alg.getAlgorithm())) {
                PBES2Parameters pbes2 = PBES2Parameters.getInstance(params);
                org.bouncycastle.asn1.pkcs.KeyDerivationFunc kdf = pbes2.getKeyDerivationFunc();
                if (PKCSObjectIdentifiers.id_PBKDF2.equals(kdf.getAlgorithm())) {
                    BigInteger it = PBKDF2Params.getInstance(kdf.getParameters()).getIterationCount();
                    return it.compareTo(BigInteger.valueOf(MAX_ITERATIONS)) > 0 ? Optional.of(tooMany(it))
                            : Optional.empty();
                }
                if (MiscObjectIdentifiers.id_scrypt.equals(kdf.getAlgorithm())) {
                    BigInteger n = ScryptParams.getInstance(kdf.getParameters()).getCostParameter();
                    return n.compareTo(BigInteger.valueOf(MAX_SCRYPT_N)) > 0
                            ? Optional.of("its scrypt cost N=" + n + " is above " + MAX_SCRYPT_N)
                            : Optional.empty();
                }
                return Optional.empty();
            }
            if (params != null && alg.getAlgorithm().getId().startsWith("1.2.840.113549.1.12.1.")) {
                BigInteger it = PKCS12PBEParams.getInstance(params).getIterations();
                return it.compareTo(BigInteger.valueOf(MAX_ITERATIONS)) > 0 ? Optional.of(tooMany(it))
                        : Optional.empty();
            }
            return Optional.empty();
        } catch (RuntimeException malformed) {
            return Optional.empty();
        }
    }

    private static String tooMany(BigInteger it) {
        return "it asks for " + it + " key-derivation iterations, more than the " + MAX_ITERATIONS
                + " any real tool writes";
    }
}
