package io.uplink.itest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;

import io.uplink.tls.TlsClientProfile;
import io.uplink.tls.TlsEngine;
import io.uplink.tls.TlsHandshakeException;
import io.uplink.transport.Transport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.service.ServiceExtension;

/** The TLS engine runs inside the framework with Bouncy Castle's TLS bundle and the OS transport. */
@ExtendWith(ServiceExtension.class)
class TlsEngineServiceTest {

    @Test
    void handshakeFailuresAreExplainedInsideTheFramework(@InjectService TlsEngine engine,
            @InjectService(filter = "(transport.kind=os)") Transport transport) throws Exception {
        try (ServerSocket rude = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> {
                try (Socket s = rude.accept()) {
                    s.getInputStream().read(new byte[600]);
                } catch (IOException ignored) {
                    // hanging up is the point
                }
            });
            t.start();
            try {
                engine.handshake(transport.connect("127.0.0.1", rude.getLocalPort(), Duration.ofSeconds(5)),
                        TlsClientProfile.builder("broker.example").handshakeTimeout(Duration.ofSeconds(10)).build());
                throw new AssertionError("the handshake cannot succeed against a server that hangs up");
            } catch (TlsHandshakeException e) {
                assertThat(e.failure()).isEqualTo(TlsHandshakeException.Failure.PEER_CLOSED);
                assertThat(e.trace().events().get(0).type()).isEqualTo("ClientHello");
                assertThat(e.trace().events().get(0).detail()).contains("SNI broker.example");
            }
            t.join();
        }
    }
}
