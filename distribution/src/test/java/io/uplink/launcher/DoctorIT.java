package io.uplink.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.uplink.launcher.demo.DemoPki;

/** {@code bin/uplink doctor} as an operator runs it: a report, a JSON verdict, exit codes. */
class DoctorIT {

    @TempDir
    Path temp;

    @Test
    void throughTheEmulatedModemToMosquittoEverythingPasses() throws Exception {
        try (GatewayProcess gw = GatewayProcess.copyOfDistribution(temp)) {
            int port = GatewayProcess.freePort();
            Path conf = Files.writeString(temp.resolve("m.conf"), "listener " + port + " 127.0.0.1\n"
                    + "allow_anonymous true\n");
            Process broker = new ProcessBuilder("mosquitto", "-c", conf.toString()).start();
            try {
                Thread.sleep(500);
                GatewayProcess.Result r = gw.command(null, "doctor", "--endpoint", "mqtt://127.0.0.1:" + port,
                        "--modem", "emulator:bg95");
                assertThat(r.exitCode()).as(r.output()).isZero();
                assertThat(r.output()).contains("[PASS]    SIM").contains("[PASS]    PUBLISH").contains("Verdict: ok");
            } finally {
                broker.destroy();
                broker.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void aKeyThatIsNotTheCertificatesIsNamedBeforeAnythingIsSent() throws Exception {
        try (GatewayProcess gw = GatewayProcess.copyOfDistribution(temp)) {
            DemoPki pki = DemoPki.loadOrCreate(temp.resolve("pki"));
            GatewayProcess.Result r = gw.command(null, "doctor", "--endpoint", "mqtts://localhost:1", "--ca",
                    pki.caFile().toString(), "--cert", pki.deviceCertFile().toString(), "--key",
                    temp.resolve("pki/broker.key").toString(), "--json");
            assertThat(r.exitCode()).as(r.output()).isEqualTo(1);
            assertThat(r.output()).startsWith("{\"verdict\":{\"cause\":\"credentials.key-mismatch\",\"layer\":\"tls\"")
                    .contains("\"findings\":[").contains("\"trace\":[");
            Path garbage = Files.writeString(temp.resolve("ca.pem"), "-----BEGIN CERTIFICATE-----\nnot base64 at all"
                    + "\n-----END CERTIFICATE-----\n");
            GatewayProcess.Result m = gw.command(null, "doctor", "--endpoint", "mqtts://localhost:1", "--ca",
                    garbage.toString(), "--json");
            assertThat(m.exitCode()).as(m.output()).isEqualTo(1);
            assertThat(m.output()).startsWith("{\"verdict\":{\"cause\":\"credentials.malformed\"");
        }
    }

    @Test
    void probeAndExplainAnswerInPlainWords() throws Exception {
        try (GatewayProcess gw = GatewayProcess.copyOfDistribution(temp)) {
            DemoPki pki = DemoPki.loadOrCreate(temp.resolve("pki"));
            int port = GatewayProcess.freePort();
            Process server = new ProcessBuilder("openssl", "s_server", "-accept", "127.0.0.1:" + port, "-cert",
                    temp.resolve("pki/broker.pem").toString(), "-key", temp.resolve("pki/broker.key").toString(),
                    "-quiet").start();
            try {
                Thread.sleep(500);
                GatewayProcess.Result r = gw.command(null, "probe", "localhost:" + port);
                assertThat(r.exitCode()).as(r.output()).isZero();
                assertThat(r.output()).contains("TLSv1.3: TLS_AES_128_GCM_SHA256")
                        .contains("quectel-bc66: no cipher suite in common").contains("use host TLS");
                Path pcap = temp.resolve("doctor.pcap");
                GatewayProcess.Result d = gw.command(null, "doctor", "--endpoint", "mqtts://localhost:" + port,
                        "--pcap", pcap.toString());
                assertThat(d.exitCode()).as(d.output()).isEqualTo(1);
                assertThat(d.output()).contains("Verdict: tls.unknown-ca").contains("TLS capture:");
                assertThat(Files.size(pcap)).isGreaterThan(24);
                GatewayProcess.Result j = gw.command(null, "probe", "localhost:" + port, "--json");
                assertThat(j.output()).contains("\"quectel-bc66\":{\"shared_suites\":[],\"verdict\":\"use host TLS\"}");
            } finally {
                server.destroy();
                server.waitFor(10, TimeUnit.SECONDS);
            }
            assertThat(pki.caFile()).exists();
            GatewayProcess.Result e = gw.command(null, "explain", "+QSSLOPEN: 1,5,-9", "err:-0x7280");
            assertThat(e.exitCode()).isZero();
            assertThat(e.output()).contains("BC66").contains("not documented").contains("EOF");
            assertThat(gw.command(null, "explain", "nonsense").exitCode()).isEqualTo(1);
            assertThat(gw.command(null, "probe").exitCode()).isEqualTo(2);
        }
    }

    @Test
    void badArgumentsExitWith2() throws Exception {
        try (GatewayProcess gw = GatewayProcess.copyOfDistribution(temp)) {
            assertThat(gw.command(null, "doctor").exitCode()).isEqualTo(2);
            assertThat(gw.command(null, "doctor", "--endpoint", "https://x").exitCode()).isEqualTo(2);
            assertThat(gw.command(null, "doctor", "--endpoint", "mqtts://x", "--cert", "a.pem").exitCode())
                    .isEqualTo(2);
            GatewayProcess.Result help = gw.command(null, "doctor", "--help");
            assertThat(help.exitCode()).isZero();
            assertThat(help.output()).contains("tls.client-cert-required").contains("--modem");
        }
    }
}
