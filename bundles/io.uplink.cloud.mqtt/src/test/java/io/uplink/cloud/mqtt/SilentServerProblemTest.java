package io.uplink.cloud.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import io.uplink.cloud.ConnectionState;
import io.uplink.cloud.EndpointProfile;
import io.uplink.tls.TlsClientProfile;
import io.uplink.tls.bc.BcTlsEngine;
import io.uplink.tls.bc.HostilePeer;
import io.uplink.transport.os.OsSocketTransport;
import io.uplink.transport.os.SocketSettings;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16, low 18: a connection to a server that accepts TCP and never answers TLS had no last problem until Paho's
 * timeout, so 'pub' said "not delivered within 5 s" without a cause and 'sub' said nothing. The step that gets no
 * answer is the problem once it has lasted {@link MqttCloudConnection#STUCK}.
 */
class SilentServerProblemTest {

    @TempDir
    Path dir;

    @Test
    void aSilentTlsServerIsNamedWhileTheAttemptWaits() throws Exception {
        try (HostilePeer silent = HostilePeer.start(HostilePeer.silent())) {
            EndpointSettings settings = new EndpointSettings("silent", EndpointProfile.GENERIC, "127.0.0.1",
                    silent.port, "uplink-silent", 30, true, "", null, "host", "", List.of(), Duration.ofSeconds(30),
                    8, 1000, 1L << 20);
            BcTlsEngine engine = new BcTlsEngine(List.of(), 0, Clock.systemUTC());
            OsSocketTransport os = new OsSocketTransport(SocketSettings.DEFAULTS);
            try (MqttCloudConnection c = new MqttCloudConnection(settings, dir.resolve("q"), () -> os, () -> engine,
                    () -> TlsClientProfile.builder("localhost"))) {
                String problem = "";
                for (int i = 0; i < 150 && problem.isEmpty(); i++) { // bounded wait, well inside Paho's 30 s
                    Thread.sleep(100);
                    problem = c.lastProblem();
                }
                assertThat(c.state()).isEqualTo(ConnectionState.CONNECTING);
                assertThat(problem).startsWith("no answer for ").contains("TCP connected to 127.0.0.1:" + silent.port)
                        .contains("waiting for the server's answer (its ServerHello)");
            }
        }
    }
}
