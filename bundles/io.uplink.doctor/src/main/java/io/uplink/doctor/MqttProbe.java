package io.uplink.doctor;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

import io.uplink.transport.Connection;

/**
 * Just enough MQTT 3.1.1 to ask a broker two questions on an open connection: does it accept CONNECT, and does it
 * acknowledge a QoS 1 PUBLISH. Written out here (not through Paho) so that every byte both ways is evidence, and a
 * silent close is told apart from a refusal and from a timeout.
 */
final class MqttProbe {

    /** What the broker did. */
    enum Outcome {
        ACCEPTED, REFUSED, CLOSED, TIMEOUT, UNEXPECTED
    }

    /** One answer; {@code code} is the CONNACK return code where there was one. */
    record Answer(Outcome outcome, int code, List<String> evidence) {
    }

    private final Connection connection;
    private final Duration wait;

    MqttProbe(Connection connection, Duration wait) {
        this.connection = connection;
        this.wait = wait;
    }

    Answer connect(String clientId, int keepAliveSeconds, String username, char[] password) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        string(body, "MQTT");
        body.write(4); // protocol level 4 = 3.1.1
        int flags = 0x02 | (username.isEmpty() ? 0 : 0x80) | (password == null || password.length == 0 ? 0 : 0x40);
        body.write(flags);
        body.write(keepAliveSeconds >> 8);
        body.write(keepAliveSeconds & 0xFF);
        string(body, clientId);
        if (!username.isEmpty()) {
            string(body, username);
        }
        if ((flags & 0x40) != 0) {
            string(body, new String(password));
        }
        byte[] packet = packet(0x10, body.toByteArray());
        String sent = "-> CONNECT client id '" + clientId + "', clean session, keep-alive " + keepAliveSeconds + " s"
                + (username.isEmpty() ? "" : ", user name '" + username + "'")
                + ((flags & 0x40) != 0 ? ", password (not shown)" : "") + " (" + packet.length + " bytes)";
        send(packet);
        return answer(sent, 0x20, "CONNACK");
    }

    Answer publish(String topic, byte[] payload) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        string(body, topic);
        body.write(0);
        body.write(1); // packet id 1
        body.write(payload);
        byte[] packet = packet(0x32, body.toByteArray());
        send(packet);
        return answer("-> PUBLISH QoS 1 to '" + topic + "', " + payload.length + " bytes of payload", 0x40, "PUBACK");
    }

    private Answer answer(String sent, int expectedType, String expectedName) throws IOException {
        connection.setReadTimeout(wait);
        InputStream in = connection.input();
        long started = System.nanoTime();
        try {
            int header = in.read();
            if (header < 0) {
                throw new EOFException();
            }
            int length = in.read();
            if (length < 0) {
                throw new EOFException();
            }
            byte[] rest = in.readNBytes(Math.min(length, 255));
            String got = "<- " + HexFormat.ofDelimiter(" ").formatHex(new byte[] { (byte) header, (byte) length })
                    + (rest.length > 0 ? " " + HexFormat.ofDelimiter(" ").formatHex(rest) : "") + " after "
                    + millisSince(started) + " ms";
            if ((header & 0xF0) != expectedType) {
                return new Answer(Outcome.UNEXPECTED, -1, List.of(sent, got + " (not a " + expectedName + ")"));
            }
            if (rest.length < Math.min(length, 255)) {
                return new Answer(Outcome.CLOSED, -1, List.of(sent, got + " (the broker closed the connection in the "
                        + "middle of the " + expectedName + ": " + rest.length + " of " + length + " bytes)"));
            }
            // CONNACK and PUBACK are 2 bytes after the header: a verdict is read only from a whole one.
            if (length != 2) {
                return new Answer(Outcome.UNEXPECTED, -1, List.of(sent, got + " (a malformed " + expectedName
                        + ": remaining length " + length + ", not 2)"));
            }
            if (expectedType == 0x20) {
                int rc = rest[1] & 0xFF;
                return new Answer(rc == 0 ? Outcome.ACCEPTED : Outcome.REFUSED, rc, List.of(sent, got + " ("
                        + expectedName + " return code " + rc + ": " + connackMeaning(rc) + ")"));
            }
            int packetId = (rest[0] & 0xFF) << 8 | rest[1] & 0xFF;
            if (packetId != 1) {
                return new Answer(Outcome.UNEXPECTED, -1, List.of(sent, got + " (a " + expectedName + " for packet "
                        + packetId + ", not for ours, 1)"));
            }
            return new Answer(Outcome.ACCEPTED, 0, List.of(sent, got + " (" + expectedName + ")"));
        } catch (SocketTimeoutException e) {
            return new Answer(Outcome.TIMEOUT, -1, List.of(sent, "<- nothing within " + wait.toSeconds() + " s"));
        } catch (EOFException e) {
            return new Answer(Outcome.CLOSED, -1, List.of(sent, "<- the broker closed the connection after "
                    + millisSince(started) + " ms without a " + expectedName));
        } catch (io.uplink.tls.TlsHandshakeException e) {
            throw e; // a TLS 1.3 server refuses a client certificate on the first read: a TLS finding, not MQTT
        } catch (IOException e) {
            if (isTimeout(e)) {
                return new Answer(Outcome.TIMEOUT, -1, List.of(sent, "<- nothing within " + wait.toSeconds() + " s"));
            }
            return new Answer(Outcome.CLOSED, -1, List.of(sent, "<- the connection ended after "
                    + millisSince(started) + " ms without a " + expectedName + ": " + e.getMessage()));
        }
    }

    private static boolean isTimeout(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SocketTimeoutException) {
                return true;
            }
        }
        return false;
    }

    static String connackMeaning(int rc) {
        return switch (rc) {
        case 0 -> "accepted";
        case 1 -> "unacceptable protocol version";
        case 2 -> "client identifier rejected";
        case 3 -> "server unavailable";
        case 4 -> "bad user name or password";
        case 5 -> "not authorized";
        default -> "not defined by MQTT 3.1.1";
        };
    }

    private void send(byte[] packet) throws IOException {
        OutputStream out = connection.output();
        out.write(packet);
        out.flush();
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }

    private static void string(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.write(b.length >> 8);
        out.write(b.length & 0xFF);
        out.writeBytes(b);
    }

    private static byte[] packet(int type, byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(type);
        int length = body.length;
        do {
            int digit = length % 128;
            length /= 128;
            out.write(length > 0 ? digit | 0x80 : digit);
        } while (length > 0);
        out.writeBytes(body);
        return out.toByteArray();
    }
}
