package io.uplink.ota.download;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.uplink.modem.Modem;
import io.uplink.modem.ModemIdentity;
import io.uplink.modem.ModemSettings;
import io.uplink.modem.emulator.Bg95Emulator;
import io.uplink.modem.emulator.Faults;
import io.uplink.modem.emulator.LinkModel;
import io.uplink.modem.emulator.VirtualSerialLine;
import io.uplink.modem.quectel.QuectelBg9xDialect;
import io.uplink.modem.serial.ModemIdentification;
import io.uplink.modem.serial.SerialAtChannel;
import io.uplink.transport.Connection;

/**
 * A package download through the emulated BG95 (the Quectel dialect's sockets over AT commands on the emulated serial
 * line) while the emulator's fault injection drops the link again and again: the download completes by resuming with
 * ranges, counts the resumes and the bytes sent twice (the server answers one resume from the start, as a server
 * without range support would), and the file matches its SHA-256.
 */
class ModemDownloadTest {

    /** The emulator closes a socket at random once it carried about this many bytes. */
    private static final int DROP_AFTER_BYTES = 12_000;

    @TempDir
    Path dir;

    @Test
    void aDownloadThroughTheEmulatedModemSurvivesRepeatedLinkDropsByResuming() throws Exception {
        byte[] file = new byte[48_000];
        new java.util.Random(14).nextBytes(file);
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(file));
        LinkModel link = new LinkModel(921_600, 5, 0, 0, 10 * 1024, 64 * 1024);
        VirtualSerialLine line = new VirtualSerialLine("emulated-bg95", link.baud());
        Bg95Emulator emulator = new Bg95Emulator(line.modemEnd(), link,
                Faults.NONE.withCloseAfterBytes(DROP_AFTER_BYTES), "");
        SerialAtChannel at = new SerialAtChannel(line.gatewayEnd());
        Modem modem = null;
        try (PackageDownloadTest.FlakyServer server = new PackageDownloadTest.FlakyServer(file, 0, 0, true)) {
            server.ignoreRanges.set(1);
            ModemIdentity identity = ModemIdentification.identify(at);
            modem = new QuectelBg9xDialect().attach(at, identity, new ModemSettings("iot.emulated", "", "", "", 1,
                    Map.of("registration.timeout.s", "10")));
            Modem attached = modem;
            PackageDownload download = new PackageDownload((host, port, tls) -> {
                Connection c = attached.transport().connect(host, port, Duration.ofSeconds(30));
                c.setReadTimeout(Duration.ofSeconds(30));
                return c;
            }, 30, Duration.ZERO, 10_000_000);
            List<String> reports = new ArrayList<>();
            URI uri = server.uri();
            PackageDownload.Result r = download.fetch(uri, dir.resolve("p.part"), file.length, sha,
                    (bytes, total, rate, left, resumes, resent) -> reports.add(bytes + "/" + total + " r" + resumes));

            System.out.printf("Through the emulated BG95 (link dropped ~every %,d bytes): %,d bytes in %d connections "
                    + "(%d resumes), %,d bytes re-sent, ranges asked %s%n", DROP_AFTER_BYTES, r.size(),
                    r.resumes() + 1, r.resumes(), r.bytesResent(), server.ranges);
            assertThat(r.sha256()).isEqualTo(sha);
            assertThat(Files.readAllBytes(r.file())).isEqualTo(file);
            assertThat(r.resumes()).as("the link dropped during the download").isGreaterThanOrEqualTo(3);
            assertThat(server.ranges).hasSize(r.resumes() + 1).first().isEqualTo("none");
            // The first resume was answered from the start: what the gateway held then came again, and is counted.
            long heldAtFirstDrop = Long.parseLong(server.ranges.get(1));
            assertThat(heldAtFirstDrop).isPositive();
            assertThat(r.bytesResent()).isEqualTo(heldAtFirstDrop);
            // Every later resume asked for the rest from where the last connection stopped.
            List<Long> later = server.ranges.stream().skip(2).map(Long::parseLong).toList();
            assertThat(later).isSorted().doesNotHaveDuplicates().allSatisfy(o -> assertThat(o).isPositive());
            assertThat(reports).last().isEqualTo(file.length + "/" + file.length + " r" + r.resumes());
        } finally {
            if (modem != null) {
                modem.detach();
            }
            at.close();
            emulator.close();
            line.close();
        }
    }
}
