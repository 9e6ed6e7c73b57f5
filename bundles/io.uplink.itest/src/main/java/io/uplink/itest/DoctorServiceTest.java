package io.uplink.itest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.uplink.diagnostics.ConnectionDoctor;
import io.uplink.diagnostics.Diagnosis;
import io.uplink.diagnostics.DiagnosisRequest;
import io.uplink.diagnostics.Finding;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.service.ServiceExtension;

/** The ConnectionDoctor service in the framework, with the running OS transport and TLS engine. */
@ExtendWith(ServiceExtension.class)
class DoctorServiceTest {

    @InjectService
    ConnectionDoctor doctor;

    @Test
    void diagnosesAPlainBrokerAndARefusedPort() throws Exception {
        Path dir = Files.createTempDirectory("uplink-itest-doctor");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path conf = Files.writeString(dir.resolve("mosquitto.conf"), "listener " + port
                + " 127.0.0.1\nallow_anonymous true\n");
        Process mosquitto = Fixtures.startMosquitto(conf, port);
        try {
            List<Finding> heard = new ArrayList<>();
            Diagnosis ok = doctor.diagnose(new DiagnosisRequest("mqtt://127.0.0.1:" + port, "",
                    Map.of("client.id", "itest-doctor")), heard::add);
            assertThat(ok.verdict().cause()).as("%s", ok.findings()).isEqualTo("ok");
            assertThat(heard).as("progress for every rung").hasSameSizeAs(ok.findings());
        } finally {
            mosquitto.destroy();
            mosquitto.waitFor(20, TimeUnit.SECONDS);
        }
        Diagnosis refused = doctor.diagnose(new DiagnosisRequest("mqtt://127.0.0.1:" + port, "", Map.of()),
                f -> { });
        assertThat(refused.verdict().cause()).isEqualTo("net.tcp-refused");
        assertThat(refused.verdict().fix()).isNotBlank();
        Diagnosis noModem = doctor.diagnose(new DiagnosisRequest("mqtt://127.0.0.1:" + port, "io.uplink.modem~none",
                Map.of()), f -> { });
        assertThat(noModem.verdict().summary()).contains("not attached");
        assertThatThrownBy(() -> doctor.diagnose(new DiagnosisRequest("http://x", "", Map.of()), f -> { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("mqtts://");
    }
}
