package io.uplink.cloud;

import java.net.IDN;
import java.util.Locale;
import java.util.Objects;

/**
 * A broker's address as people write it ({@code mqtts://broker.example.com:8883}, {@code broker.example.com},
 * {@code [::1]:1883}, {@code bücher.example}), checked once where it is typed so that every later step (DNS, the
 * socket, the TLS server name, the MQTT client's own URI) gets a host and port it can use.
 *
 * <p>Accepted: the schemes {@code mqtts}, {@code ssl}, {@code tls} (TLS) and {@code mqtt}, {@code tcp} (plain); host
 * names of letters, digits and hyphens in dot-separated labels (international names are converted to their ASCII
 * form, {@code xn--...}); IPv4 addresses; IPv6 addresses in brackets (bare when no port follows); ports 1-65535.
 * Refused with a message naming the part and the fix: user names and passwords in the address (they would end up
 * in logs, process lists and file names), an underscore or other characters no host name may hold, port 0, a
 * negative or too large port, an unclosed bracket, a path.
 *
 * @param host the host: an ASCII host name, an IPv4 address, or an IPv6 address without brackets
 * @param port 1-65535
 * @param tls whether the scheme asks for TLS; without a scheme, the default given to {@link #parse}
 * @param explicitPort whether the text named the port
 * @since 1.2
 */
public record EndpointAddress(String host, int port, boolean tls, boolean explicitPort) {

    public EndpointAddress {
        Objects.requireNonNull(host, "host");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1-65535, not " + port);
        }
    }

    /**
     * Parses {@code [scheme://]host[:port]}.
     *
     * @param text what the user typed
     * @param defaultTls TLS or not when no scheme is given
     * @throws IllegalArgumentException naming what is wrong and how to write it
     */
    public static EndpointAddress parse(String text, boolean defaultTls) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("no broker address was given: write mqtts://HOST:PORT (TLS) or "
                    + "mqtt://HOST:PORT (plain)");
        }
        String rest = text.strip();
        boolean tls = defaultTls;
        int sep = rest.indexOf("://");
        if (sep >= 0) {
            String scheme = rest.substring(0, sep).toLowerCase(Locale.ROOT);
            tls = switch (scheme) {
            case "mqtts", "ssl", "tls" -> true;
            case "mqtt", "tcp" -> false;
            default -> throw new IllegalArgumentException("'" + masked(text) + "' has the scheme '" + scheme
                    + "': write mqtts://HOST:PORT (TLS) or mqtt://HOST:PORT (plain)");
            };
            rest = rest.substring(sep + 3);
        }
        int slash = rest.indexOf('/');
        if (slash >= 0) {
            if (!rest.substring(slash).equals("/")) {
                throw new IllegalArgumentException("'" + masked(text) + "' has a path ('" + rest.substring(slash)
                        + "'): an MQTT broker address is only HOST:PORT");
            }
            rest = rest.substring(0, slash);
        }
        if (rest.indexOf('@') >= 0) {
            throw new IllegalArgumentException("'" + masked(text) + "' carries a user name" + (rest.substring(0,
                    rest.lastIndexOf('@')).contains(":") ? " and a password" : "") + ": they would end up in logs, "
                    + "the process list and file names. Give the user name with -u (username) and the password "
                    + "through --password-stdin (or the endpoint's password field), and only HOST:PORT here");
        }
        if (rest.isEmpty()) {
            throw new IllegalArgumentException("'" + text.strip() + "' names no host: write "
                    + (tls ? "mqtts" : "mqtt") + "://HOST:PORT");
        }
        String host;
        String portText = null;
        if (rest.startsWith("[")) {
            int close = rest.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("'" + text.strip() + "' opens an IPv6 address with '[' but does "
                        + "not close it: write [2001:db8::1]:8883");
            }
            host = rest.substring(1, close);
            String after = rest.substring(close + 1);
            if (!after.isEmpty()) {
                if (!after.startsWith(":")) {
                    throw new IllegalArgumentException("'" + text.strip() + "': after ']' only ':PORT' may follow");
                }
                portText = after.substring(1);
            }
            checkIpv6(host, text);
        } else {
            int colon = rest.indexOf(':');
            if (colon >= 0 && rest.indexOf(':', colon + 1) >= 0) {
                // Several colons without brackets: a bare IPv6 address, which cannot carry a port.
                host = rest;
                checkIpv6(host, text);
            } else if (colon >= 0) {
                host = rest.substring(0, colon);
                portText = rest.substring(colon + 1);
            } else {
                host = rest;
            }
            if (host.isEmpty()) {
                throw new IllegalArgumentException("'" + text.strip() + "' names no host before ':': write "
                        + "HOST:PORT, e.g. broker.example.com:8883");
            }
            if (!host.contains(":")) {
                host = hostName(host, text);
            }
        }
        int port = tls ? 8883 : 1883;
        if (portText != null) {
            port = port(portText, text);
        }
        return new EndpointAddress(host, port, tls, portText != null);
    }

    /**
     * Checks a host name alone (no port, no scheme), as {@code -h HOST} takes it, and returns its ASCII form.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static String host(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("no host was given: write a host name or an IP address");
        }
        String t = text.strip();
        if (t.contains("@")) {
            throw new IllegalArgumentException("'" + masked(t) + "' carries a user name" + (t.substring(0,
                    t.lastIndexOf('@')).contains(":") ? " and a password" : "") + ": give the user name with -u and "
                    + "the password through --password-stdin, and only the host here");
        }
        if (t.startsWith("[") && t.endsWith("]")) {
            t = t.substring(1, t.length() - 1);
        }
        if (t.contains(":")) {
            checkIpv6(t, text);
            return t;
        }
        return hostName(t, text);
    }

    /** The URI form: {@code mqtts://host:port}, IPv6 in brackets. */
    public String uri() {
        return (tls ? "mqtts" : "mqtt") + "://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    private static int port(String portText, String text) {
        if (portText.isEmpty()) {
            throw new IllegalArgumentException("'" + text.strip() + "' ends with ':' but no port: write HOST:PORT, "
                    + "e.g. :8883 for MQTT over TLS or :1883 for plain MQTT");
        }
        if (!portText.chars().allMatch(c -> c >= '0' && c <= '9') || portText.length() > 5) {
            throw new IllegalArgumentException("'" + text.strip() + "': the port '" + portText + "' is not a number "
                    + "1-65535 (MQTT over TLS is usually 8883, plain MQTT 1883)");
        }
        int port = Integer.parseInt(portText);
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("'" + text.strip() + "': port " + port + " is outside 1-65535 (MQTT "
                    + "over TLS is usually 8883, plain MQTT 1883)");
        }
        return port;
    }

    private static String hostName(String host, String text) {
        String ascii;
        try {
            ascii = IDN.toASCII(host, IDN.ALLOW_UNASSIGNED);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text.strip() + "': '" + host + "' is not a host name ("
                    + e.getMessage() + ")");
        }
        if (ascii.endsWith(".")) {
            ascii = ascii.substring(0, ascii.length() - 1);
        }
        if (ascii.isEmpty() || ascii.length() > 253) {
            throw new IllegalArgumentException("'" + text.strip() + "': a host name has 1 to 253 characters");
        }
        for (String label : ascii.split("\\.", -1)) {
            if (label.isEmpty() || label.length() > 63) {
                throw new IllegalArgumentException("'" + text.strip() + "': '" + host + "' has an empty or too long "
                        + "part between dots (each part has 1 to 63 characters)");
            }
            for (int i = 0; i < label.length(); i++) {
                char c = label.charAt(i);
                boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-';
                if (!ok) {
                    throw new IllegalArgumentException("'" + text.strip() + "': a host name may hold letters, digits, "
                            + "hyphens and dots, not '" + c + "'" + (c == '_' ? " (an underscore is not allowed in "
                                    + "host names, RFC 1123; the MQTT client refuses it): use the broker's IP address "
                                    + "or a DNS name without '_'" : ""));
                }
            }
            if (label.startsWith("-") || label.endsWith("-")) {
                throw new IllegalArgumentException("'" + text.strip() + "': a part of a host name cannot start or "
                        + "end with '-' ('" + label + "')");
            }
        }
        return ascii;
    }

    private static void checkIpv6(String host, String text) {
        boolean chars = !host.isEmpty() && host.chars().allMatch(c -> c >= '0' && c <= '9' || c >= 'a' && c <= 'f'
                || c >= 'A' && c <= 'F' || c == ':' || c == '.');
        int doubleColons = host.split("::", -1).length - 1;
        int groups = host.split(":", -1).length;
        if (!chars || doubleColons > 1 || groups < 3 || groups > 8 || host.contains(":::")) {
            throw new IllegalArgumentException("'" + text.strip() + "': '" + host + "' is not an IPv6 address; "
                    + "write an IPv6 address in brackets with the port after them: [2001:db8::1]:8883");
        }
    }

    /** The text with any password between '//' or the start and '@' replaced, for messages. */
    static String masked(String text) {
        String t = text.strip();
        int at = t.lastIndexOf('@');
        if (at < 0) {
            return t;
        }
        int start = t.indexOf("://");
        start = start < 0 ? 0 : start + 3;
        int colon = t.indexOf(':', start);
        if (colon >= 0 && colon < at) {
            return t.substring(0, colon + 1) + "***" + t.substring(at);
        }
        return t;
    }
}
