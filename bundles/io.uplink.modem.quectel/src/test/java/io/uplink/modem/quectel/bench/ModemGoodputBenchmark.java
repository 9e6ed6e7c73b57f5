package io.uplink.modem.quectel.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.uplink.modem.Modem;
import io.uplink.modem.ModemSettings;
import io.uplink.modem.emulator.Bg95Emulator;
import io.uplink.modem.emulator.Faults;
import io.uplink.modem.emulator.LinkModel;
import io.uplink.modem.emulator.VirtualSerialLine;
import io.uplink.modem.quectel.QuectelBg9xDialect;
import io.uplink.modem.serial.ModemIdentification;
import io.uplink.modem.serial.SerialAtChannel;
import io.uplink.transport.Connection;

import org.junit.jupiter.api.Test;

/**
 * Goodput through BG95 AT sockets as a share of the serial line's rate, 1 MiB per direction, at 115200 and 921600
 * baud. The baseline, measured in the same run on the same paced line, is a raw byte stream without any AT protocol.
 * Run with {@code mvn -Pbenchmark verify -pl bundles/io.uplink.modem.quectel}; not part of the test suite.
 */
class ModemGoodputBenchmark {

    private static final int SIZE = 1 << 20;

    @Test
    void printGoodputTable() throws Exception {
        List<String> rows = new ArrayList<>();
        rows.add(String.format("%-8s %-9s %14s %14s %9s", "baud", "direction", "raw line B/s", "AT socket B/s",
                "goodput"));
        for (int baud : new int[] { 115200, 921600 }) {
            double raw = rawLine(baud);
            double up = socket(baud, true);
            double down = socket(baud, false);
            rows.add(String.format("%-8d %-9s %14.0f %14.0f %8.1f%%", baud, "upload", raw, up, 100 * up / raw));
            rows.add(String.format("%-8d %-9s %14.0f %14.0f %8.1f%%", baud, "download", raw, down, 100 * down / raw));
        }
        System.out.println("BG95 AT-socket goodput, 1 MiB per direction (emulated module, paced serial line):");
        rows.forEach(System.out::println);
    }

    /** Bytes/s of the paced line alone: the baseline. */
    private static double rawLine(int baud) throws Exception {
        VirtualSerialLine line = new VirtualSerialLine("raw", baud);
        byte[] data = new byte[SIZE / 4];
        CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> {
            try {
                line.modemEnd().input().readNBytes(data.length);
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        long t0 = System.nanoTime();
        line.gatewayEnd().output().write(data);
        reader.get(10, TimeUnit.MINUTES);
        double seconds = (System.nanoTime() - t0) / 1e9;
        line.close();
        return data.length / seconds;
    }

    private static double socket(int baud, boolean upload) throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Long> peer = CompletableFuture.supplyAsync(() -> {
                try (Socket s = server.accept(); InputStream in = s.getInputStream();
                        OutputStream out = s.getOutputStream()) {
                    if (upload) {
                        in.readNBytes(SIZE);
                        return System.nanoTime();
                    }
                    out.write(new byte[SIZE]);
                    out.flush();
                    in.read(); // hold the connection until the reader is done
                    return 0L;
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            LinkModel link = LinkModel.INSTANT.withBaud(baud);
            VirtualSerialLine line = new VirtualSerialLine("bench", baud);
            Bg95Emulator emulator = new Bg95Emulator(line.modemEnd(), link, Faults.NONE, "");
            SerialAtChannel at = new SerialAtChannel(line.gatewayEnd());
            try {
                Modem modem = new QuectelBg9xDialect().attach(at, ModemIdentification.identify(at),
                        new ModemSettings("bench", "", "", "", 1, Map.of()));
                try (Connection c = modem.transport().connect("127.0.0.1", server.getLocalPort(),
                        Duration.ofSeconds(30))) {
                    long t0 = System.nanoTime();
                    if (upload) {
                        c.output().write(new byte[SIZE]);
                        long end = peer.get(10, TimeUnit.MINUTES);
                        return SIZE / ((end - t0) / 1e9);
                    }
                    c.input().readNBytes(SIZE);
                    double rate = SIZE / ((System.nanoTime() - t0) / 1e9);
                    c.output().write(1);
                    return rate;
                }
            } finally {
                at.close();
                emulator.close();
                line.close();
            }
        }
    }
}
