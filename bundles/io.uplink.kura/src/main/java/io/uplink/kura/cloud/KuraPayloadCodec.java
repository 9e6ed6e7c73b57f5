package io.uplink.kura.cloud;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Date;
import java.util.Map;
import java.util.TreeMap;

import org.eclipse.kura.KuraErrorCode;
import org.eclipse.kura.KuraException;
import org.eclipse.kura.message.KuraPayload;

/**
 * Turns a Kura payload into MQTT bytes and back. Two encodings:
 * <ul>
 * <li>{@code json}: {@code {"sentOn":<ms>,"metrics":{...},"body":"<base64>"}}, the shape of Kura's JSON payloads, so
 * every metric an application or a Wire graph sets reaches the cloud readable;</li>
 * <li>{@code body}: the payload's body as it is, for applications that bring their own format.</li>
 * </ul>
 * Received messages become a payload whose body is the bytes as they arrived.
 */
final class KuraPayloadCodec {

    static final String JSON = "json";
    static final String BODY = "body";

    private KuraPayloadCodec() {
    }

    static byte[] encode(KuraPayload payload, String encoding) throws KuraException {
        if (payload == null) {
            throw new KuraException(KuraErrorCode.INVALID_MESSAGE_EXCEPTION,
                    "the message has no payload: give it a KuraPayload");
        }
        if (BODY.equals(encoding)) {
            if (payload.getBody() == null) {
                throw new KuraException(KuraErrorCode.ENCODE_ERROR, "encoding 'body' sends the payload's body and this"
                        + " payload has none (only metrics): set a body, or use the encoding 'json'");
            }
            return payload.getBody();
        }
        if (!JSON.equals(encoding)) {
            throw new KuraException(KuraErrorCode.ENCODE_ERROR,
                    "payload encoding '" + encoding + "' is not known: use 'json' or 'body'");
        }
        StringBuilder b = new StringBuilder("{");
        Date t = payload.getTimestamp();
        b.append("\"sentOn\":").append(t == null ? System.currentTimeMillis() : t.getTime());
        b.append(",\"metrics\":{");
        boolean first = true;
        for (Map.Entry<String, Object> m : new TreeMap<>(payload.metrics()).entrySet()) {
            if (!first) {
                b.append(',');
            }
            first = false;
            string(b, m.getKey());
            b.append(':');
            value(b, m.getValue());
        }
        b.append('}');
        if (payload.getBody() != null) {
            b.append(",\"body\":\"").append(Base64.getEncoder().encodeToString(payload.getBody())).append('"');
        }
        return b.append('}').toString().getBytes(StandardCharsets.UTF_8);
    }

    static KuraPayload decode(byte[] bytes) {
        KuraPayload p = new KuraPayload();
        p.setTimestamp(new Date());
        p.setBody(bytes);
        return p;
    }

    private static void value(StringBuilder b, Object v) {
        if (v == null) {
            b.append("null");
        } else if (v instanceof Boolean) {
            b.append(v);
        } else if (v instanceof Double d && (d.isNaN() || d.isInfinite())
                || v instanceof Float f && (f.isNaN() || f.isInfinite())) {
            string(b, v.toString()); // JSON has no NaN or infinity
        } else if (v instanceof Number) {
            b.append(v);
        } else if (v instanceof byte[] bytes) {
            string(b, Base64.getEncoder().encodeToString(bytes));
        } else {
            string(b, v.toString());
        }
    }

    private static void string(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }
}
