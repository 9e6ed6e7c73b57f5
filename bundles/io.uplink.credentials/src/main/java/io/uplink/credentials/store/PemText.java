package io.uplink.credentials.store;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns whatever people paste into canonical PEM blocks that Bouncy Castle's {@code PEMParser} reads: any line
 * endings (LF, CRLF, CR, mixed), a UTF-8 byte-order mark, junk and whitespace around and inside the blocks, base64
 * wrapped at any width or not at all. It only re-lays out the text; decoding is Bouncy Castle's.
 */
final class PemText {

    /** One block: its label ({@code CERTIFICATE}, {@code PRIVATE KEY}, ...) and canonical text. */
    record Block(int index, String label, String canonical) {
    }

    /** What {@link #split} found. */
    record Result(List<Block> blocks, List<String> malformed, boolean truncated, boolean junkOutside,
            String lineEndings) {
    }

    private static final Pattern BEGIN = Pattern.compile("-----\\s*BEGIN ([A-Z0-9 ]+?)\\s*-----");
    private static final Pattern RFC1421_HEADER = Pattern.compile("^[A-Za-z][A-Za-z0-9-]*:.*$");
    private static final int MAX_BLOCKS = 1000;

    private PemText() {
    }

    /** Decodes bytes as text: UTF-8 (a BOM removed), else ISO-8859-1. Returns null for binary content. */
    static String decode(byte[] content) {
        int offset = content.length >= 3 && (content[0] & 0xFF) == 0xEF && (content[1] & 0xFF) == 0xBB
                && (content[2] & 0xFF) == 0xBF ? 3 : 0;
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(content, offset, content.length - offset)).toString();
        } catch (CharacterCodingException e) {
            text = new String(content, offset, content.length - offset, StandardCharsets.ISO_8859_1);
        }
        return text;
    }

    /** {@code true} when the text contains a PEM BEGIN line. */
    static boolean looksLikePem(String text) {
        return BEGIN.matcher(text).find();
    }

    static Result split(String text) {
        String endings = describeLineEndings(text);
        String normalized = text.replace("\r\n", "\n").replace('\r', '\n');
        List<Block> blocks = new ArrayList<>();
        List<String> malformed = new ArrayList<>();
        boolean truncated = false;
        boolean junk = false;
        Matcher begin = BEGIN.matcher(normalized);
        int pos = 0;
        while (begin.find(pos) && blocks.size() + malformed.size() < MAX_BLOCKS) {
            if (!normalized.substring(pos, begin.start()).isBlank()) {
                junk = true;
            }
            String label = begin.group(1).trim();
            int bodyStart = begin.end();
            Matcher end = Pattern.compile("-----\\s*END " + Pattern.quote(label) + "\\s*-----").matcher(normalized);
            if (!end.find(bodyStart)) {
                truncated = true;
                malformed.add("block " + (blocks.size() + malformed.size() + 1) + " (" + label
                        + ") has no END line: the text was cut off");
                pos = normalized.length();
                break;
            }
            int index = blocks.size() + malformed.size() + 1;
            String problem = canonicalize(label, normalized.substring(bodyStart, end.start()), blocks, index);
            if (problem != null) {
                malformed.add("block " + index + " (" + label + ") " + problem);
            }
            pos = end.end();
        }
        if (pos < normalized.length() && !normalized.substring(pos).isBlank()) {
            junk = true;
        }
        return new Result(blocks, malformed, truncated, junk, endings);
    }

    /** Adds the canonical block, or returns what is wrong with it. */
    private static String canonicalize(String label, String body, List<Block> out, int index) {
        StringBuilder headers = new StringBuilder();
        StringBuilder base64 = new StringBuilder(body.length());
        boolean inHeaders = true;
        for (String rawLine : body.split("\n", -1)) {
            String line = rawLine.strip();
            if (inHeaders && RFC1421_HEADER.matcher(line).matches()) {
                headers.append(line).append('\n');
                continue;
            }
            if (!line.isEmpty()) {
                inHeaders = false;
            }
            for (int i = 0; i < line.length(); i++) {
                char c = line.charAt(i);
                if (Character.isWhitespace(c)) {
                    continue;
                }
                if (!isBase64(c)) {
                    return "contains the character " + describe(c) + " which is not base64: the text was changed "
                            + "(e.g. by a word processor or a terminal); copy the file itself instead";
                }
                base64.append(c);
            }
        }
        if (base64.length() == 0) {
            return "is empty";
        }
        int padding = base64.indexOf("=");
        if (padding >= 0 && padding < base64.length() - 2 || base64.length() % 4 != 0) {
            return "has " + base64.length() + " base64 characters, which is not a whole number of groups of 4: "
                    + "characters were lost or added";
        }
        StringBuilder canonical = new StringBuilder("-----BEGIN ").append(label).append("-----\n");
        if (headers.length() > 0) {
            canonical.append(headers).append('\n');
        }
        for (int i = 0; i < base64.length(); i += 64) {
            canonical.append(base64, i, Math.min(base64.length(), i + 64)).append('\n');
        }
        canonical.append("-----END ").append(label).append("-----\n");
        out.add(new Block(index, label, canonical.toString()));
        return null;
    }

    private static boolean isBase64(char c) {
        return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/'
                || c == '=';
    }

    private static String describe(char c) {
        return c >= 0x21 && c < 0x7F ? "'" + c + "'" : String.format("U+%04X", (int) c);
    }

    private static String describeLineEndings(String text) {
        int crlf = 0;
        int lf = 0;
        int cr = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\r') {
                if (i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                    crlf++;
                    i++;
                } else {
                    cr++;
                }
            } else if (c == '\n') {
                lf++;
            }
        }
        int kinds = (crlf > 0 ? 1 : 0) + (lf > 0 ? 1 : 0) + (cr > 0 ? 1 : 0);
        if (kinds > 1) {
            return "mixed";
        }
        return crlf > 0 ? "CRLF" : cr > 0 ? "CR" : lf > 0 ? "LF" : "none";
    }
}
