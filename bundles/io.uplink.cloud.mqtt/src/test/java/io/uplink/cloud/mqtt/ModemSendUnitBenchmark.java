package io.uplink.cloud.mqtt;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.uplink.cloud.EndpointProfile;
import io.uplink.modem.Modem;
import io.uplink.modem.ModemSettings;
import io.uplink.modem.SerialLink;
import io.uplink.modem.emulator.Bg95Emulator;
import io.uplink.modem.emulator.Faults;
import io.uplink.modem.emulator.LinkModel;
import io.uplink.modem.emulator.VirtualSerialLine;
import io.uplink.modem.quectel.QuectelBg9xDialect;
import io.uplink.modem.serial.ModemIdentification;
import io.uplink.modem.serial.SerialAtChannel;
import io.uplink.tls.HandshakeTrace;
import io.uplink.tls.TlsClientProfile;
import io.uplink.tls.TlsEngine;
import io.uplink.tls.TlsSession;
import io.uplink.tls.bc.BcTlsEngine;
import io.uplink.tls.bc.TestPki;

/**
 * Benchmark, not a test: AT send commands per published message through the gateway's own TLS over the emulated BG95
 * (whose {@code AT+QISEND} carries at most 1,460 bytes), for payloads of 100 B, 1 KB, 4 KB and 16 KB, QoS 1, TLS 1.3
 * and TLS 1.2, to a real mosquitto. The commands are counted on the serial line, the bytes they carry too.
 *
 * <p>Two ways of writing records, same run: as the engine does (a write becomes records of up to 16 KB, handed to the
 * socket in one piece, which the socket cuts into 1,460-byte sends), against records capped so that each, with its
 * 5-byte header and AEAD overhead, fits one send and is handed to the socket on its own ({@link CappedRecords}).
 *
 * <p>Run: {@code mvn -o -Pbenchmark test -pl bundles/io.uplink.cloud.mqtt -Dtest=ModemSendUnitBenchmark}.
 */
public final class ModemSendUnitBenchmark {

    private static final int MESSAGES = 10;
    private static final int[] PAYLOADS = { 100, 1024, 4096, 16384 };
    private static final int SEND_UNIT = 1460;

    @org.junit.jupiter.api.Test
    void printTable() throws Exception {
        main(new String[0]);
    }

    /** Per message, as the engine writes records and with records capped to the send unit. */
    public record Row(String tls, int payload, double sends, double cappedSends, double bytes, double cappedBytes,
            long retries, long cappedRetries) {
    }

    public static void main(String[] args) throws Exception {
        StringBuilder table = new StringBuilder(String.format(Locale.ROOT, "%-8s %-8s %10s %10s %10s %10s %8s%n",
                "TLS", "payload", "sends", "capped", "bytes", "capped", "retries"));
        for (Row r : measure()) {
            table.append(String.format(Locale.ROOT, "%-8s %-8d %10.2f %10.2f %10.1f %10.1f %4d/%-4d%n", r.tls(),
                    r.payload(), r.sends(), r.cappedSends(), r.bytes(), r.cappedBytes(), r.retries(),
                    r.cappedRetries()));
        }
        System.out.println("Host TLS over the emulated BG95 (AT+QISEND <= 1460 B), " + MESSAGES
                + " QoS 1 messages each, counted after the connection is up; per message: AT+QISEND commands and "
                + "the bytes they carried, as the engine writes records and with records capped to the send unit "
                + "(sends and bytes include the retries after SEND FAIL, counted in the last column, as is / "
                + "capped):");
        System.out.print(table);
    }

    /** Every TLS version and payload size against one mosquitto; needs mosquitto on the PATH. */
    public static List<Row> measure() throws Exception {
        Path dir = Files.createTempDirectory("uplink-send-unit");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        TestPki.Pki pki = TestPki.create(dir.resolve("pki"), false, "localhost");
        try (var files = Files.list(pki.dir())) {
            for (Path f : files.toList()) {
                Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
            }
        }
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path conf = Files.writeString(dir.resolve("m.conf"), String.join("\n", "allow_anonymous true",
                "listener " + port + " 127.0.0.1", "certfile " + pki.file("server.pem"),
                "keyfile " + pki.file("server.key"), ""));
        Process broker = new ProcessBuilder("mosquitto", "-c", conf.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("mosquitto.log").toFile()).start();
        try {
            BenchmarkSupport.awaitPort(port);
            List<Row> rows = new java.util.ArrayList<>();
            for (String version : new String[] { "TLSv1.3", "TLSv1.2" }) {
                for (int size : PAYLOADS) {
                    long[] r = run(dir, pki, port, version, size, 0);
                    long[] c = run(dir, pki, port, version, size, CappedRecords.plaintextFor(SEND_UNIT, version));
                    rows.add(new Row(version, size, (double) r[0] / MESSAGES, (double) c[0] / MESSAGES,
                            (double) r[1] / MESSAGES, (double) c[1] / MESSAGES, r[2], c[2]));
                }
            }
            return rows;
        } finally {
            broker.destroy();
            broker.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** AT+QISEND commands and the bytes they carried, for MESSAGES publishes of one size. */
    private static long[] run(Path dir, TestPki.Pki pki, int port, String version, int size, int cap)
            throws Exception {
        VirtualSerialLine line = new VirtualSerialLine("emulated-bg95", 0);
        Bg95Emulator emulator = new Bg95Emulator(line.modemEnd(), LinkModel.INSTANT, Faults.NONE, "");
        CountingLine counted = new CountingLine(line.gatewayEnd());
        SerialAtChannel at = new SerialAtChannel(counted);
        Modem modem = null;
        try {
            modem = new QuectelBg9xDialect().attach(at, ModemIdentification.identify(at), new ModemSettings(
                    "iot.emulated", "", "", "", 1, Map.of("registration.timeout.s", "10")));
            Modem attached = modem;
            BcTlsEngine bc = new BcTlsEngine(List.of(), 0, Clock.systemUTC());
            TlsEngine engine = cap == 0 ? bc : (conn, profile) -> new CappedRecords(bc.handshake(conn, profile), cap);
            EndpointSettings s = new EndpointSettings("send-unit", EndpointProfile.GENERIC, "localhost", port,
                    "uplink-send-unit", 60, true, "", null, "host", "localhost", List.of(), Duration.ofSeconds(60), 8,
                    10_000, 1L << 26);
            try (MqttCloudConnection c = new MqttCloudConnection(s, dir.resolve(version + size + "-" + cap + ".queue"),
                    attached::transport, () -> engine, () -> TlsClientProfile.builder("localhost")
                            .trustAnchors(List.of(pki.ca().cert())).versions(java.util.Set.of(version)))) {
                byte[] payload = new byte[size];
                c.publish("bench/warm", payload, 1, false).toCompletableFuture().get(60, TimeUnit.SECONDS);
                long sends = counted.sends.get();
                long bytes = counted.sendBytes.get();
                long fails = counted.sendFails.get();
                for (int i = 0; i < MESSAGES; i++) {
                    c.publish("bench/t", payload, 1, false).toCompletableFuture().get(60, TimeUnit.SECONDS);
                }
                if (!c.path().contains(version)) {
                    throw new IllegalStateException("wanted " + version + ", got " + c.path());
                }
                if (size == PAYLOADS[0] && cap == 0) {
                    System.out.println(version + ": " + c.path());
                }
                return new long[] { counted.sends.get() - sends, counted.sendBytes.get() - bytes,
                        counted.sendFails.get() - fails };
            }
        } finally {
            if (modem != null) {
                modem.detach();
            }
            at.close();
            emulator.close();
            line.close();
        }
    }

    /**
     * The gateway's end of the serial line, counting {@code AT+QISEND=<id>,<n>} commands and their n (the data phase
     * that follows is skipped, so payload bytes never look like a command).
     */
    private static final class CountingLine implements SerialLink {
        private static final byte[] SEND = "AT+QISEND=".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        private static final byte[] FAIL = "SEND FAIL".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        final AtomicLong sends = new AtomicLong();
        final AtomicLong sendBytes = new AtomicLong();
        /** {@code SEND FAIL} answers: the module's send buffer was full and the chunk is sent again. */
        final AtomicLong sendFails = new AtomicLong();
        private final SerialLink inner;
        private final OutputStream output;
        private final InputStream input;
        private int failMatched;
        private final StringBuilder lineSoFar = new StringBuilder();
        private long skip;

        CountingLine(SerialLink inner) {
            this.inner = inner;
            this.input = new InputStream() {
                @Override
                public int read() throws IOException {
                    byte[] one = new byte[1];
                    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    int n = inner.input().read(b, off, len);
                    for (int i = off; i < off + n; i++) {
                        failMatched = b[i] == FAIL[failMatched] ? failMatched + 1 : b[i] == FAIL[0] ? 1 : 0;
                        if (failMatched == FAIL.length) {
                            sendFails.incrementAndGet();
                            failMatched = 0;
                        }
                    }
                    return n;
                }
            };
            this.output = new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    write(new byte[] { (byte) b }, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    scan(b, off, len);
                    inner.output().write(b, off, len);
                }

                @Override
                public void flush() throws IOException {
                    inner.output().flush();
                }
            };
        }

        private synchronized void scan(byte[] b, int off, int len) {
            for (int i = off; i < off + len; i++) {
                if (skip > 0) {
                    skip--;
                    continue;
                }
                char ch = (char) (b[i] & 0xFF);
                if (ch == '\r') {
                    String l = lineSoFar.toString();
                    lineSoFar.setLength(0);
                    if (l.startsWith(new String(SEND, java.nio.charset.StandardCharsets.US_ASCII))) {
                        String[] a = l.substring(SEND.length).split(",");
                        if (a.length == 2) {
                            long n = Long.parseLong(a[1].trim());
                            if (n > 0) {
                                sends.incrementAndGet();
                                sendBytes.addAndGet(n);
                                skip = n;
                            }
                        }
                    }
                } else if (ch != '\n') {
                    lineSoFar.append(ch);
                }
            }
        }

        @Override
        public InputStream input() {
            return input;
        }

        @Override
        public OutputStream output() {
            return output;
        }

        @Override
        public String name() {
            return inner.name();
        }

        @Override
        public void close() throws IOException {
            inner.close();
        }
    }


    /**
     * A TLS session whose writes reach the engine in pieces of at most {@code cap} plaintext bytes: each piece becomes
     * one record, handed to the socket on its own, as an engine capping its fragment to the send unit would do.
     */
    private static final class CappedRecords implements TlsSession {
        private final TlsSession inner;
        private final int cap;

        CappedRecords(TlsSession inner, int cap) {
            this.inner = inner;
            this.cap = cap;
        }

        /** Plaintext per record so that header (5) + explicit nonce (TLS 1.2 GCM, 8) or type (TLS 1.3, 1) + tag fit. */
        static int plaintextFor(int sendUnit, String version) {
            return sendUnit - 5 - 16 - ("TLSv1.3".equals(version) ? 1 : 8);
        }

        @Override
        public OutputStream output() throws IOException {
            OutputStream out = inner.output();
            return new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    out.write(b);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    for (int done = 0; done < len; done += cap) {
                        out.write(b, off + done, Math.min(cap, len - done));
                    }
                }

                @Override
                public void flush() throws IOException {
                    out.flush();
                }
            };
        }

        @Override
        public InputStream input() throws IOException {
            return inner.input();
        }

        @Override
        public void setReadTimeout(Duration timeout) throws IOException {
            inner.setReadTimeout(timeout);
        }

        @Override
        public Duration readTimeout() {
            return inner.readTimeout();
        }

        @Override
        public boolean isOpen() {
            return inner.isOpen();
        }

        @Override
        public String remote() {
            return inner.remote();
        }

        @Override
        public void close() throws IOException {
            inner.close();
        }

        @Override
        public String protocol() {
            return inner.protocol();
        }

        @Override
        public String cipherSuite() {
            return inner.cipherSuite();
        }

        @Override
        public String applicationProtocol() {
            return inner.applicationProtocol();
        }

        @Override
        public List<java.security.cert.X509Certificate> serverChain() {
            return inner.serverChain();
        }

        @Override
        public boolean resumed() {
            return inner.resumed();
        }

        @Override
        public HandshakeTrace trace() {
            return inner.trace();
        }

        @Override
        public void writePcap(OutputStream out) throws IOException {
            inner.writePcap(out);
        }
    }
}
