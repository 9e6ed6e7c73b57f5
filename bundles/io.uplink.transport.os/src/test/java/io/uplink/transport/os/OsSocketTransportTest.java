package io.uplink.transport.os;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import io.uplink.transport.Connection;
import io.uplink.transport.TransportException;
import io.uplink.transport.TransportException.Reason;

import org.junit.jupiter.api.Test;

class OsSocketTransportTest {

    private final OsSocketTransport transport = new OsSocketTransport(SocketSettings.DEFAULTS);

    @Test
    void carriesBytesBothWaysToAnEchoServer() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Void> echo = CompletableFuture.runAsync(() -> echoOnce(server));
            try (Connection c = transport.connect("127.0.0.1", server.getLocalPort(), Duration.ofSeconds(5))) {
                byte[] sent = "hello over the OS stack".getBytes(StandardCharsets.UTF_8);
                c.output().write(sent);
                c.output().flush();
                byte[] got = c.input().readNBytes(sent.length);
                assertThat(got).isEqualTo(sent);
                assertThat(c.isOpen()).isTrue();
                assertThat(c.remote()).isEqualTo("127.0.0.1:" + server.getLocalPort());
            }
            echo.get();
        }
    }

    @Test
    void readTimeoutThrowsAndLeavesTheConnectionUsable() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            try (Connection c = transport.connect("127.0.0.1", server.getLocalPort(), Duration.ofSeconds(5));
                    Socket peer = server.accept()) {
                c.setReadTimeout(Duration.ofMillis(50));
                assertThat(c.readTimeout()).isEqualTo(Duration.ofMillis(50));
                assertThatThrownBy(() -> c.input().read()).isInstanceOf(SocketTimeoutException.class);
                peer.getOutputStream().write(42);
                peer.getOutputStream().flush();
                assertThat(c.input().read()).isEqualTo(42);
            }
        }
    }

    @Test
    void closeIsIdempotentAndReportsClosed() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Connection c = transport.connect("127.0.0.1", server.getLocalPort(), Duration.ofSeconds(5));
            c.close();
            c.close();
            assertThat(c.isOpen()).isFalse();
        }
    }

    @Test
    void refusedConnectionNamesTheReasonAndAFix() throws Exception {
        int freePort;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            freePort = probe.getLocalPort();
        }
        assertThatThrownBy(() -> transport.connect("127.0.0.1", freePort, Duration.ofSeconds(5)))
                .isInstanceOfSatisfying(TransportException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.REFUSED);
                    assertThat(e.getMessage()).contains("127.0.0.1:" + freePort).contains("refused");
                    assertThat(e.fix()).isNotEmpty();
                    assertThat(e.rawDetail()).isNotEmpty();
                });
    }

    @Test
    void unresolvableHostIsADnsFailure() {
        // RFC 6761: .invalid never resolves.
        assertThatThrownBy(() -> transport.connect("no-such-broker.invalid", 8883, Duration.ofSeconds(5)))
                .isInstanceOfSatisfying(TransportException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.DNS_FAILED);
                    assertThat(e.getMessage()).contains("no-such-broker.invalid");
                    assertThat(e.fix()).contains("DNS");
                });
    }

    @Test
    void timeoutsAreClassifiedAsTimeouts() {
        TransportException e = OsSocketTransport.classify(new SocketTimeoutException("connect timed out"),
                "broker:8883", Duration.ofSeconds(3));
        assertThat(e.reason()).isEqualTo(Reason.TIMEOUT);
        assertThat(e.getMessage()).contains("3000 ms");
    }

    @Test
    void rejectsBadArguments() {
        assertThatThrownBy(() -> transport.connect(" ", 80, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> transport.connect("h", 0, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> transport.connect("h", 70000, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> transport.connect("h", 80, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SocketSettings(Duration.ZERO, Duration.ZERO, true, true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("connect timeout");
    }

    private static void echoOnce(ServerSocket server) {
        try (Socket s = server.accept(); InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
            in.transferTo(out);
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }
}
