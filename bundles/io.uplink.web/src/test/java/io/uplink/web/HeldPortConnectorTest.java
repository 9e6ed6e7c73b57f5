package io.uplink.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.AbstractHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The launcher's held port served by Jetty, set up as Felix HTTP does it: its own connector on a loopback port
 * first, then the connector factories.
 */
class HeldPortConnectorTest {

    private static final ConsoleReady READY = new ConsoleReady(() -> true, () -> true);

    private Server server;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void aConnectionWaitingBeforeJettyStartsIsServedFromTheHeldPortAndThePlaceholderCloses() throws Exception {
        ServerSocketChannel held = held();
        int port = held.socket().getLocalPort();
        // The browser connects and sends its request while the gateway still only holds the port.
        try (Socket early = new Socket("127.0.0.1", port)) {
            send(early);
            server = felixLikeServer();
            int placeholder = ((ServerConnector) server.getConnectors()[0]).getLocalPort();

            addFactoryConnector(server, new HeldPortConnector(held, READY));

            assertThat(response(early)).startsWith("HTTP/1.1 200").endsWith("served");
            assertThat(server.getConnectors()).hasSize(1);
            assertThat(((ServerConnector) server.getConnectors()[0]).getLocalPort()).isEqualTo(port);
            assertThatThrownBy(() -> new Socket("127.0.0.1", placeholder).close())
                    .as("the placeholder's port is closed").isInstanceOf(ConnectException.class);
        }
        assertServedOn(port);
    }

    @Test
    void theFirstConnectionWaitsUntilTheConsoleAndItsGuardAreRegistered() throws Exception {
        ServerSocketChannel held = held();
        AtomicBoolean guarded = new AtomicBoolean();
        ConsoleReady ready = new ConsoleReady(guarded::get, () -> false);
        try (Socket early = new Socket("127.0.0.1", held.socket().getLocalPort())) {
            send(early);
            server = felixLikeServer();
            addFactoryConnector(server, new HeldPortConnector(held, ready));

            early.setSoTimeout(500);
            assertThatThrownBy(() -> early.getInputStream().read()).as("nothing served before the guard")
                    .isInstanceOf(SocketTimeoutException.class);
            guarded.set(true);
            assertThat(response(early)).startsWith("HTTP/1.1 200");
        } finally {
            ready.close();
        }
    }

    @Test
    void aRestartedWebServerBindsTheSamePortAgainWithTheSettingsTakenOver() throws Exception {
        ServerSocketChannel held = held();
        int port = held.socket().getLocalPort();
        HeldPortConnector factory = new HeldPortConnector(held, READY);
        server = felixLikeServer();
        addFactoryConnector(server, factory);
        server.stop(); // a configuration change: Felix HTTP stops Jetty, closing the held socket with its connector
        assertThat(held.isOpen()).isFalse();

        server = felixLikeServer();
        addFactoryConnector(server, factory);

        assertServedOn(port);
    }

    @Test
    void aReplacedComponentTakesTheSettingsKeptOnTheServer() throws Exception {
        ServerSocketChannel held = held();
        int port = held.socket().getLocalPort();
        server = felixLikeServer();
        Connector first = addFactoryConnector(server, new HeldPortConnector(held, READY));
        // io.uplink.web updated: Felix's tracker stops and removes the old component's connector (the port closes)
        first.stop();
        server.removeConnector(first);

        addFactoryConnector(server, new HeldPortConnector(held, READY));

        assertServedOn(port);
    }

    @Test
    void withoutAConnectorOfFelixsOwnTheErrorSaysWhichSettingIsMissing() throws Exception {
        server = new Server();
        server.start();
        HeldPortConnector factory = new HeldPortConnector(held(), READY);

        assertThatThrownBy(() -> factory.createConnector(server)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("org.apache.felix.http.enable");
    }

    private static ServerSocketChannel held() throws IOException {
        ServerSocketChannel c = ServerSocketChannel.open();
        c.bind(new InetSocketAddress("127.0.0.1", 0), 50);
        return c;
    }

    /** As Felix HTTP's JettyService: server started, then its own connector (the launcher's loopback placeholder). */
    private static Server felixLikeServer() throws Exception {
        Server s = new Server();
        s.setHandler(new AbstractHandler() {
            @Override
            public void handle(String target, Request base, HttpServletRequest request, HttpServletResponse response)
                    throws IOException {
                response.setStatus(200);
                response.setContentLength(6);
                response.getOutputStream().write("served".getBytes(StandardCharsets.US_ASCII));
                base.setHandled(true);
            }
        });
        s.start();
        ServerConnector own = new ServerConnector(s, new HttpConnectionFactory());
        own.setHost(HeldPortConnector.PLACEHOLDER_HOST);
        own.setPort(0);
        s.addConnector(own);
        own.start();
        return s;
    }

    /** As Felix HTTP's connector factory tracker. */
    private static Connector addFactoryConnector(Server s, HeldPortConnector factory) throws Exception {
        Connector c = factory.createConnector(s);
        s.addConnector(c);
        c.start();
        return c;
    }

    private static void assertServedOn(int port) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            send(s);
            assertThat(response(s)).startsWith("HTTP/1.1 200");
        }
    }

    private static void send(Socket s) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write("GET / HTTP/1.1\r\nHost: gateway\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private static String response(Socket s) throws IOException {
        s.setSoTimeout(10_000);
        InputStream in = s.getInputStream();
        return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
}
