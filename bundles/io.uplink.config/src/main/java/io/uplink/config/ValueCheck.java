package io.uplink.config;

import java.lang.reflect.Array;
import java.math.BigInteger;
import java.util.Locale;

import org.osgi.service.metatype.AttributeDefinition;

/**
 * Whether a configuration value can become the type its metatype attribute declares, as Declarative Services will
 * convert it. Strings from {@code conf/*.cfg} files are trimmed (a trailing space made DS fail on a number). Plain
 * logic, no OSGi services.
 */
final class ValueCheck {

    /** The outcome: {@code problem == null} means usable, with {@code value} to use (trimmed where that helps). */
    record Result(Object value, String problem) {
        boolean usable() {
            return problem == null;
        }
    }

    private ValueCheck() {
    }

    static Result check(int type, Object value) {
        if (value == null) {
            return new Result(null, null);
        }
        if (value.getClass().isArray()) {
            int n = Array.getLength(value);
            String[] trimmed = value instanceof String[] ? new String[n] : null;
            for (int i = 0; i < n; i++) {
                Result r = check(type, Array.get(value, i));
                if (!r.usable()) {
                    return new Result(value, "element " + (i + 1) + " " + r.problem());
                }
                if (trimmed != null) {
                    trimmed[i] = String.valueOf(r.value());
                }
            }
            return new Result(trimmed != null ? trimmed : value, null);
        }
        if (!(value instanceof String)) {
            return checkTyped(type, value);
        }
        String text = ((String) value).trim();
        switch (type) {
        case AttributeDefinition.LONG:
            return integral(text, Long.MIN_VALUE, Long.MAX_VALUE, "a whole number");
        case AttributeDefinition.INTEGER:
            return integral(text, Integer.MIN_VALUE, Integer.MAX_VALUE, "a whole number");
        case AttributeDefinition.SHORT:
            return integral(text, Short.MIN_VALUE, Short.MAX_VALUE, "a whole number");
        case AttributeDefinition.BYTE:
            return integral(text, Byte.MIN_VALUE, Byte.MAX_VALUE, "a whole number");
        case AttributeDefinition.DOUBLE:
        case AttributeDefinition.FLOAT:
            try {
                double d = Double.parseDouble(text);
                if (Double.isNaN(d) || Double.isInfinite(d)) {
                    return new Result(value, "is not a finite number");
                }
                if (type == AttributeDefinition.FLOAT && Float.isInfinite(Float.parseFloat(text))) {
                    // A finite double may still be beyond a float: DS would hand the component Infinity.
                    return new Result(value, "is too large to be stored in a float (-3.4e38..3.4e38)");
                }
                return new Result(text, null);
            } catch (NumberFormatException e) {
                return new Result(value, "is not a number (e.g. 2.5)");
            }
        case AttributeDefinition.BOOLEAN:
            String b = text.toLowerCase(Locale.ROOT);
            if (b.equals("true") || b.equals("false")) {
                return new Result(b, null);
            }
            return new Result(value, "is neither true nor false");
        case AttributeDefinition.CHARACTER:
            return text.length() == 1 ? new Result(text, null) : new Result(value, "is not a single character");
        default:
            return new Result(value, null); // text and passwords: any string is a string
        }
    }

    private static Result integral(String text, long min, long max, String what) {
        BigInteger n;
        try {
            n = new BigInteger(text.startsWith("+") ? text.substring(1) : text);
        } catch (NumberFormatException e) {
            return new Result(text, "is not " + what);
        }
        if (n.compareTo(BigInteger.valueOf(min)) < 0 || n.compareTo(BigInteger.valueOf(max)) > 0) {
            return new Result(text, "is too large to be stored (" + min + ".." + max + ")");
        }
        return new Result(n.toString(), null);
    }

    /** Values typed already (a typed .config file, the Web Console): only a number too large for the type fails. */
    private static Result checkTyped(int type, Object value) {
        if (!(value instanceof Number) || value instanceof Double || value instanceof Float) {
            return new Result(value, null);
        }
        long v = ((Number) value).longValue();
        long[] range = switch (type) {
        case AttributeDefinition.INTEGER -> new long[] { Integer.MIN_VALUE, Integer.MAX_VALUE };
        case AttributeDefinition.SHORT -> new long[] { Short.MIN_VALUE, Short.MAX_VALUE };
        case AttributeDefinition.BYTE -> new long[] { Byte.MIN_VALUE, Byte.MAX_VALUE };
        default -> null;
        };
        if (range != null && (v < range[0] || v > range[1])) {
            return new Result(value, "is too large to be stored (" + range[0] + ".." + range[1] + ")");
        }
        return new Result(value, null);
    }
}
