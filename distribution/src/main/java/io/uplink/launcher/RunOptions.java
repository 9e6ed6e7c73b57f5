package io.uplink.launcher;

import java.util.List;

/** Parsed options of {@code uplink run}. */
record RunOptions(String httpHost, Integer httpPort, boolean shell, boolean help) {

    static RunOptions parse(List<String> args) {
        String host = null;
        Integer port = null;
        boolean shell = true;
        boolean help = false;
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
            case "--http-port":
                port = port(value(args, ++i, a));
                break;
            default:
                if (a.startsWith("--http-port=")) {
                    port = port(a.substring("--http-port=".length()));
                } else if (a.startsWith("--http-host=")) {
                    host = httpHost(a.substring("--http-host=".length()));
                } else {
                    throw new IllegalArgumentException("unknown option '" + a + "'");
                }
            }
        }
        return new RunOptions(host, port, shell, help);
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
