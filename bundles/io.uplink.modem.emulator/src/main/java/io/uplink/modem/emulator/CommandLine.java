package io.uplink.modem.emulator;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One command line as the emulated module received it, split the way V.250 reads it: {@code AT<name>[=<args>|?|=?]}.
 *
 * @param line the whole line without its terminator, e.g. {@code AT+QIOPEN=1,0,"TCP","host",80}
 * @param name the command name in upper case without {@code AT}, e.g. {@code +QIOPEN}, {@code E0}, or empty for
 *            {@code AT}
 * @param rawArgs what follows the first {@code =}, unparsed (empty when there is none)
 * @param args {@link #rawArgs} split at commas outside quotes, quotes removed
 * @param query the read form {@code AT<name>?}
 * @param test the test form {@code AT<name>=?}
 */
record CommandLine(String line, String name, String rawArgs, List<String> args, boolean query, boolean test) {

    /** Parses a line that starts with {@code AT} (any case). */
    static CommandLine parse(String line) {
        String cmd = line.substring(2);
        int end = 0;
        while (end < cmd.length() && cmd.charAt(end) != '=' && cmd.charAt(end) != '?') {
            end++;
        }
        String name = cmd.substring(0, end).toUpperCase(Locale.ROOT);
        String raw = cmd.contains("=") ? cmd.substring(cmd.indexOf('=') + 1) : "";
        boolean query = cmd.endsWith("?") && !cmd.endsWith("=?");
        boolean test = cmd.endsWith("=?");
        return new CommandLine(line, name, raw, arguments(raw), query, test);
    }

    /** Argument i as an int, or -1 when it is missing or not a number. */
    int intArg(int i) {
        return number(i < args.size() ? args.get(i) : null);
    }

    /** The argument count. */
    int count() {
        return args.size();
    }

    /** Argument i, or the empty string when missing. */
    String arg(int i) {
        return i < args.size() ? args.get(i) : "";
    }

    /** Whether argument i was written in double quotes in the raw line (a string, not a number). */
    boolean quoted(int i) {
        List<String> raw = rawSplit(rawArgs);
        return i < raw.size() && raw.get(i).trim().startsWith("\"");
    }

    /** Splits {@code 1,0,"TCP","a,b",80} into its arguments, quotes removed. */
    static List<String> arguments(String args) {
        List<String> out = new ArrayList<>();
        for (String a : rawSplit(args)) {
            out.add(a.replace("\"", "").trim());
        }
        return out;
    }

    /** Splits at commas outside quotes, keeping the quotes. */
    private static List<String> rawSplit(String args) {
        List<String> out = new ArrayList<>();
        if (args.isEmpty() || args.equals("?")) {
            return out;
        }
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (char c : args.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
                cur.append(c);
            } else if (c == ',' && !quoted) {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString());
        return out;
    }

    /** A decimal int, or -1. */
    static int number(String s) {
        if (s == null) {
            return -1;
        }
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
