package io.uplink.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the hostile review of issue 16 typed into the command line (Medium 10, Low 13, 14, 17, 20): each gets one
 * plain message and exit code 2, never a stack trace, an OutOfMemoryError, a hang or a secret echoed back.
 */
class HostileInputIT {

    @TempDir
    static Path temp;

    private static GatewayProcess gw;

    @BeforeAll
    static void copy() throws Exception {
        gw = GatewayProcess.copyOfDistribution(temp);
    }

    @AfterAll
    static void close() throws Exception {
        gw.close();
    }

    private static void assertPlainRefusal(GatewayProcess.Result r, String... expected) {
        assertThat(r.exitCode()).as(r.output()).isEqualTo(2);
        assertThat(r.output()).doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("OutOfMemory")
                .contains(expected);
    }

    /** Runs bin/uplink through the shell, for input redirections ({@code < /dev/zero}). */
    private static GatewayProcess.Result shell(String command) throws Exception {
        Path out = Files.createTempFile(temp, "sh", ".out");
        Process p = new ProcessBuilder("bash", "-c", gw.home.resolve("bin/uplink") + " " + command)
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        assertThat(p.waitFor(GatewayProcess.WAIT_SECONDS, TimeUnit.SECONDS)).as(command).isTrue();
        return new GatewayProcess.Result(p.exitValue(), Files.readString(out));
    }

    private static Path sparse(String name, long size) throws Exception {
        Path f = temp.resolve(name);
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.setLength(size);
        }
        return f;
    }

    @Test
    void hugeAndEndlessCredentialInputsAreRefusedBySize() throws Exception {
        Path big = temp.resolve("big.pem");
        StringBuilder b = new StringBuilder("-----BEGIN CERTIFICATE-----\n");
        String line = "MIIBszCCAVmgAwIBAgIUQ2V4YW1wbGVDZXJ0aWZpY2F0ZTAKBggqhkjOPQQDAjAS\n";
        while (b.length() < (3 << 20)) {
            b.append(line);
        }
        Files.writeString(big, b.append("-----END CERTIFICATE-----\n"));
        assertPlainRefusal(gw.command(null, "creds", "check", "--cert", big.toString()), "too-large");
        assertPlainRefusal(gw.command(null, "creds", "import", "--alias", "x", "--ca", big.toString()), "too-large");
        assertPlainRefusal(gw.command(null, "doctor", "--endpoint", "mqtts://127.0.0.1:1", "--ca", big.toString()),
                "too-large");
        assertPlainRefusal(gw.command(null, "pub", "-t", "t", "-m", "x", "--cafile", "/dev/zero"),
                "not a regular file");
        assertPlainRefusal(gw.command(null, "creds", "check", "--cert", "/dev/zero"), "not a regular file");
    }

    @Test
    void aFifoIsRefusedInsteadOfBlockingForever() throws Exception {
        Path fifo = temp.resolve("cert.fifo");
        Process mk = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertThat(mk.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(mk.exitValue()).isZero();
        assertPlainRefusal(gw.command(null, "creds", "check", "--cert", fifo.toString()), "not a regular file",
                "FIFO");
    }

    @Test
    void hugeAndEndlessMessagesAreRefusedBeforeAnythingIsQueued() throws Exception {
        Path big = sparse("big.bin", 50L << 20);
        assertPlainRefusal(gw.command(null, "pub", "-t", "t", "-f", big.toString(), "-p", "1"), "too-large",
                "16 MiB");
        assertPlainRefusal(gw.command(null, "pub", "-t", "t", "-f", "/dev/zero", "-p", "1"), "not a regular file");
        assertPlainRefusal(shell("pub -t t -s -p 1 < /dev/zero"), "too-large");
        assertPlainRefusal(gw.command(null, "pub", "-t", "t", "-f", temp.resolve("nope").toString()),
                "no such file");
        assertThat(gw.home.resolve("data/cli")).doesNotExist();
    }

    @Test
    void badAddressesAreRefusedAtParsing() throws Exception {
        List<String[]> cases = new ArrayList<>();
        cases.add(new String[] { "doctor", "--endpoint", "mqtts://127.0.0.1:99999" });
        cases.add(new String[] { "doctor", "--endpoint", "mqtts://" });
        cases.add(new String[] { "doctor", "--endpoint", "mqtts://under_score:8883" });
        cases.add(new String[] { "doctor", "--endpoint", "mqtts://[::1" });
        cases.add(new String[] { "doctor", "--endpoint", "mqtts://h:0" });
        cases.add(new String[] { "probe", ":-5" });
        cases.add(new String[] { "probe", "" });
        cases.add(new String[] { "probe", "host:99999" });
        cases.add(new String[] { "pub", "-t", "t", "-m", "x", "-h", "under_score" });
        cases.add(new String[] { "sub", "-t", "t", "-h", "[::1" });
        for (String[] c : cases) {
            GatewayProcess.Result r = gw.command(null, c);
            assertThat(r.exitCode()).as(String.join(" ", c) + ": " + r.output()).isEqualTo(2);
            assertThat(r.output()).as(String.join(" ", c)).doesNotContain("Exception").doesNotContain("\tat ")
                    .doesNotContain("opens java.net");
        }
        assertThat(gw.command(null, "doctor", "--endpoint", "mqtts://h:0").output()).contains("outside 1-65535");
        assertThat(gw.command(null, "pub", "-t", "t", "-m", "x", "-h", "under_score").output())
                .contains("underscore");
    }

    @Test
    void passwordsInAddressesAreRefusedAndNeverEchoed() throws Exception {
        for (String[] c : List.of(new String[] { "pub", "-t", "t", "-m", "x", "-h", "bob:s3cretLeak@host" },
                new String[] { "doctor", "--endpoint", "mqtt://bob:s3cretLeak@host:1883" },
                new String[] { "probe", "mqtts://bob:s3cretLeak@host" })) {
            GatewayProcess.Result r = gw.command(null, c);
            assertPlainRefusal(r, "password-stdin");
            assertThat(r.output()).doesNotContain("s3cretLeak");
        }
        try (var files = Files.walk(gw.home)) {
            assertThat(files.map(Path::toString).filter(s -> s.contains("s3cretLeak"))).isEmpty();
        }
    }

    @Test
    void whitespacePasswordsAreRefused() throws Exception {
        assertPlainRefusal(gw.command("             \n", "passwd", "--stdin"), "only spaces");
        assertPlainRefusal(gw.command(" padded-password-1 \n", "passwd", "--stdin"), "starts or ends");
    }

    @Test
    void anUnresolvableHttpHostIsNotBlamedOnAnotherProgram() throws Exception {
        GatewayProcess.Result r = gw.command(null, "run", "--no-shell", "--http-host", "no.such.host.invalid");
        assertThat(r.exitCode()).as(r.output()).isNotZero();
        assertThat(r.output()).contains("does not resolve").doesNotContain("Another program");
    }
}
