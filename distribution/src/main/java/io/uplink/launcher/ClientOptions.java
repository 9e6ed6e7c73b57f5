package io.uplink.launcher;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The connection options {@code uplink pub} and {@code uplink sub} share, spelled like mosquitto_pub/sub's where
 * those exist. Parsing fails with an {@link IllegalArgumentException} whose message names the option and the fix.
 */
final class ClientOptions {

    static final String CONNECTION_HELP = String.join("\n",
            "Connection (as in mosquitto_pub/sub where the option exists):",
            "  -h, --host HOST        Broker host (default localhost)",
            "  -p, --port PORT        Broker port (default 1883, or 8883 with TLS)",
            "  -i, --id ID            MQTT client id",
            "  -k, --keepalive S      Keep-alive in seconds (default 60)",
            "  -V, --protocol-version 311|5  MQTT 3.1.1 (default) or 5 (also mqttv311, mqttv5)",
            "  -u, --username U       User name;  --password-stdin  reads the password from standard input",
            "  --profile P            generic (default), aws-iot, azure-iot-hub, hivemq-cloud: rules checked first",
            "TLS (the server is always verified):",
            "  --tls MODE             auto (default: on when a TLS option is given or the port is 8883/443),",
            "                         host (on: the gateway's TLS engine), none (plain MQTT), or modem (the",
            "                         modem's own TLS, with --modem: the CA and identity are stored in the modem",
            "                         first, only when they differ, and read back)",
            "  --cafile F             CA certificate(s) the server must chain to (default: the Java runtime's list)",
            "  --cert F --key F       Client certificate and key (PEM any line endings, DER, PKCS#8, ...)",
            "  --alias A              Client certificate and key from the gateway's credential store",
            "  --trust-alias A        CA certificates from the gateway's credential store",
            "  --sni NAME             Server name to send (default: the host)",
            "  --alpn P[,P]           ALPN protocols, e.g. x-amzn-mqtt-ca for AWS IoT on 443",
            "Path:",
            "  --modem PORT           Go through a modem: a serial port such as /dev/ttyUSB2 (its dialect is",
            "                         found from its answers: Quectel BG95/BG96, Nordic nRF91 SLM, Sierra HL78xx),",
            "                         or an emulated module: emulator:bg95, nrf9160, hl7800, bc660k",
            "  --baud N               Serial speed for --modem (default 115200)",
            "  --apn NAME             APN for --modem (default: keep the modem's; emulator: iot.emulated)",
            "Output:",
            "  --json                 Machine-readable output",
            "  -d, --debug            Wire-level log on standard error (AT traffic, TLS messages; secrets masked)",
            "  --help                 Show this help");

    String host = "localhost";
    Integer port;
    String clientId;
    int keepAlive = 60;
    String mqttVersion = "3.1.1";
    String username = "";
    boolean passwordStdin;
    String profile = "generic";
    String tls = "auto";
    Path caFile;
    Path certFile;
    Path keyFile;
    String alias = "";
    String trustAlias = "";
    String sni = "";
    List<String> alpn = List.of();
    String modem = "";
    int baud = 115200;
    String apn = "";
    boolean json;
    boolean debug;
    boolean help;

    /** Options this command does not know itself are offered to {@code own}; what neither knows is an error. */
    interface Own {
        /** @return how many arguments were consumed (0 = not this command's option) */
        int take(String option, List<String> args, int i);
    }

    static ClientOptions parse(List<String> args, Own own) {
        ClientOptions o = new ClientOptions();
        List<String> list = expandEquals(args);
        for (int i = 0; i < list.size(); i++) {
            String a = list.get(i);
            switch (a) {
            case "-h", "--host" -> o.host = host(value(list, ++i, a), a);
            case "-p", "--port" -> o.port = number(value(list, ++i, a), a, 1, 65535);
            case "-i", "--id" -> o.clientId = value(list, ++i, a);
            case "-k", "--keepalive" -> o.keepAlive = number(value(list, ++i, a), a, 0, 65535);
            case "-u", "--username" -> o.username = value(list, ++i, a);
            case "-V", "--protocol-version" -> o.mqttVersion = switch (value(list, ++i, a)) {
                case "311", "mqttv311", "3.1.1" -> "3.1.1";
                case "5", "mqttv5" -> "5";
                default -> throw new IllegalArgumentException(a + " must be 311 or 5 (mqttv311, mqttv5), not '"
                        + list.get(i) + "'");
                };
            case "--password-stdin" -> o.passwordStdin = true;
            case "-P", "--pw", "--password" -> throw new IllegalArgumentException(a + " would leave the password in "
                    + "the shell history and the process list: use --password-stdin and pipe it in");
            case "--profile" -> o.profile = value(list, ++i, a);
            case "--tls" -> o.tls = oneOf(value(list, ++i, a), a, "auto", "host", "none", "modem");
            case "--cafile" -> o.caFile = Path.of(value(list, ++i, a));
            case "--cert" -> o.certFile = Path.of(value(list, ++i, a));
            case "--key" -> o.keyFile = Path.of(value(list, ++i, a));
            case "--alias" -> o.alias = value(list, ++i, a);
            case "--trust-alias" -> o.trustAlias = value(list, ++i, a);
            case "--sni" -> o.sni = value(list, ++i, a);
            case "--alpn" -> o.alpn = List.of(value(list, ++i, a).split(","));
            case "--modem" -> o.modem = value(list, ++i, a);
            case "--baud" -> o.baud = number(value(list, ++i, a), a, 300, 4_000_000);
            case "--apn" -> o.apn = value(list, ++i, a);
            case "--json" -> o.json = true;
            case "-d", "--debug" -> o.debug = true;
            case "--help" -> o.help = true;
            default -> {
                int used = own.take(a, list, i);
                if (used == 0) {
                    throw new IllegalArgumentException("unknown option '" + a + "'");
                }
                i += used - 1;
            }
            }
        }
        if (o.help) {
            return o;
        }
        if ((o.certFile == null) != (o.keyFile == null)) {
            throw new IllegalArgumentException("--cert and --key go together: give both files, or --alias A for an "
                    + "identity in the credential store");
        }
        if (o.certFile != null && !o.alias.isEmpty()) {
            throw new IllegalArgumentException("give either --cert/--key or --alias, not both");
        }
        if (o.caFile != null && !o.trustAlias.isEmpty()) {
            throw new IllegalArgumentException("give either --cafile or --trust-alias, not both");
        }
        if ("modem".equals(o.tls)) {
            if (o.modem.isEmpty()) {
                throw new IllegalArgumentException("--tls modem runs TLS in the modem: give --modem PORT");
            }
            if (o.caFile == null && o.trustAlias.isEmpty()) {
                throw new IllegalArgumentException("--tls modem needs the broker's CA (--cafile F or --trust-alias A): "
                        + "a modem has no CA list of its own");
            }
            if (!o.alpn.isEmpty()) {
                throw new IllegalArgumentException("--alpn is not available with --tls modem (the modems Uplink "
                        + "drives send no ALPN): use --tls host");
            }
        }
        if ("none".equals(o.tls) && o.wantsTlsOptions()) {
            throw new IllegalArgumentException("--tls none contradicts the TLS options given (--cafile, --cert, "
                    + "--alias, --trust-alias, --sni, --alpn): drop one or the other");
        }
        return o;
    }

    boolean wantsTlsOptions() {
        return caFile != null || certFile != null || !alias.isEmpty() || !trustAlias.isEmpty() || !sni.isEmpty()
                || !alpn.isEmpty();
    }

    boolean tlsOn() {
        return switch (tls) {
        case "host", "modem" -> true;
        case "none" -> false;
        default -> wantsTlsOptions() || port != null && (port == 8883 || port == 443);
        };
    }

    int effectivePort() {
        return port != null ? port : tlsOn() ? 8883 : 1883;
    }

    /** {@code --name=value} is accepted as well as {@code --name value}. */
    private static List<String> expandEquals(List<String> args) {
        List<String> out = new ArrayList<>();
        for (String a : args) {
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 2) {
                out.add(a.substring(0, eq));
                out.add(a.substring(eq + 1));
            } else {
                out.add(a);
            }
        }
        return out;
    }

    static String value(List<String> args, int i, String option) {
        if (i >= args.size()) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args.get(i);
    }

    private static String host(String text, String option) {
        try {
            return io.uplink.cloud.EndpointAddress.host(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + ": " + e.getMessage());
        }
    }

    static int number(String text, String option, int min, int max) {
        try {
            int n = Integer.parseInt(text.trim());
            if (n < min || n > max) {
                throw new IllegalArgumentException(option + " must be " + min + ".." + max + ", not " + n);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " must be a number " + min + ".." + max + ", not '" + text
                    + "'");
        }
    }

    static String oneOf(String text, String option, String... allowed) {
        for (String a : allowed) {
            if (a.equals(text)) {
                return text;
            }
        }
        throw new IllegalArgumentException(option + " must be one of " + String.join(", ", allowed) + ", not '"
                + text + "'");
    }
}
