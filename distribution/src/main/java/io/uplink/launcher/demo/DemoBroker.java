package io.uplink.launcher.demo;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;

import javax.net.ssl.SSLException;

import io.moquette.BrokerConstants;
import io.moquette.broker.Server;
import io.moquette.broker.config.MemoryConfig;
import io.moquette.interception.AbstractInterceptHandler;
import io.moquette.interception.messages.InterceptConnectMessage;
import io.moquette.interception.messages.InterceptConnectionLostMessage;
import io.moquette.interception.messages.InterceptDisconnectMessage;
import io.moquette.interception.messages.InterceptPublishMessage;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;

/**
 * The demo's MQTT broker: Moquette in this JVM (not a gateway bundle), TLS only on 127.0.0.1, clients must present a
 * certificate from the demo CA. Every message that arrives is printed, so the demo shows data flowing end to end.
 */
public final class DemoBroker implements AutoCloseable {

    private static final int PREVIEW = 200;

    private final Server server = new Server();
    private final PrintStream out;
    private final AtomicLong received = new AtomicLong();

    private DemoBroker(PrintStream out) {
        this.out = out;
    }

    public long received() {
        return received.get();
    }

    /** Starts the broker on 127.0.0.1:{@code port}; fails with a plain message when it cannot listen. */
    public static DemoBroker start(int port, DemoPki pki, PrintStream out) throws IOException {
        SslContext tls;
        try {
            tls = SslContextBuilder.forServer(pki.brokerKey, pki.broker, pki.ca).trustManager(pki.ca)
                    .clientAuth(ClientAuth.REQUIRE).sslProvider(SslProvider.JDK)
                    .protocols("TLSv1.3", "TLSv1.2").build();
        } catch (SSLException e) {
            throw new IOException("the demo broker's TLS set-up failed: " + e.getMessage(), e);
        }
        Properties p = new Properties();
        p.setProperty(BrokerConstants.HOST_PROPERTY_NAME, "127.0.0.1");
        p.setProperty(BrokerConstants.PORT_PROPERTY_NAME, BrokerConstants.DISABLED_PORT_BIND);
        p.setProperty(BrokerConstants.WEB_SOCKET_PORT_PROPERTY_NAME, BrokerConstants.DISABLED_PORT_BIND);
        p.setProperty(BrokerConstants.SSL_PORT_PROPERTY_NAME, String.valueOf(port));
        p.setProperty(BrokerConstants.NEED_CLIENT_AUTH, "true");
        p.setProperty(BrokerConstants.ALLOW_ANONYMOUS_PROPERTY_NAME, "true");
        p.setProperty(BrokerConstants.PERSISTENCE_ENABLED_PROPERTY_NAME, "false");
        p.setProperty(BrokerConstants.ENABLE_TELEMETRY_NAME, "false");
        p.setProperty(BrokerConstants.METRICS_ENABLE_PROPERTY_NAME, "false");
        p.setProperty(BrokerConstants.BUGSNAG_ENABLE_PROPERTY_NAME, "false");
        DemoBroker broker = new DemoBroker(out);
        try {
            broker.server.startServer(new MemoryConfig(p), List.of(broker.new Printer()), () -> tls, null, null);
        } catch (IOException | RuntimeException e) {
            broker.server.stopServer();
            throw new IOException("the demo MQTT broker cannot listen on 127.0.0.1:" + port + " (" + e.getMessage()
                    + "). Another broker (mosquitto?) may use that port: stop it, or run 'uplink demo --mqtt-port N'.",
                    e);
        }
        return broker;
    }

    @Override
    public void close() {
        server.stopServer();
    }

    /** Prints what the broker sees, one line per event. */
    private final class Printer extends AbstractInterceptHandler {

        @Override
        public String getID() {
            return "uplink-demo-printer";
        }

        @Override
        public void onConnect(InterceptConnectMessage msg) {
            byte level = msg.getProtocolVersion();
            String mqtt = level == 5 ? "MQTT 5" : level == 4 ? "MQTT 3.1.1" : level == 3 ? "MQTT 3.1" : "MQTT level " + level;
            out.println("[broker] client '" + msg.getClientID() + "' connected (" + mqtt
                    + ", TLS with a client certificate from the demo CA)");
        }

        @Override
        public void onDisconnect(InterceptDisconnectMessage msg) {
            out.println("[broker] client '" + msg.getClientID() + "' disconnected");
        }

        @Override
        public void onConnectionLost(InterceptConnectionLostMessage msg) {
            out.println("[broker] client '" + msg.getClientID() + "' lost its connection");
        }

        @Override
        public void onPublish(InterceptPublishMessage msg) {
            try {
                byte[] payload = new byte[msg.getPayload().readableBytes()];
                msg.getPayload().getBytes(msg.getPayload().readerIndex(), payload);
                String text = new String(payload, StandardCharsets.UTF_8);
                if (text.length() > PREVIEW) {
                    text = text.substring(0, PREVIEW) + "...";
                }
                long n = received.incrementAndGet();
                out.println("[broker] message " + n + " on '" + msg.getTopicName() + "' from '" + msg.getClientID()
                        + "' (" + payload.length + " bytes): " + text);
            } finally {
                msg.getPayload().release();
            }
        }

        @Override
        public void onSessionLoopError(Throwable error) {
            out.println("[broker] internal error: " + error);
        }
    }
}
