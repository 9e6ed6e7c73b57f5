package io.uplink.modem.quectel;

/** Hex strings as the BC66/BC660K carries data with {@code "dataformat"} 1: two digits a byte, either case. */
final class Bc66Hex {

    private static final char[] DIGITS = "0123456789ABCDEF".toCharArray();

    private Bc66Hex() {
    }

    static String encode(byte[] b, int off, int len) {
        char[] out = new char[len * 2];
        for (int i = 0; i < len; i++) {
            int v = b[off + i] & 0xFF;
            out[2 * i] = DIGITS[v >>> 4];
            out[2 * i + 1] = DIGITS[v & 0xF];
        }
        return new String(out);
    }

    /** The bytes, or {@code null} when the text is not an even number of hex digits. */
    static byte[] decode(String s) {
        if (s.length() % 2 != 0) {
            return null;
        }
        byte[] out = new byte[s.length() / 2];
        for (int i = 0; i < out.length; i++) {
            int hi = digit(s.charAt(2 * i));
            int lo = digit(s.charAt(2 * i + 1));
            if (hi < 0 || lo < 0) {
                return null;
            }
            out[i] = (byte) (hi << 4 | lo);
        }
        return out;
    }

    /** ASCII hex digits only ({@link Character#digit} also takes other scripts' digits). */
    private static int digit(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        return c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    }
}
