package io.uplink.modem.emulator;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The nRF91 modem's credential store behind {@code AT%CMNG}, as Nordic's AT reference and the modem_key_mgmt library
 * use it: {@code AT%CMNG=<op>[,<sec_tag>[,<type>[,"<content>"[,"<passwd>"]]]]}, op 0 write, 1 list, 2 read,
 * 3 delete; sec_tag 0..2147483647; types 0 root CA, 1 client certificate, 2 client key, 3 PSK (hex), 4 PSK identity,
 * 5 public key.
 *
 * <ul>
 * <li>Write and delete need the radio off: in CFUN 1 they answer {@code +CME ERROR: 518} (plain {@code ERROR} while
 * AT+CMEE is 0). List and read work in any state.</li>
 * <li>A write replaces an existing entry of the same tag and type (519, "already exists", is not the normal
 * answer).</li>
 * <li>List: {@code %CMNG: <sec_tag>,<type>,"<SHA-256 of the content, upper-case hex>"} per entry, ordered by tag and
 * type; filters by tag and type when given.</li>
 * <li>Read: {@code %CMNG: <sec_tag>,<type>,"<sha>","<content>"}; only the root CA and the PSK identity can be read
 * back: the client certificate, the key and the PSK answer 514 (no access) [U for the PSK and certificate; the
 * key is confirmed]. A missing entry answers 513.</li>
 * <li>Limits: the whole command line is at most 4096 bytes (the SLM's AT buffer and the key-management library's
 * 4 KB buffer; longer lines answer {@code ERROR} before the modem sees them); the store holds
 * {@link #CAPACITY_BYTES} of content in all [choice], more answers 515 (memory full).</li>
 * <li>Content is stored exactly as it stood between the quotes (line breaks included); the SHA-256 is over those
 * bytes [U: whether the modem normalises line endings first is not documented].</li>
 * </ul>
 * Credentials live in the modem's flash: they survive CFUN changes and restarts.
 *
 * <p>Threads: emulator thread only.
 */
final class Nrf9160Credentials {

    /** Total content bytes the emulated store holds [choice: the real modem's flash budget is undocumented]. */
    static final int CAPACITY_BYTES = 32 * 1024;
    static final long MAX_SEC_TAG = 2147483647L;
    static final int NOT_FOUND = 513;
    static final int NO_ACCESS = 514;
    static final int MEMORY_FULL = 515;
    static final int NOT_ALLOWED_ONLINE = 518;

    /** One credential: content as written. */
    record Entry(long secTag, int type, byte[] content) {
        String sha256() {
            try {
                byte[] d = MessageDigest.getInstance("SHA-256").digest(content);
                return HexFormat.of().formatHex(d).toUpperCase(Locale.ROOT);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
            }
        }
    }

    /** By sec_tag, then type. */
    private final TreeMap<Long, TreeMap<Integer, Entry>> store = new TreeMap<>();
    private final EmulatedModule core;

    Nrf9160Credentials(EmulatedModule core) {
        this.core = core;
    }

    /** The content of a credential, or null. */
    byte[] content(long secTag, int type) {
        Map<Integer, Entry> tag = store.get(secTag);
        Entry e = tag == null ? null : tag.get(type);
        return e == null ? null : e.content().clone();
    }

    /** Copies of every entry, for tests: "tag/type" -> content. */
    Map<String, byte[]> snapshot() {
        Map<String, byte[]> m = new LinkedHashMap<>();
        store.forEach((tag, types) -> types.forEach((type, e) -> m.put(tag + "/" + type, e.content().clone())));
        return m;
    }

    /** Handles {@code AT%CMNG}. */
    void handle(CommandLine c) throws IOException {
        ResponseWriter out = core.out();
        if (c.test()) {
            out.respond("%CMNG: (0-3),(0-" + MAX_SEC_TAG + "),(0-5)");
            return;
        }
        if (c.query() || c.count() == 0) {
            out.error();
            return;
        }
        switch (c.intArg(0)) {
        case 0:
            write(c);
            break;
        case 1:
            list(c);
            break;
        case 2:
            read(c);
            break;
        case 3:
            delete(c);
            break;
        default:
            out.error();
        }
    }

    private void write(CommandLine c) throws IOException {
        long tag = secTag(c, 1);
        int type = c.intArg(2);
        if (tag < 0 || type < 0 || type > 5 || c.count() < 4 || c.count() > 5 || !c.quoted(3)) {
            core.out().error();
            return;
        }
        if (core.cfun() == 1) {
            core.cmeOrError(NOT_ALLOWED_ONLINE);
            return;
        }
        byte[] content = quotedContent(c.rawArgs()).getBytes(StandardCharsets.ISO_8859_1);
        if (content.length == 0 || type == 3 && !isHex(content)) {
            core.out().error(); // nothing to store, or a PSK that is not a hex string [U: the modem's exact answer]
            return;
        }
        Entry old = store.getOrDefault(tag, new TreeMap<>()).get(type);
        if (used() - (old == null ? 0 : old.content().length) + content.length > CAPACITY_BYTES) {
            core.cmeOrError(MEMORY_FULL);
            return;
        }
        store.computeIfAbsent(tag, t -> new TreeMap<>()).put(type, new Entry(tag, type, content));
        core.out().ok();
    }

    private void list(CommandLine c) throws IOException {
        long onlyTag = c.count() > 1 ? secTag(c, 1) : -1;
        int onlyType = c.count() > 2 ? c.intArg(2) : -1;
        if (c.count() > 1 && onlyTag < 0 || c.count() > 2 && (onlyType < 0 || onlyType > 5) || c.count() > 3) {
            core.out().error();
            return;
        }
        List<String> lines = new ArrayList<>();
        store.forEach((tag, types) -> types.forEach((type, e) -> {
            if ((onlyTag < 0 || onlyTag == tag) && (onlyType < 0 || onlyType == type)) {
                lines.add("%CMNG: " + tag + "," + type + ",\"" + e.sha256() + "\"");
            }
        }));
        core.out().respondBlock(lines);
    }

    private void read(CommandLine c) throws IOException {
        long tag = secTag(c, 1);
        int type = c.intArg(2);
        if (tag < 0 || type < 0 || type > 5 || c.count() != 3) {
            core.out().error();
            return;
        }
        Map<Integer, Entry> types = store.get(tag);
        Entry e = types == null ? null : types.get(type);
        if (e == null) {
            core.cmeOrError(NOT_FOUND);
            return;
        }
        if (type == 1 || type == 2 || type == 3) {
            core.cmeOrError(NO_ACCESS);
            return;
        }
        core.out().respond("%CMNG: " + tag + "," + type + ",\"" + e.sha256() + "\",\""
                + new String(e.content(), StandardCharsets.ISO_8859_1) + "\"");
    }

    private void delete(CommandLine c) throws IOException {
        long tag = secTag(c, 1);
        int type = c.intArg(2);
        if (tag < 0 || type < 0 || type > 5 || c.count() != 3) {
            core.out().error();
            return;
        }
        if (core.cfun() == 1) {
            core.cmeOrError(NOT_ALLOWED_ONLINE);
            return;
        }
        Map<Integer, Entry> types = store.get(tag);
        if (types == null || types.remove(type) == null) {
            core.cmeOrError(NOT_FOUND);
            return;
        }
        if (types.isEmpty()) {
            store.remove(tag);
        }
        core.out().ok();
    }

    private int used() {
        return store.values().stream().flatMap(m -> m.values().stream()).mapToInt(e -> e.content().length).sum();
    }

    /** Argument i as a sec_tag (0..2147483647), or -1. */
    private static long secTag(CommandLine c, int i) {
        try {
            long v = Long.parseLong(c.arg(i).trim());
            return v >= 0 && v <= MAX_SEC_TAG ? v : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The text between the quotes of the fourth argument, exactly (line breaks kept, nothing trimmed). */
    static String quotedContent(String rawArgs) {
        int commas = 0;
        int i = 0;
        while (i < rawArgs.length() && commas < 3) {
            if (rawArgs.charAt(i) == ',') {
                commas++;
            }
            i++;
        }
        int open = rawArgs.indexOf('"', i);
        int close = open < 0 ? -1 : rawArgs.indexOf('"', open + 1);
        return open < 0 || close < 0 ? "" : rawArgs.substring(open + 1, close);
    }

    private static boolean isHex(byte[] b) {
        for (byte x : b) {
            if (Character.digit(x, 16) < 0) {
                return false;
            }
        }
        return b.length % 2 == 0;
    }
}
