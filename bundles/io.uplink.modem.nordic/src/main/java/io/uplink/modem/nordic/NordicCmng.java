package io.uplink.modem.nordic;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

import io.uplink.modem.CredentialKind;

/**
 * The {@code AT%CMNG} credential commands (Nordic nRF91 AT command reference): lines and the parser of the list
 * answer. Pure: no I/O.
 *
 * <p>Credential sets are named; the modem keeps credentials under integer security tags ({@code sec_tag}, 0 to
 * 2147483647), with one entry per type: 0 root CA, 1 client certificate, 2 client private key (3 and 4 are PSK, not
 * used here). A set whose name is a decimal number lives under that tag, so tags made by other tools are usable by
 * name; any other name maps to a tag in Uplink's range ({@value #UPLINK_TAG_BASE} + 20 bits of the name's CRC-32).
 */
final class NordicCmng {

    /** Start of the security tags Uplink derives from set names. */
    static final long UPLINK_TAG_BASE = 0x5550_0000L;
    /** Highest tag an application may use; higher ones belong to the modem. */
    static final long MAX_TAG = 2_147_483_647L;
    /**
     * Longest PEM text in one write: the Serial LTE Modem reads a command line into a 4 KB buffer [U: the buffer size
     * is a build option, 4096 by default] and the line holds {@code AT%CMNG=0,<tag>,<type>,"..."} around the text.
     */
    static final int MAX_PEM_BYTES = 4096 - 40;

    /** One {@code %CMNG: <tag>,<type>[,"<sha256>"]} line. */
    record Entry(long tag, int type, String sha256) {
    }

    private static final Pattern LIST = Pattern.compile("%CMNG:\\s*(\\d{1,10})\\s*,\\s*(\\d{1,2})\\s*(?:,\\s*\"?"
            + "([0-9A-Fa-f]{64})\"?)?.*");

    private NordicCmng() {
    }

    /** The modem's type number of a part. */
    static int type(CredentialKind kind) {
        return switch (kind) {
        case CA_CERTIFICATES -> 0;
        case CLIENT_CERTIFICATE -> 1;
        case PRIVATE_KEY -> 2;
        };
    }

    /** The part of a type number, or null for types Uplink does not store (PSK, identity, public keys). */
    static CredentialKind kind(int type) {
        return switch (type) {
        case 0 -> CredentialKind.CA_CERTIFICATES;
        case 1 -> CredentialKind.CLIENT_CERTIFICATE;
        case 2 -> CredentialKind.PRIVATE_KEY;
        default -> null;
        };
    }

    /** The security tag of a set name: the number itself for a decimal name within range, else one in Uplink's range. */
    static long tag(String name) {
        if (name.matches("\\d{1,10}")) {
            long n = Long.parseLong(name);
            if (n <= MAX_TAG) {
                return n;
            }
        }
        CRC32 crc = new CRC32();
        crc.update(name.getBytes(StandardCharsets.UTF_8));
        return UPLINK_TAG_BASE + (crc.getValue() & 0xF_FFFF);
    }

    static String list(long tag) {
        return "AT%CMNG=1," + tag;
    }

    static String listAll() {
        return "AT%CMNG=1";
    }

    static String delete(long tag, int type) {
        return "AT%CMNG=3," + tag + "," + type;
    }

    /** {@code AT%CMNG=0,<tag>,<type>,"<PEM>"}: the PEM goes inside the quotes literally, line feeds included. */
    static String write(long tag, int type, byte[] pem) {
        return "AT%CMNG=0," + tag + "," + type + ",\"" + new String(pem, StandardCharsets.US_ASCII) + "\"";
    }

    /**
     * Why this PEM text cannot go inside the quotes of a write, or null when it can: printable ASCII and line feeds
     * only (a quote would end the argument, a CR ends the command line on the way), at most {@link #MAX_PEM_BYTES}.
     */
    static String unwritable(byte[] pem) {
        if (pem.length == 0) {
            return "it is empty";
        }
        if (pem.length > MAX_PEM_BYTES) {
            return "it is " + pem.length + " bytes; one AT%CMNG write takes at most " + MAX_PEM_BYTES;
        }
        for (int i = 0; i < pem.length; i++) {
            int c = pem[i] & 0xFF;
            if (c == '"' || c == '\r' || (c < 0x20 && c != '\n') || c > 0x7E) {
                return "byte " + i + " is " + (c == '"' ? "a quote" : String.format("0x%02x", c)) + ", which cannot go "
                        + "inside the quotes of AT%CMNG (PEM text with LF line ends only)";
            }
        }
        return null;
    }

    /** The SHA-256 the modem lists for content, upper-case hex as it prints it. */
    static String sha256(byte[] content) {
        try {
            return HexFormat.of().withUpperCase().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** The entries of a list answer; lines that are not {@code %CMNG: <tag>,<type>...} or out of range are skipped. */
    static List<Entry> parse(List<String> lines) {
        List<Entry> out = new ArrayList<>();
        for (String l : lines) {
            Matcher m = LIST.matcher(l.strip());
            if (!m.matches()) {
                continue;
            }
            long tag = Long.parseLong(m.group(1));
            if (tag > 4_294_967_295L) {
                continue;
            }
            String sha = m.group(3) == null ? "" : m.group(3).toUpperCase(java.util.Locale.ROOT);
            out.add(new Entry(tag, Integer.parseInt(m.group(2)), sha));
        }
        return out;
    }

    /** The listed SHA-256 of each type under one tag (empty string where the modem lists none). */
    static Map<Integer, String> byType(List<Entry> entries, long tag) {
        Map<Integer, String> m = new java.util.HashMap<>();
        for (Entry e : entries) {
            if (e.tag() == tag) {
                m.put(e.type(), e.sha256());
            }
        }
        return m;
    }
}
