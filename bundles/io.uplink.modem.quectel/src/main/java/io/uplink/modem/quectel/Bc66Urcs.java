package io.uplink.modem.quectel;

import java.util.ArrayList;
import java.util.List;

/**
 * Pure parsers for what a BC66/BC660K says about its sockets, written from the BC660K-GL SSL application note V1.1 and
 * the fact sheet's socket notes (modems.md sections 2 and 7). No I/O; every method returns {@code null} for a line it
 * cannot read, never throws, and never returns more than the line held.
 *
 * <ul>
 * <li>{@code +QIURC: "recv",<id>,<len>,"<data>"} (direct push, data in hex or text per {@code AT+QICFG="dataformat"}),
 * {@code +QIURC: "recv",<id>} (buffer mode: read with {@code AT+QIRD}), {@code +QIURC: "closed",<id>},
 * {@code +QIURC: "buff full",<id>}</li>
 * <li>{@code +QSSLURC: "recv",<ctx>,<conn>,<len>,"<data>"} (1-1400 bytes), {@code +QSSLURC: "closed",<ctx>,<conn>}</li>
 * <li>{@code +QIOPEN: <id>,<err>}, {@code +QSSLOPEN: <ctx>,<conn>,<err>}, {@code +QSSLSEND: <ctx>,<conn>,<err>}</li>
 * <li>{@code +QSSLCFG: <ctx>,<conn>,"cacert",<bytes stored>}</li>
 * </ul>
 */
final class Bc66Urcs {

    /** The most a URC or read may carry: the SSL note's 1400 bytes per {@code +QSSLURC}, with room for TCP reads. */
    static final int MAX_DATA = 1500;

    /** A URC event on one socket: kind ({@code recv}, {@code closed}, {@code buff full}, ...), the socket, the data. */
    record Event(String kind, int socket, byte[] data, int announced) {
        /** {@code true} for a buffer-mode notice: data waits in the module, to be read with AT+QIRD. */
        boolean dataWaiting() {
            return kind.equals("recv") && data == null;
        }
    }

    private Bc66Urcs() {
    }

    /**
     * A {@code +QIURC:} line. Data in the line is decoded as hex when {@code hex}, else taken as text (ISO-8859-1);
     * data whose length differs from the announced length makes the line unreadable ({@code null}): the socket then
     * fails loudly instead of passing a corrupt stream on.
     */
    static Event qiurc(String line, boolean hex) {
        List<String> f = fields(line, "+QIURC:");
        if (f == null || f.size() < 2) {
            return null;
        }
        String kind = unquote(f.get(0));
        int id = number(f.get(1));
        if (kind == null || id < 0) {
            return null;
        }
        if (!kind.equals("recv") || f.size() == 2) {
            return new Event(kind, id, null, -1);
        }
        if (f.size() == 3 && "buff full".equals(unquote(f.get(2)))) {
            return new Event("buff full", id, null, -1); // the form +QIURC: "recv",<id>,"buff full" [O]
        }
        int len = number(f.get(2));
        if (len < 0 || len > MAX_DATA) {
            return null;
        }
        if (f.size() == 3) {
            return new Event(kind, id, null, len); // buffer mode with the length: read it with AT+QIRD
        }
        byte[] data = data(join(f, 3), hex);
        return data != null && data.length == len ? new Event(kind, id, data, len) : null;
    }

    /** A {@code +QSSLURC:} line: {@code "recv",<ctx>,<conn>,<len>,"<data>"} or {@code "closed",<ctx>,<conn>}. */
    static Event qsslurc(String line, boolean hex) {
        List<String> f = fields(line, "+QSSLURC:");
        if (f == null || f.size() < 3) {
            return null;
        }
        String kind = unquote(f.get(0));
        int ctx = number(f.get(1));
        int conn = number(f.get(2));
        if (kind == null || ctx < 0 || conn < 0) {
            return null;
        }
        if (!kind.equals("recv")) {
            return new Event(kind, conn, null, -1);
        }
        if (f.size() < 5) {
            return null;
        }
        int len = number(f.get(3));
        if (len < 1 || len > MAX_DATA) {
            return null;
        }
        byte[] data = data(join(f, 4), hex);
        return data != null && data.length == len ? new Event(kind, conn, data, len) : null;
    }

    /** The numbers of a result line ({@code +QIOPEN: 0,0}, {@code +QSSLOPEN: 0,0,-9}), or {@code null}. */
    static int[] numbers(String line, String prefix, int count) {
        List<String> f = fields(line, prefix);
        if (f == null || f.size() != count) {
            return null;
        }
        int[] n = new int[count];
        for (int i = 0; i < count; i++) {
            String s = f.get(i).trim();
            if (s.isEmpty() || s.length() > 6) {
                return null;
            }
            try {
                n[i] = Integer.parseInt(s);
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return n;
    }

    /**
     * The byte count in {@code +QSSLCFG: <ctx>,<conn>,"<item>",<n>} for that item (the note calls it
     * {@code <checksum>} and defines it as "the length of certificate. Unit: byte"), or -1.
     */
    static long storedBytes(String line, String item) {
        List<String> f = fields(line, "+QSSLCFG:");
        if (f == null || f.size() != 4 || !item.equals(unquote(f.get(2)))) {
            return -1;
        }
        String n = f.get(3).trim();
        if (n.isEmpty() || n.length() > 9 || !n.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return -1;
        }
        return Long.parseLong(n);
    }

    /** What one {@code AT+QIRD} gave: the data, and how many bytes the module says are left (-1: not said). */
    record Read(byte[] data, int left) {
    }

    /**
     * A read answer: {@code +QIRD: <n>[,<left>],"<data>"}, or {@code +QIRD: <n>[,<left>]} with the data on the next
     * line, or {@code +QIRD: 0}; the data checked against n. {@code null} when unreadable.
     */
    static Read readData(String head, String next, boolean hex) {
        List<String> f = fields(head, "+QIRD:");
        if (f == null || f.isEmpty() || f.size() > 3) {
            return null;
        }
        int len = number(f.get(0));
        if (len < 0 || len > MAX_DATA) {
            return null;
        }
        String last = f.get(f.size() - 1);
        boolean quoted = f.size() > 1 && last.length() >= 2 && last.startsWith("\"") && last.endsWith("\"");
        int left = -1;
        if (f.size() == 3 || f.size() == 2 && !quoted && next != null) {
            left = number(f.get(1));
            if (left < 0) {
                return null;
            }
        }
        if (len == 0) {
            return f.size() == 1 || !quoted ? new Read(new byte[0], left) : null;
        }
        String text = quoted || f.size() == 2 && left < 0 ? last : next;
        if (text == null) {
            return null;
        }
        byte[] data = data(text, hex);
        return data != null && data.length == len ? new Read(data, left) : null;
    }

    static byte[] data(String field, boolean hex) {
        String s = field.strip();
        if (s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"")) {
            s = s.substring(1, s.length() - 1);
        }
        return hex ? Bc66Hex.decode(s) : s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    /**
     * The comma-separated fields after the prefix; commas inside quotes do not split (text data may hold commas).
     * {@code null} when the line does not start with the prefix.
     */
    static List<String> fields(String line, String prefix) {
        if (line == null || !line.startsWith(prefix)) {
            return null;
        }
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        String rest = line.substring(prefix.length());
        for (int i = 0; i < rest.length(); i++) {
            char c = rest.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            }
            if (c == ',' && !quoted) {
                out.add(cur.toString().strip());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString().strip());
        return out;
    }

    private static String join(List<String> f, int from) {
        return String.join(",", f.subList(from, f.size()));
    }

    static String unquote(String s) {
        String t = s.strip();
        if (t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"")) {
            return t.substring(1, t.length() - 1);
        }
        return t.isEmpty() || t.contains("\"") ? null : t;
    }

    static int number(String s) {
        String t = s.strip();
        if (t.isEmpty() || t.length() > 6 || !t.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return -1;
        }
        return Integer.parseInt(t);
    }
}
