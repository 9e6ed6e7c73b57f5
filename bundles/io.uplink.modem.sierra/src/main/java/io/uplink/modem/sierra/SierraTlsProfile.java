package io.uplink.modem.sierra;

import java.util.ArrayList;
import java.util.List;

import io.uplink.modem.AtChannel;
import io.uplink.modem.AtCommand;
import io.uplink.modem.AtResponse;
import io.uplink.modem.ModemException;
import io.uplink.modem.ModemTlsProfile;
import io.uplink.transport.TransportException;
import io.uplink.transport.TransportException.Reason;

/**
 * Writes a {@link ModemTlsProfile} as the HL78xx's TLS settings: {@code AT+KSSLCFG=0,3} (option 0 is the TLS version;
 * 3 = TLS 1.2, the only one it speaks) and
 * {@code AT+KSSLCRYPTO=<profile>,<mkey>,<auth_algo>,<enc>,<mac>,<tls_ver>,<auth>,<root_cert_idx>}: bit masks of the
 * key exchange (8 ECDHE), the server's signature (1 RSA, 2 ECDSA), ciphers and MACs; tls_ver 4 = TLS 1.2; auth 0
 * none, 1 server, 3 mutual (Sierra's TLS tests). Firmware before 4.6 has no root_cert_idx field: when the 8-field
 * form is refused, the 7-field form is sent.
 */
final class SierraTlsProfile {

    private SierraTlsProfile() {
    }

    /**
     * The {@code AT+KSSLCRYPTO} line for a profile: the suites it names (all the module has when it names none) as the
     * smallest masks that cover them; the module takes masks, so a mix of suites may allow a few more of its own.
     *
     * @throws TransportException when the profile names a suite the module does not have
     */
    static String cryptoLine(int profileId, ModemTlsProfile profile) throws TransportException {
        int mkey = 0;
        int authAlgo = 0;
        int enc = 0;
        int mac = 0;
        List<String> missing = new ArrayList<>();
        for (int suite : profile.cipherSuites().isEmpty() ? SierraTls.SUITES.keySet() : profile.cipherSuites()) {
            int[] f = SierraTls.SUITES.get(suite);
            if (f == null) {
                missing.add(String.format("0x%04X", suite));
                continue;
            }
            mkey |= f[0];
            authAlgo |= f[1];
            enc |= f[2];
            mac |= f[3];
        }
        if (!missing.isEmpty()) {
            throw new TransportException(Reason.INVALID_REQUEST, "The HL78xx's TLS does not have the cipher suites "
                    + missing + "; it has ECDHE-RSA-AES128-GCM-SHA256 (0xC02F) and the ECDHE-ECDSA CCM and GCM suites "
                    + "(0xC0AC-0xC0AF, 0xC02B, 0xC02C).", "Offer suites it has, or use host TLS (tls.mode=host).");
        }
        int auth = switch (profile.verification()) {
        case NONE -> 0;
        case SERVER -> 1;
        case MUTUAL -> 3;
        };
        return "AT+KSSLCRYPTO=" + profileId + "," + mkey + "," + authAlgo + "," + enc + "," + mac + ",4," + auth
                + ",0";
    }

    /** Sends the version and the crypto profile; the module keeps them, but they are written before every open. */
    static void apply(AtChannel at, String cryptoLine) throws TransportException {
        AtResponse r = execute(at, "AT+KSSLCFG=0,3");
        if (!r.isOk()) {
            throw refused("AT+KSSLCFG=0,3", r);
        }
        r = execute(at, cryptoLine);
        if (!r.isOk()) {
            String older = cryptoLine.substring(0, cryptoLine.lastIndexOf(','));
            AtResponse again = execute(at, older);
            if (!again.isOk()) {
                throw refused(cryptoLine, r);
            }
        }
    }

    private static TransportException refused(String line, AtResponse r) {
        SierraErrors.Entry e = SierraErrors.cme(r.result().code());
        return new TransportException(Reason.INVALID_REQUEST, "The module refused the TLS setting " + line + " ("
                + r.result().text() + " = " + e.meaning() + ").", e.fix() + " Or use host TLS (tls.mode=host).",
                r.result().text(), null);
    }

    private static AtResponse execute(AtChannel at, String line) throws TransportException {
        try {
            return at.execute(AtCommand.of(line));
        } catch (ModemException e) {
            throw new TransportException(Reason.TRANSPORT_GONE, "Configuring the module's TLS failed: "
                    + e.getMessage(), e.fix(), e.rawText(), e);
        }
    }
}
