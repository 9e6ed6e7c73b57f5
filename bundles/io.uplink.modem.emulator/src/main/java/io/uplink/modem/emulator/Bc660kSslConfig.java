package io.uplink.modem.emulator;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The BC660K's SSL context 0, connection 0 as {@code AT+QSSLCFG} sets it (SSL application note V1.1 section 2.3.1
 * [V]): the settings a reboot loses, and the certificates and key, uploaded inline, that it keeps ("Except for the
 * certificate configuration, other configurations will not be saved"). See {@link Bc660kModuleTls} for the items,
 * their ranges and defaults. Emulator thread only.
 */
final class Bc660kSslConfig {

    static final int MAX_CERT = 4096;
    private static final List<String> CERT_ITEMS = List.of("cacert", "clientcert", "clientkey");

    /** The settings a reboot loses. */
    private static final class Settings {
        int seclevel;
        int sslVersion = 4;
        boolean sendHex;
        boolean recvHex;
        int timeout = 90;
        int debug;
        int dtls;
        int dtlsVersion = 2;
    }

    private final EmulatedModule core;
    private final ResponseWriter out;
    private Settings settings = new Settings();
    /** cacert, clientcert, clientkey as uploaded; kept across reboots. */
    private final Map<String, byte[]> certificates = new LinkedHashMap<>();

    Bc660kSslConfig(EmulatedModule core) {
        this.core = core;
        this.out = core.out();
    }

    int seclevel() {
        return settings.seclevel;
    }

    int sslVersion() {
        return settings.sslVersion;
    }

    boolean sendHex() {
        return settings.sendHex;
    }

    boolean recvHex() {
        return settings.recvHex;
    }

    int timeout() {
        return settings.timeout;
    }

    boolean dtls() {
        return settings.dtls == 1;
    }

    /** What an item holds, or null. */
    byte[] certificate(String item) {
        return certificates.get(item);
    }

    Map<String, byte[]> certificates() {
        Map<String, byte[]> copy = new LinkedHashMap<>();
        certificates.forEach((k, v) -> copy.put(k, v.clone()));
        return copy;
    }

    /** A reboot: the settings go back to their defaults, the certificates stay. */
    void reboot() {
        settings = new Settings();
    }

    void handle(CommandLine c) throws IOException {
        if (c.test()) {
            String ids = "+QSSLCFG: (0-10),(0-4),";
            out.respondBlock(List.of(ids + "\"seclevel\",(0-2)", ids + "\"sslversion\",(1-4)",
                    ids + "\"dataformat\",(0,1),(0,1)", ids + "\"timeout\",(10-300)", ids + "\"debug\",(0-4)",
                    ids + "\"cacert\"", ids + "\"clientcert\"", ids + "\"clientkey\"", ids + "\"dtls\",(0,1)",
                    ids + "\"dtlsversion\",(0-2)"));
            return;
        }
        if (c.query() || c.count() < 2 || !zeroZero(c)) {
            out.error();
            return;
        }
        if (c.count() == 2) {
            List<String> all = new ArrayList<>();
            for (String item : List.of("seclevel", "sslversion", "dataformat", "timeout", "debug", "cacert",
                    "clientcert", "clientkey", "dtls", "dtlsversion")) {
                all.add(line(item));
            }
            out.respondBlock(all);
            return;
        }
        String item = c.arg(2);
        if (CERT_ITEMS.contains(item)) {
            if (c.count() != 3) {
                out.error();
                return;
            }
            upload(item);
            return;
        }
        List<String> values = c.args().subList(3, c.count());
        if (values.isEmpty()) {
            if (line(item) == null) {
                out.error();
            } else {
                out.respond(line(item));
            }
            return;
        }
        if (set(item, values)) {
            out.ok();
        } else {
            out.error();
        }
    }

    static boolean zeroZero(CommandLine c) {
        return c.arg(0).equals("0") && c.arg(1).equals("0");
    }

    /** The setting's line, or null for an unknown item. */
    private String line(String item) {
        Settings s = settings;
        String head = "+QSSLCFG: 0,0,\"" + item + "\",";
        switch (item) {
        case "seclevel":
            return head + s.seclevel;
        case "sslversion":
            return head + s.sslVersion;
        case "dataformat":
            return head + (s.sendHex ? 1 : 0) + "," + (s.recvHex ? 1 : 0);
        case "timeout":
            return head + s.timeout;
        case "debug":
            return head + s.debug;
        case "dtls":
            return head + s.dtls;
        case "dtlsversion":
            return head + s.dtlsVersion;
        case "cacert":
        case "clientcert":
        case "clientkey":
            byte[] stored = certificates.get(item);
            return head + (stored == null ? 0 : stored.length);
        default:
            return null;
        }
    }

    private boolean set(String item, List<String> v) {
        int n = CommandLine.number(v.get(0));
        Settings s = settings;
        switch (item) {
        case "seclevel":
            return v.size() == 1 && in(n, 0, 2) && apply(() -> s.seclevel = n);
        case "sslversion":
            return v.size() == 1 && in(n, 1, 4) && apply(() -> s.sslVersion = n);
        case "dataformat":
            int rx = v.size() == 2 ? CommandLine.number(v.get(1)) : -1;
            return in(n, 0, 1) && in(rx, 0, 1) && apply(() -> {
                s.sendHex = n == 1;
                s.recvHex = rx == 1;
            });
        case "timeout":
            return v.size() == 1 && in(n, 10, 300) && apply(() -> s.timeout = n);
        case "debug":
            return v.size() == 1 && in(n, 0, 4) && apply(() -> s.debug = n);
        case "dtls":
            return v.size() == 1 && in(n, 0, 1) && apply(() -> s.dtls = n);
        case "dtlsversion":
            return v.size() == 1 && in(n, 0, 2) && apply(() -> s.dtlsVersion = n);
        default:
            return false;
        }
    }

    static boolean in(int n, int min, int max) {
        return n >= min && n <= max;
    }

    private static boolean apply(Runnable r) {
        r.run();
        return true;
    }

    /** The inline upload: {@code >}, the PEM, Ctrl+Z (ESC cancels). */
    private void upload(String item) throws IOException {
        out.raw("\r\n> ".getBytes(StandardCharsets.ISO_8859_1));
        byte[] pem = DataPhase.untilCtrlZ(core.input(), MAX_CERT + 1);
        if (pem == null || pem.length > MAX_CERT) {
            out.error(); // cancelled, or larger than the module keeps: the old content stays [U]
            return;
        }
        if (pem.length == 0) {
            certificates.remove(item);
        } else {
            certificates.put(item, pem);
        }
        out.respond("+QSSLCFG: 0,0,\"" + item + "\"," + pem.length);
    }
}
