package io.uplink.tls.bc;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

/**
 * Writes captured chunks as a classic pcap file (link type Ethernet) with synthetic IPv4/TCP framing between
 * 10.0.0.1 (gateway) and 10.0.0.2 (server port as connected), so Wireshark reassembles and dissects the TLS stream.
 * The addresses are documentation only: the real path may be a modem socket with no IP visible to the gateway.
 */
final class PcapWriter {

    private static final int MAX_SEGMENT = 1460;
    private static final int CLIENT_PORT = 49152;

    private PcapWriter() {
    }

    static void write(OutputStream target, List<HandshakeRecorder.Chunk> chunks, int serverPort) throws IOException {
        DataOutputStream out = new DataOutputStream(target);
        // Global header, little-endian magic so readers take the fields as written below.
        out.writeInt(0xd4c3b2a1);
        out.writeShort(Short.reverseBytes((short) 2));
        out.writeShort(Short.reverseBytes((short) 4));
        out.writeInt(0);
        out.writeInt(0);
        out.writeInt(Integer.reverseBytes(65535));
        out.writeInt(Integer.reverseBytes(1)); // LINKTYPE_ETHERNET
        long base = System.currentTimeMillis() * 1000L;
        long clientSeq = 1000;
        long serverSeq = 5000;
        for (HandshakeRecorder.Chunk c : chunks) {
            for (int off = 0; off < c.bytes().length; off += MAX_SEGMENT) {
                int len = Math.min(MAX_SEGMENT, c.bytes().length - off);
                long micros = base + c.nanos() / 1000;
                byte[] frame = frame(c.sent(), c.sent() ? clientSeq : serverSeq, c.sent() ? serverSeq : clientSeq,
                        serverPort, c.bytes(), off, len);
                out.writeInt(Integer.reverseBytes((int) (micros / 1_000_000)));
                out.writeInt(Integer.reverseBytes((int) (micros % 1_000_000)));
                out.writeInt(Integer.reverseBytes(frame.length));
                out.writeInt(Integer.reverseBytes(frame.length));
                out.write(frame);
                if (c.sent()) {
                    clientSeq += len;
                } else {
                    serverSeq += len;
                }
            }
        }
        out.flush();
    }

    private static byte[] frame(boolean fromClient, long seq, long ack, int serverPort, byte[] data, int off,
            int len) {
        byte[] f = new byte[14 + 20 + 20 + len];
        // Ethernet: destination, source, type IPv4.
        byte[] clientMac = { 2, 0, 0, 0, 0, 1 };
        byte[] serverMac = { 2, 0, 0, 0, 0, 2 };
        System.arraycopy(fromClient ? serverMac : clientMac, 0, f, 0, 6);
        System.arraycopy(fromClient ? clientMac : serverMac, 0, f, 6, 6);
        f[12] = 0x08;
        // IPv4 header.
        int ip = 14;
        int total = 20 + 20 + len;
        f[ip] = 0x45;
        f[ip + 2] = (byte) (total >> 8);
        f[ip + 3] = (byte) total;
        f[ip + 8] = 64;
        f[ip + 9] = 6;
        byte[] client = { 10, 0, 0, 1 };
        byte[] server = { 10, 0, 0, 2 };
        System.arraycopy(fromClient ? client : server, 0, f, ip + 12, 4);
        System.arraycopy(fromClient ? server : client, 0, f, ip + 16, 4);
        int sum = 0;
        for (int i = 0; i < 20; i += 2) {
            sum += ((f[ip + i] & 0xFF) << 8) | (f[ip + i + 1] & 0xFF);
        }
        sum = (sum & 0xFFFF) + (sum >> 16);
        sum = ~sum & 0xFFFF;
        f[ip + 10] = (byte) (sum >> 8);
        f[ip + 11] = (byte) sum;
        // TCP header (checksum left 0: Wireshark does not verify it by default).
        int tcp = ip + 20;
        int src = fromClient ? CLIENT_PORT : serverPort;
        int dst = fromClient ? serverPort : CLIENT_PORT;
        f[tcp] = (byte) (src >> 8);
        f[tcp + 1] = (byte) src;
        f[tcp + 2] = (byte) (dst >> 8);
        f[tcp + 3] = (byte) dst;
        putInt(f, tcp + 4, seq);
        putInt(f, tcp + 8, ack);
        f[tcp + 12] = 0x50;
        f[tcp + 13] = 0x18; // PSH, ACK
        f[tcp + 14] = (byte) 0xFF;
        f[tcp + 15] = (byte) 0xFF;
        System.arraycopy(data, off, f, tcp + 20, len);
        return f;
    }

    private static void putInt(byte[] f, int at, long v) {
        f[at] = (byte) (v >> 24);
        f[at + 1] = (byte) (v >> 16);
        f[at + 2] = (byte) (v >> 8);
        f[at + 3] = (byte) v;
    }
}
