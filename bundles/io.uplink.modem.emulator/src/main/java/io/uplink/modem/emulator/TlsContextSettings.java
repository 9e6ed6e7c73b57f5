package io.uplink.modem.emulator;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The settings of one SSL context (0-5) as AT+QSSLCFG sets and reads them, with the module's defaults. Volatile on
 * the real module: a reboot brings the defaults back.
 *
 * <p>Threads: owned by the emulator thread; a connection gets a {@link #copy()} when it opens.
 */
final class TlsContextSettings {

    /** The items the emulated module knows, in the order AT+QSSLCFG=? lists them. */
    static final List<String> ITEMS = List.of("sslversion", "ciphersuite", "seclevel", "cacert", "clientcert",
            "clientkey", "ignorelocaltime", "negotiatetime", "sni", "checkhost");

    /** 0 SSL 3.0, 1 TLS 1.0, 2 TLS 1.1, 3 TLS 1.2, 4 all of them (default). The BG95 has no TLS 1.3. */
    int sslVersion = 4;
    /** An IANA cipher suite code from {@link ModuleCipherSuites}, or 0xFFFF for all of them (default). */
    int cipherSuite = ModuleCipherSuites.ALL;
    /** 0 no verification (default), 1 verify the server against cacert, 2 also present clientcert/clientkey. */
    int secLevel;
    String caCert = "";
    String clientCert = "";
    String clientKey = "";
    /** 1 (default): certificate validity dates are not checked; 0: they are, against the current time. */
    int ignoreLocalTime = 1;
    /** Seconds the handshake may take, 10-300 (default 300). */
    int negotiateTime = 300;
    /** 1: send the host as SNI; 0 (default): send no SNI. */
    int sni;
    /** 1: the server certificate must name the host; 0 (default): it need not. */
    int checkHost;

    TlsContextSettings copy() {
        TlsContextSettings c = new TlsContextSettings();
        c.sslVersion = sslVersion;
        c.cipherSuite = cipherSuite;
        c.secLevel = secLevel;
        c.caCert = caCert;
        c.clientCert = clientCert;
        c.clientKey = clientKey;
        c.ignoreLocalTime = ignoreLocalTime;
        c.negotiateTime = negotiateTime;
        c.sni = sni;
        c.checkHost = checkHost;
        return c;
    }

    /** The value as the read form prints it (file names quoted, the cipher suite as {@code 0X....}). */
    String read(String item) {
        switch (item) {
        case "sslversion":
            return String.valueOf(sslVersion);
        case "ciphersuite":
            return "0X" + String.format(Locale.ROOT, "%04X", cipherSuite);
        case "seclevel":
            return String.valueOf(secLevel);
        case "cacert":
            return quoted(caCert);
        case "clientcert":
            return quoted(clientCert);
        case "clientkey":
            return quoted(clientKey);
        case "ignorelocaltime":
            return String.valueOf(ignoreLocalTime);
        case "negotiatetime":
            return String.valueOf(negotiateTime);
        case "sni":
            return String.valueOf(sni);
        case "checkhost":
            return String.valueOf(checkHost);
        default:
            throw new IllegalArgumentException("unknown item " + item);
        }
    }

    /** Sets an item; false when the value is out of the manual's range (the module answers ERROR). */
    boolean write(String item, String value) {
        switch (item) {
        case "sslversion":
            return set(value, 0, 4, v -> sslVersion = v);
        case "ciphersuite":
            Integer code = ModuleCipherSuites.parse(value);
            if (code == null) {
                return false;
            }
            cipherSuite = code;
            return true;
        case "seclevel":
            return set(value, 0, 2, v -> secLevel = v);
        case "cacert":
            if (Bg95FileSystem.plainName(value) == null) {
                return false;
            }
            caCert = value;
            return true;
        case "clientcert":
            if (Bg95FileSystem.plainName(value) == null) {
                return false;
            }
            clientCert = value;
            return true;
        case "clientkey":
            if (Bg95FileSystem.plainName(value) == null) {
                return false;
            }
            clientKey = value;
            return true;
        case "ignorelocaltime":
            return set(value, 0, 1, v -> ignoreLocalTime = v);
        case "negotiatetime":
            return set(value, 10, 300, v -> negotiateTime = v);
        case "sni":
            return set(value, 0, 1, v -> sni = v);
        case "checkhost":
            return set(value, 0, 1, v -> checkHost = v);
        default:
            return false;
        }
    }

    /** What the settings say, for logs (file names only, never content). */
    Map<String, String> describe() {
        Map<String, String> m = new LinkedHashMap<>();
        ITEMS.forEach(i -> m.put(i, read(i)));
        return m;
    }

    private static boolean set(String value, int min, int max, java.util.function.IntConsumer target) {
        try {
            int v = Integer.parseInt(value.trim());
            if (v < min || v > max) {
                return false;
            }
            target.accept(v);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static String quoted(String s) {
        return "\"" + s + "\"";
    }
}
