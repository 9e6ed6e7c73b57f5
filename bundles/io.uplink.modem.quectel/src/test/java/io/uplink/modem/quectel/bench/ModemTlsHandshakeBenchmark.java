package io.uplink.modem.quectel.bench;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.uplink.credentials.PemStyle;
import io.uplink.modem.Modem;
import io.uplink.modem.ModemCredentials;
import io.uplink.modem.ModemSettings;
import io.uplink.modem.ModemTls;
import io.uplink.modem.ModemTlsProfile;
import io.uplink.modem.ProvisioningListener;
import io.uplink.modem.SerialLink;
import io.uplink.modem.emulator.Bg95Emulator;
import io.uplink.modem.emulator.Faults;
import io.uplink.modem.emulator.LinkModel;
import io.uplink.modem.emulator.VirtualSerialLine;
import io.uplink.modem.quectel.QuectelBg9xDialect;
import io.uplink.modem.serial.ModemIdentification;
import io.uplink.modem.serial.SerialAtChannel;
import io.uplink.tls.TlsClientProfile;
import io.uplink.tls.TlsSession;
import io.uplink.tls.bc.BcTlsEngine;
import io.uplink.transport.Connection;
import io.uplink.transport.os.OsSocketTransport;
import io.uplink.transport.os.SocketSettings;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS 1.2 handshake time and bytes over the serial line, the modem's own TLS against host TLS over the same emulated
 * BG95 on an LTE-M-like link (115200 baud, 50 ms one-way latency), to openssl s_server with an ECDSA P-256 chain. The
 * baseline, measured in the same run, is the gateway's handshake over its own network (loopback). Run with
 * {@code mvn -Pbenchmark verify -pl bundles/io.uplink.modem.quectel}; not part of the test suite.
 */
class ModemTlsHandshakeBenchmark {

    private static final int ROUNDS = 5;

    @TempDir
    Path dir;

    @Test
    void printHandshakeTable() throws Exception {
        run("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
                "server.key", "-out", "server.pem", "-days", "2", "-subj", "/CN=localhost", "-addext",
                "subjectAltName=DNS:localhost");
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        Process server = new ProcessBuilder("openssl", "s_server", "-accept", String.valueOf(port), "-cert",
                "server.pem", "-key", "server.key", "-quiet", "-tls1_2").directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(dir.resolve("s_server.log").toFile()).start();
        try {
            awaitListening(port);
            byte[] pem = Files.readAllBytes(dir.resolve("server.pem"));
            X509Certificate anchor = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(pem));
            BcTlsEngine engine = new BcTlsEngine(List.of(), 0, Clock.systemUTC());
            TlsClientProfile profile = TlsClientProfile.builder("localhost").trustAnchors(List.of(anchor))
                    .versions(java.util.Set.of(TlsClientProfile.TLS_1_2)).resumeSessions(false)
                    .handshakeTimeout(Duration.ofSeconds(60)).build();

            long[] direct = new long[ROUNDS];
            OsSocketTransport os = new OsSocketTransport(SocketSettings.DEFAULTS);
            for (int i = 0; i < ROUNDS; i++) {
                long t0 = System.nanoTime();
                try (TlsSession s = engine.handshake(os.connect("127.0.0.1", port, Duration.ofSeconds(10)),
                        profile)) {
                    direct[i] = System.nanoTime() - t0;
                }
            }

            LinkModel link = LinkModel.DEFAULT;
            VirtualSerialLine line = new VirtualSerialLine("bench-tls", link.baud());
            Bg95Emulator emulator = new Bg95Emulator(line.modemEnd(), link, Faults.NONE, "");
            Counting counted = new Counting(line.gatewayEnd());
            SerialAtChannel at = new SerialAtChannel(counted);
            List<String> rows = new ArrayList<>();
            try {
                Modem modem = new QuectelBg9xDialect().attach(at, ModemIdentification.identify(at),
                        new ModemSettings("iot.emulated", "", "", "", 1, Map.of()));
                ModemTls tls = modem.tls().orElseThrow();
                PemStyle style = tls.pemStyle();
                String ca = new String(pem, StandardCharsets.US_ASCII).replace("\r\n", "\n");
                if (style.crlf()) {
                    ca = ca.replace("\n", "\r\n");
                }
                tls.provision(ModemCredentials.trust("bench-ca", ca.getBytes(StandardCharsets.US_ASCII)),
                        ProvisioningListener.NONE);
                ModemTlsProfile modemProfile = ModemTlsProfile.builder().serverName("localhost")
                        .verification(ModemTlsProfile.Verification.SERVER).trustSet("bench-ca")
                        .handshakeTimeout(Duration.ofSeconds(60)).build();

                long[] host = new long[ROUNDS];
                long[] hostUp = new long[ROUNDS];
                long[] hostDown = new long[ROUNDS];
                long[] inModem = new long[ROUNDS];
                long[] modemUp = new long[ROUNDS];
                long[] modemDown = new long[ROUNDS];
                for (int i = 0; i < ROUNDS; i++) {
                    counted.reset();
                    long t0 = System.nanoTime();
                    try (TlsSession s = engine.handshake(modem.transport().connect("127.0.0.1", port,
                            Duration.ofSeconds(60)), profile)) {
                        host[i] = System.nanoTime() - t0;
                        hostUp[i] = counted.up.get();
                        hostDown[i] = counted.down.get();
                    }
                    counted.reset();
                    t0 = System.nanoTime();
                    try (Connection c = tls.connect("localhost", port, Duration.ofSeconds(60), modemProfile)) {
                        inModem[i] = System.nanoTime() - t0;
                        modemUp[i] = counted.up.get();
                        modemDown[i] = counted.down.get();
                    }
                }
                double base = median(direct) / 1e6;
                rows.add(String.format("%-34s %10s %9s %12s %12s", "TLS 1.2 handshake (ECDHE-ECDSA)", "median ms",
                        "x direct", "serial up B", "serial down B"));
                rows.add(String.format("%-34s %10.0f %9.1f %12s %12s", "direct, gateway's network (baseline)",
                        base, 1.0, "-", "-"));
                rows.add(String.format("%-34s %10.0f %9.1f %12d %12d", "host TLS over BG95 AT sockets",
                        median(host) / 1e6, median(host) / 1e6 / base, median(hostUp), median(hostDown)));
                rows.add(String.format("%-34s %10.0f %9.1f %12d %12d", "modem TLS (AT+QSSLOPEN)",
                        median(inModem) / 1e6, median(inModem) / 1e6 / base, median(modemUp), median(modemDown)));
                modem.detach();
            } finally {
                at.close();
                emulator.close();
                line.close();
            }
            System.out.println("TLS handshake through the emulated BG95, " + link.baud() + " baud, "
                    + link.latencyMillis() + " ms latency, median of " + ROUNDS + " (settings and open included):");
            rows.forEach(System.out::println);
        } finally {
            server.destroy();
            server.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static long median(long[] v) {
        long[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    private void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed");
        }
    }

    private static void awaitListening(int port) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline) {
                    throw notYet;
                }
                Thread.sleep(50);
            }
        }
    }

    /** The gateway's end of the serial line, counting bytes each way. */
    private static final class Counting implements SerialLink {
        final AtomicLong up = new AtomicLong();
        final AtomicLong down = new AtomicLong();
        private final SerialLink link;

        Counting(SerialLink link) {
            this.link = link;
        }

        void reset() {
            up.set(0);
            down.set(0);
        }

        @Override
        public InputStream input() {
            InputStream in = link.input();
            return new InputStream() {
                @Override
                public int read() throws IOException {
                    int b = in.read();
                    if (b >= 0) {
                        down.incrementAndGet();
                    }
                    return b;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    int n = in.read(b, off, len);
                    if (n > 0) {
                        down.addAndGet(n);
                    }
                    return n;
                }
            };
        }

        @Override
        public OutputStream output() {
            OutputStream out = link.output();
            return new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    out.write(b);
                    up.incrementAndGet();
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                    up.addAndGet(len);
                }

                @Override
                public void flush() throws IOException {
                    out.flush();
                }
            };
        }

        @Override
        public String name() {
            return link.name();
        }

        @Override
        public void close() throws IOException {
            link.close();
        }
    }
}
