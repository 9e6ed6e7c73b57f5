package io.uplink.launcher;

import java.util.List;

/** Parsed options of {@code uplink run}. */
record RunOptions(String httpHost, Integer httpPort, boolean shell, boolean help, boolean https, String httpsAlias,
        boolean allowPlainHttp) {

    RunOptions(String httpHost, Integer httpPort, boolean shell, boolean help) {
        this(httpHost, httpPort, shell, help, false, null, false);
    }

    static RunOptions parse(List<String> args) {
        String host = null;
        Integer port = null;
        boolean shell = true;
        boolean help = false;
        boolean https = false;
        String httpsAlias = null;
        boolean allowPlainHttp = false;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            switch (a) {
            case "-h":
            case "--help":
                help = true;
                break;
            case "--no-shell":
                shell = false;
                break;
            case "--http-host":
                host = httpHost(value(args, ++i, a));
                break;
            case "--https":
                https = true;
                break;
            case "--https-alias":
                httpsAlias = value(args, ++i, a);
                https = true;
                break;
            case "--allow-plain-http":
                allowPlainHttp = true;
                break;
            case "--http-port":
                port = port(value(args, ++i, a));
                break;
            default:
                if (a.startsWith("--http-port=")) {
                    port = port(a.substring("--http-port=".length()));
                } else if (a.startsWith("--http-host=")) {
                    host = httpHost(a.substring("--http-host=".length()));
                } else if (a.startsWith("--https-alias=")) {
                    httpsAlias = a.substring("--https-alias=".length());
                    https = true;
                } else {
                    throw new IllegalArgumentException("unknown option '" + a + "'");
                }
            }
        }
        if (httpsAlias != null && httpsAlias.isBlank()) {
            throw new IllegalArgumentException("--https-alias needs the alias of a certificate with its key in the "
                    + "credential store ('uplink creds list' shows them)");
        }
        if (https && allowPlainHttp) {
            throw new IllegalArgumentException("--https and --allow-plain-http contradict each other: with --https "
                    + "the console is served over HTTPS only; leave one out");
        }
        return new RunOptions(host, port, shell, help, https, httpsAlias, allowPlainHttp);
    }

    private static String value(List<String> args, int i, String option) {
        if (i >= args.size() || args.get(i).startsWith("--")) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args.get(i);
    }

    private static String httpHost(String text) {
        try {
            return io.uplink.cloud.EndpointAddress.host(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--http-host: " + e.getMessage());
        }
    }

    static int port(String text) {
        try {
            int p = Integer.parseInt(text);
            if (p < 1 || p > 65535) {
                throw new IllegalArgumentException("--http-port must be 1..65535, not " + p);
            }
            return p;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--http-port must be a number 1..65535, not '" + text + "'");
        }
    }
}
