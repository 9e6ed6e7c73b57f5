package io.uplink.credentials.store;

import java.security.Key;
import java.security.interfaces.ECKey;
import java.security.interfaces.RSAKey;
import java.security.spec.ECParameterSpec;

import org.bouncycastle.jce.spec.ECNamedCurveSpec;

/**
 * Type and size of a key, in the words people use: {@code RSA 2048}, {@code EC P-256}, {@code Ed25519}.
 *
 * @param type {@code RSA}, {@code EC}, {@code Ed25519}, {@code Ed448} or the JCA algorithm name
 * @param bits modulus or field size, 0 when not meaningful
 * @param curve NIST curve name ({@code P-256}) or the curve's own name, empty for non-EC keys
 */
record KeyFacts(String type, int bits, String curve) {

    static KeyFacts of(Key key) {
        if (key instanceof RSAKey rsa) {
            return new KeyFacts("RSA", rsa.getModulus().bitLength(), "");
        }
        if (key instanceof ECKey ec) {
            ECParameterSpec params = ec.getParams();
            int bits = params.getCurve().getField().getFieldSize();
            String curve = params instanceof ECNamedCurveSpec named ? nistName(named.getName(), bits)
                    : nistName("", bits);
            return new KeyFacts("EC", bits, curve);
        }
        String alg = key.getAlgorithm();
        if (alg.equalsIgnoreCase("Ed25519") || alg.equalsIgnoreCase("EdDSA") && key.getEncoded().length < 60) {
            return new KeyFacts("Ed25519", 255, "");
        }
        if (alg.equalsIgnoreCase("Ed448")) {
            return new KeyFacts("Ed448", 448, "");
        }
        return new KeyFacts(alg, 0, "");
    }

    private static String nistName(String name, int bits) {
        switch (name.toLowerCase()) {
        case "secp256r1":
        case "prime256v1":
        case "p-256":
            return "P-256";
        case "secp384r1":
        case "p-384":
            return "P-384";
        case "secp521r1":
        case "p-521":
            return "P-521";
        case "":
            return bits == 256 ? "P-256" : bits == 384 ? "P-384" : bits == 521 ? "P-521" : bits + "-bit curve";
        default:
            return name;
        }
    }

    @Override
    public String toString() {
        switch (type) {
        case "RSA":
            return "RSA " + bits + " bits";
        case "EC":
            return "EC " + curve;
        default:
            return type;
        }
    }
}
