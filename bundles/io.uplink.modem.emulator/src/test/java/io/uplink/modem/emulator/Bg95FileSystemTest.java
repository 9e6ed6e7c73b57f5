package io.uplink.modem.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;

import io.uplink.modem.AtCommand;
import io.uplink.modem.AtResponse;
import io.uplink.modem.FinalResult.Kind;
import io.uplink.modem.serial.SerialAtChannel;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The emulated UFS answers as the Quectel FILE manual says: AT+QFUPL/QFDWL/QFLST/QFLDS/QFDEL and their errors. */
class Bg95FileSystemTest {

    private VirtualSerialLine line;
    private Bg95Emulator modem;
    private SerialAtChannel at;
    private RawTerminal raw;

    private void start(Bg95Options options) throws Exception {
        line = new VirtualSerialLine("emulated", 0);
        modem = new Bg95Emulator(line.modemEnd(), LinkModel.INSTANT, Faults.NONE, "", options);
        at = new SerialAtChannel(line.gatewayEnd());
        assertThat(send("ATE0").isOk()).isTrue();
    }

    /** Without an AT channel: for data phases that end early or never. */
    private void startRaw() throws Exception {
        line = new VirtualSerialLine("emulated", 0);
        modem = new Bg95Emulator(line.modemEnd(), LinkModel.INSTANT, Faults.NONE, "", Bg95Options.DEFAULTS);
        raw = new RawTerminal(line.gatewayEnd());
        raw.send("ATE0");
        raw.expect("OK\r\n");
    }

    @AfterEach
    void stop() {
        if (at != null) {
            at.close();
        }
        if (modem != null) {
            modem.close();
            line.close();
        }
    }

    private AtResponse send(String cmd) throws Exception {
        return at.execute(AtCommand.of(cmd));
    }

    private AtResponse upload(String name, byte[] data) throws Exception {
        return at.execute(AtCommand.of("AT+QFUPL=\"" + name + "\"," + data.length).withPayload("CONNECT", data)
                .withTimeout(Duration.ofSeconds(10)));
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void checksumIsTheXorOfBigEndianWordsWithAnOddLastByteHigh() {
        // "hello": 0x6865 ^ 0x6C6C ^ 0x6F00 = 0x6B09, worked out by hand from the manual's rule
        assertThat(Bg95FileSystem.checksum(ascii("hello"))).isEqualTo(0x6B09);
        assertThat(Bg95FileSystem.checksum(ascii("abcd"))).isEqualTo(0x0206);
        assertThat(Bg95FileSystem.checksum(new byte[0])).isZero();
    }

    @Test
    void uploadReportsSizeAndChecksumInHexThenListsAndDownloads() throws Exception {
        start(Bg95Options.DEFAULTS);
        AtResponse up = upload("UFS:ca.pem", ascii("hello"));
        assertThat(up.isOk()).isTrue();
        assertThat(up.line("+QFUPL:")).isEqualTo("+QFUPL: 5,6b09");
        assertThat(upload("cl.pem", ascii("abcd")).line("+QFUPL:")).isEqualTo("+QFUPL: 4,206");

        assertThat(send("AT+QFLST=\"*\"").lines()).containsExactly("+QFLST: \"UFS:ca.pem\",5",
                "+QFLST: \"UFS:cl.pem\",4");
        assertThat(send("AT+QFLST").lines()).hasSize(2);
        assertThat(send("AT+QFLST=\"UFS:c?.pem\"").lines()).hasSize(2);
        assertThat(send("AT+QFLST=\"ca*\"").lines()).containsExactly("+QFLST: \"UFS:ca.pem\",5");
        assertThat(send("AT+QFLST=\"*.der\"").lines()).isEmpty();
        assertThat(send("AT+QFLDS=\"UFS\"").lines()).containsExactly("+QFLDS: " + (256 * 1024 - 9) + "," + 256 * 1024);
        assertThat(send("AT+QFLDS").lines()).containsExactly("+QFLDS: 9,2");

        AtResponse down = at.execute(AtCommand.of("AT+QFDWL=\"ca.pem\"").withRawData("CONNECT", 5));
        assertThat(down.data()).isEqualTo(ascii("hello"));
        assertThat(down.line("+QFDWL:")).isEqualTo("+QFDWL: 5,6b09");

        assertThat(modem.storedFiles()).containsOnlyKeys("ca.pem", "cl.pem");
        assertThat(modem.fileBytesReceived()).isEqualTo(9);
    }

    @Test
    void deleteThenNotFound() throws Exception {
        start(Bg95Options.DEFAULTS);
        upload("a.pem", ascii("x"));
        assertThat(send("AT+QFDEL=\"UFS:a.pem\"").isOk()).isTrue();
        AtResponse again = send("AT+QFDEL=\"a.pem\"");
        assertThat(again.result().kind()).isEqualTo(Kind.CME_ERROR);
        assertThat(again.result().code()).isEqualTo(405);
        assertThat(send("AT+QFLST=\"a.pem\"").result().code()).isEqualTo(405);
        assertThat(send("AT+QFDWL=\"a.pem\"").result().code()).isEqualTo(405);
        upload("b", ascii("1"));
        upload("c", ascii("2"));
        assertThat(send("AT+QFDEL=\"*\"").isOk()).isTrue();
        assertThat(modem.storedFiles()).isEmpty();
    }

    @Test
    void limitsAndErrorsUseTheManualsCodes() throws Exception {
        start(Bg95Options.DEFAULTS.withUfsLimits(100, 150, 2));
        assertThat(upload("a", new byte[100]).isOk()).isTrue();
        assertThat(send("AT+QFUPL=\"a\",10").result().code()).as("file exists").isEqualTo(407);
        assertThat(send("AT+QFUPL=\"b\",101").result().code()).as("larger than ufs.max.file.bytes")
                .isEqualTo(423);
        assertThat(send("AT+QFUPL=\"b\",51").result().code()).as("more than the free space").isEqualTo(420);
        assertThat(upload("b", new byte[50]).isOk()).isTrue();
        assertThat(send("AT+QFUPL=\"c\",1").result().code()).as("ufs.max.files reached").isIn(403, 420);
        assertThat(send("AT+QFDEL=\"b\"").isOk()).isTrue();
        assertThat(send("AT+QFUPL=\"RAM:c\",1").result().code()).as("no such drive").isEqualTo(406);
        assertThat(send("AT+QFUPL=\"c\",0").result().code()).as("size 0").isEqualTo(400);
        assertThat(send("AT+QFUPL=\"c\",1,0").result().code()).as("timeout 0").isEqualTo(400);
        assertThat(send("AT+QFUPL=\"" + "n".repeat(81) + "\",1").result().code()).as("81-byte name")
                .isEqualTo(406);
    }

    @Test
    void maxFilesAnswersDriveFull() throws Exception {
        start(Bg95Options.DEFAULTS.withUfsLimits(10, 1000, 1));
        upload("a", ascii("1"));
        assertThat(send("AT+QFUPL=\"b\",1").result().code()).isEqualTo(403);
    }

    @Test
    void aTooShortUploadTimesOutWith421AndKeepsNothing() throws Exception {
        startRaw();
        raw.send("AT+QFUPL=\"t.bin\",10,1");
        raw.expect("CONNECT\r\n");
        raw.write(ascii("abcd"));
        assertThat(raw.expect("421\r\n")).isEqualTo("\r\n+CME ERROR: 421\r\n");
        assertThat(modem.storedFiles()).isEmpty();
        raw.send("AT");
        raw.expect("OK\r\n");
    }

    @Test
    void ackModeAnswersAPerKilobyte() throws Exception {
        startRaw();
        byte[] data = new byte[2500];
        Arrays.fill(data, (byte) 0x55);
        raw.send("AT+QFUPL=\"big.bin\",2500,5,1");
        raw.expect("CONNECT\r\n");
        raw.write(Arrays.copyOfRange(data, 0, 1024));
        assertThat(raw.expect("A")).isEqualTo("A");
        raw.write(Arrays.copyOfRange(data, 1024, 2048));
        assertThat(raw.expect("A")).isEqualTo("A");
        raw.write(Arrays.copyOfRange(data, 2048, 2500));
        assertThat(raw.expect("OK\r\n")).contains("+QFUPL: 2500,0"); // 1250 equal words XOR to 0
        assertThat(modem.storedFiles().get("big.bin")).isEqualTo(data);
    }

    @Test
    void plusPlusPlusEndsTheUploadEarlyAndKeepsWhatCame() throws Exception {
        startRaw();
        raw.send("AT+QFUPL=\"p.txt\",100,10");
        raw.expect("CONNECT\r\n");
        raw.write(ascii("hello"));
        Thread.sleep(1200);
        raw.write(ascii("+++"));
        assertThat(raw.expect("OK\r\n")).contains("+QFUPL: 5,6b09");
        assertThat(modem.storedFiles().get("p.txt")).isEqualTo(ascii("hello"));
    }

    @Test
    void corruptionFaultStoresADifferentFileAndReportsItsChecksum() throws Exception {
        start(Bg95Options.DEFAULTS);
        modem.setUploadCorruption(true);
        byte[] pem = ascii("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
        AtResponse up = upload("ca.pem", pem);
        assertThat(up.isOk()).isTrue();
        assertThat(up.line("+QFUPL:")).startsWith("+QFUPL: " + pem.length + ",")
                .isNotEqualTo("+QFUPL: " + pem.length + "," + Integer.toHexString(Bg95FileSystem.checksum(pem)));
        byte[] stored = modem.storedFiles().get("ca.pem");
        assertThat(stored).hasSize(pem.length).isNotEqualTo(pem);
        int differing = 0;
        for (int i = 0; i < pem.length; i++) {
            differing += stored[i] != pem[i] ? 1 : 0;
        }
        assertThat(differing).isEqualTo(1);
        modem.setUploadCorruption(false);
        assertThat(upload("ok.pem", pem).line("+QFUPL:"))
                .isEqualTo("+QFUPL: " + pem.length + "," + Integer.toHexString(Bg95FileSystem.checksum(pem)));
    }

    @Test
    void fullFaultRefusesUploadsWithNoSpace() throws Exception {
        start(Bg95Options.DEFAULTS.withUfsFull(true));
        assertThat(send("AT+QFUPL=\"a\",1").result().code()).isEqualTo(420);
        assertThat(send("AT+QFLDS=\"UFS\"").lines()).containsExactly("+QFLDS: 0," + 256 * 1024);
        modem.setUfsFull(false);
        assertThat(upload("a", ascii("1")).isOk()).isTrue();
    }

    @Test
    void filesSurviveAReboot() throws Exception {
        start(Bg95Options.DEFAULTS);
        upload("keep.pem", ascii("kept"));
        modem.reboot();
        Map<String, byte[]> files = modem.storedFiles();
        assertThat(files.get("keep.pem")).isEqualTo(ascii("kept"));
    }
}
