package io.uplink.modem.emulator;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The HL7800's TLS settings: AT+KSSLCRYPTO (eight cipher profiles, firmware 4.6) and AT+KSSLCFG (module-wide options).
 *
 * <p>Sources: Sierra's HL78xx SSL test script [O] gives the test and read forms, the profile defaults of firmware
 * 4.6.1+
 * and the seven suites of firmware 4.6 as field values (the only RSA one is ECDHE-RSA-AES128-GCM-SHA256; the rest are
 * ECDHE-ECDSA with AES-CCM, CCM-8 or GCM); {@code AT+KSSLCFG=0,<n>} is the TLS version (0 = the highest, read back as
 * 3 = TLS 1.2), option 1 takes a string, option 2 accepts 0 and answers {@code +CME ERROR: 918} to 1. Zephyr's hl78xx
 * driver [V] sets {@code AT+KSSLCRYPTO=0,8,1,8192,4,4,3,0} for mutual TLS. Field meanings read from those values, not
 * from a manual [U]: mkey 1 RSA / 8 ECDHE; auth algorithm bits 1 RSA / 2 ECDSA; encryption bits 16 AES128-CCM,
 * 32 AES256-CCM, 64 AES128-CBC, 256 AES128-CCM8, 512 AES256-CCM8, 8192 AES128-GCM, 16384 AES256-GCM; MAC bits 4 SHA256,
 * 8 SHA384 (0 for the CCM suites, which need none); tls_ver bit 4 = TLS 1.2; auth 0 none, 1 verify the server against
 * the root certificate {@code root_cert_idx}, 3 also present local certificate 0 with private key 0 (2 is taken as 3).
 * What option 1 of KSSLCFG means and why option 2 refuses 1 is not known [U]; both are only stored.
 *
 * <p>Known divergence: the Java runtime has no AES-CCM suites, so the four CCM suites cannot be offered here; a
 * profile that selects only CCM suites fails its handshake ({@code +KTCP_NOTIF: <s>,13}) where the module might
 * connect. Settings are volatile *[U]*.
 *
 * <p>Threads: emulator thread only.
 */
final class Hl7800TlsProfiles {

    static final int PROFILES = 8;
    /** KSSLCFG option 2 set to anything but 0; the meaning is unknown, the code is what Sierra's test got. */
    static final int OPTION_REFUSED = 918;

    /** One suite of the module: its field bits and the JSSE name (null: the Java runtime cannot offer it). */
    private record Suite(String name, int mkey, int authAlgo, int enc, int mac, String jsse) {
    }

    private static final List<Suite> SUITES = List.of(
            new Suite("ECDHE-RSA-AES128-GCM-SHA256", 8, 1, 8192, 4, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"),
            new Suite("ECDHE-ECDSA-AES128-CCM", 8, 2, 16, 0, null),
            new Suite("ECDHE-ECDSA-AES256-CCM", 8, 2, 32, 0, null),
            new Suite("ECDHE-ECDSA-AES128-CCM8", 8, 2, 256, 0, null),
            new Suite("ECDHE-ECDSA-AES256-CCM8", 8, 2, 512, 0, null),
            new Suite("ECDHE-ECDSA-AES128-GCM-SHA256", 8, 2, 8192, 4, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"),
            new Suite("ECDHE-ECDSA-AES256-GCM-SHA384", 8, 2, 16384, 8, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"));

    /** The firmware 4.6.1 defaults, profile by profile (auth 1 and root certificate 0 appended when read). */
    private static final int[][] DEFAULTS = { { 8, 3, 25392, 12, 4 }, { 8, 1, 8192, 4, 4 }, { 8, 2, 16, 0, 4 },
        { 8, 2, 32, 0, 4 }, { 8, 2, 256, 0, 4 }, { 8, 2, 512, 0, 4 }, { 8, 2, 8192, 4, 4 }, { 8, 2, 16384, 8, 4 } };

    /** What a connection needs from a profile. */
    record Policy(int profile, String[] protocols, String[] suites, boolean verifyServer, boolean presentClient,
            int rootIndex) {
    }

    /** mkey, auth algorithm, encryption, MAC, TLS version, auth, root certificate index, per profile. */
    private final int[][] profiles = new int[PROFILES][];
    /** KSSLCFG option 0: 1 TLS 1.0, 2 TLS 1.1, 3 TLS 1.2 (0 written = the highest = 3). */
    private int tlsVersion;
    private String option1;
    private int option2;

    Hl7800TlsProfiles() {
        reset();
    }

    /** A reboot restores the defaults *[U: whether the module keeps them in flash is not known]*. */
    void reset() {
        for (int i = 0; i < PROFILES; i++) {
            int[] d = DEFAULTS[i];
            profiles[i] = new int[] { d[0], d[1], d[2], d[3], d[4], 1, 0 };
        }
        tlsVersion = 3;
        option1 = "";
        option2 = 0;
    }

    /** AT+KSSLCRYPTO in all forms. */
    void crypto(boolean read, boolean test, List<String> a, AtConsole c) throws IOException {
        if (test) {
            c.respond("+KSSLCRYPTO: <profile_id>,<mkey_Algo>,<auth_algo>,<enc_algo>,<mac_algo>,<tls_ver>,<auth>,"
                    + "<root_cert_idx>");
            return;
        }
        if (read) {
            String[] lines = new String[PROFILES];
            for (int i = 0; i < PROFILES; i++) {
                lines[i] = "+KSSLCRYPTO: " + i + "," + join(profiles[i]);
            }
            c.respond(lines);
            return;
        }
        if (a.size() < 7 || a.size() > 8) {
            c.cmeError(3);
            return;
        }
        int profile = Hl7800Args.number(a, 0);
        int[] v = new int[7];
        for (int i = 0; i < 6; i++) {
            v[i] = Hl7800Args.number(a, i + 1);
        }
        v[6] = a.size() == 8 ? Hl7800Args.number(a, 7) : 0;
        boolean valid = profile >= 0 && profile < PROFILES && v[0] > 0 && v[1] > 0 && v[2] > 0 && v[3] >= 0
                && v[4] > 0 && v[4] <= 7 && v[5] >= 0 && v[5] <= 3 && v[6] >= 0
                && v[6] < Hl7800Credentials.CERT_SLOTS;
        if (!valid || selected(v).isEmpty()) {
            c.cmeError(3); // *[choice]*: a combination naming no suite of the module is refused
            return;
        }
        profiles[profile] = v;
        c.ok();
    }

    /** AT+KSSLCFG in all forms. */
    void config(boolean read, boolean test, List<String> a, AtConsole c) throws IOException {
        if (test) {
            c.respond("+KSSLCFG: <option id>,<option>");
            return;
        }
        if (read) {
            c.respond("+KSSLCFG: 0," + tlsVersion, "+KSSLCFG: 2," + option2);
            return;
        }
        int option = Hl7800Args.number(a, 0);
        if (a.size() != 2) {
            c.cmeError(3);
            return;
        }
        switch (option) {
        case 0:
            int v = Hl7800Args.number(a, 1);
            if (v < 0 || v > 3) {
                c.cmeError(3);
                return;
            }
            tlsVersion = v == 0 ? 3 : v;
            c.ok();
            break;
        case 1:
            if (a.get(1).length() > 255) {
                c.cmeError(3);
                return;
            }
            option1 = a.get(1);
            c.ok();
            break;
        case 2:
            int o = Hl7800Args.number(a, 1);
            if (o != 0) {
                c.cmeError(OPTION_REFUSED);
                return;
            }
            option2 = o;
            c.ok();
            break;
        default:
            c.cmeError(3);
        }
    }

    /** What a connection on {@code profile} offers and checks; null for a profile that does not exist. */
    Policy policy(int profile) {
        if (profile < 0 || profile >= PROFILES) {
            return null;
        }
        int[] p = profiles[profile];
        List<String> jsse = new ArrayList<>();
        for (Suite s : selected(p)) {
            if (s.jsse() != null) {
                jsse.add(s.jsse());
            }
        }
        List<String> protocols = new ArrayList<>();
        String version = tlsVersion == 1 ? "TLSv1" : tlsVersion == 2 ? "TLSv1.1" : "TLSv1.2";
        int bit = tlsVersion == 1 ? 1 : tlsVersion == 2 ? 2 : 4;
        if ((p[4] & bit) != 0) {
            protocols.add(version);
        }
        int auth = p[5];
        return new Policy(profile, protocols.toArray(new String[0]), jsse.toArray(new String[0]), auth != 0,
                auth >= 2, p[6]);
    }

    private static List<Suite> selected(int[] p) {
        List<Suite> out = new ArrayList<>();
        for (Suite s : SUITES) {
            boolean mac = s.mac() == 0 || (p[3] & s.mac()) != 0;
            if ((p[0] & s.mkey()) != 0 && (p[1] & s.authAlgo()) != 0 && (p[2] & s.enc()) != 0 && mac) {
                out.add(s);
            }
        }
        return out;
    }

    private static String join(int[] v) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < v.length; i++) {
            b.append(i == 0 ? "" : ",").append(v[i]);
        }
        return b.toString();
    }
}
