package io.uplink.web;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.felix.http.jetty.ConnectorFactory;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.component.LifeCycle;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the console from the port the launcher holds ({@code bin/uplink run} with
 * {@code uplink.http.start=first-connection}): the launcher binds the console's port at start, offers the channel
 * as a {@link ServerSocketChannel} service, and starts Felix HTTP's Jetty when the first connection is pending. This
 * connector accepts from that same socket, so the waiting connections are served and none is refused.
 *
 * <p>Felix HTTP builds its own connector first (the launcher points it at a free loopback port): this factory
 * takes that connector's connection factories (HTTP, or TLS with the console's key store, exactly as Felix set them
 * up from its configuration) and closes it, so the console has one port and one set-up. The factories are kept on
 * the {@link Server} as an attribute for when this component is replaced while Jetty runs. When Jetty is started
 * again later (a configuration change), the held socket has been closed with its connector, and the port is bound
 * anew, as Jetty would.
 *
 * <p>Threads: {@link #createConnector} runs on Felix HTTP's thread that starts Jetty; nothing else touches state.
 */
@Component(service = ConnectorFactory.class, configurationPolicy = ConfigurationPolicy.IGNORE)
public final class HeldPortConnector implements ConnectorFactory {

    static final String LISTENER_FILTER = "(uplink.console.listener=true)";
    /** Server attribute holding the taken-over settings (JDK and Jetty types only: survives a bundle update). */
    static final String SETTINGS = "io.uplink.web.console.connector";
    /**
     * Where the launcher points Felix HTTP's own connector (with port 0: Felix picks a free one). A connector there
     * on another port than the held one is that placeholder.
     */
    static final String PLACEHOLDER_HOST = "127.0.0.1";
    private static final int BACKLOG = 50;
    private static final Logger LOG = LoggerFactory.getLogger(HeldPortConnector.class);

    private final ServerSocketChannel held;
    private final InetSocketAddress address;
    private final ConsoleReady ready;

    @Activate
    public HeldPortConnector(BundleContext context, @Reference(target = LISTENER_FILTER) ServerSocketChannel held) {
        this(held, new ConsoleReady(context));
    }

    HeldPortConnector(ServerSocketChannel held, ConsoleReady ready) {
        this.held = held;
        this.address = (InetSocketAddress) held.socket().getLocalSocketAddress();
        this.ready = ready;
    }

    @Deactivate
    void deactivate() {
        ready.close();
    }

    @Override
    public Connector createConnector(Server server) {
        Map<String, Object> settings = settings(server);
        ConnectionFactory[] factories = (ConnectionFactory[]) settings.get("factories");
        ServerConnector ours = new ServerConnector(server, (Integer) settings.get("acceptors"),
                (Integer) settings.get("selectors"), factories);
        for (ConnectionFactory f : factories) {
            if (f instanceof LifeCycle && ((LifeCycle) f).isRunning()) {
                ours.manage(f); // taken over from Felix's connector: this one stops them now
            }
        }
        ours.setIdleTimeout((Long) settings.get("idleTimeout"));
        // Connections wait in the accept queue until the console's pages and its cross-site guard are registered:
        // the first request would otherwise meet a 404, or a console not yet behind the guard.
        ours.setAccepting(false);
        ready.whenReady(() -> ours.setAccepting(true));
        ours.setHost(address.getHostString());
        ours.setPort(address.getPort());
        boolean first = held.isOpen();
        try {
            ours.open(first ? held : bindAgain());
        } catch (IOException e) {
            throw new UncheckedIOException("the console's port " + address + " could not be bound again ("
                    + e.getMessage() + "): another program took it while the web server restarted; stop it and "
                    + "restart the gateway", e);
        }
        LOG.info("Web server serving the console on {}:{} ({}){}; Felix HTTP's 'Started Jetty' line names the "
                + "loopback placeholder port this replaced", address.getHostString(), address.getPort(),
                String.join("+", ours.getProtocols()), first ? ", started by the first connection to it"
                        : ", bound again after the web server restarted");
        return ours;
    }

    /**
     * The connection settings Felix HTTP made for the console: taken from its own (placeholder) connector the first
     * time, which is then closed; afterwards from the server's attribute.
     */
    @SuppressWarnings("unchecked")
    private Map<String, Object> settings(Server server) {
        Object kept = server.getAttribute(SETTINGS);
        if (kept instanceof Map) {
            return (Map<String, Object>) kept;
        }
        ServerConnector own = null;
        for (Connector c : server.getConnectors()) {
            if (c instanceof ServerConnector) {
                own = (ServerConnector) c;
                break;
            }
        }
        if (own == null) {
            throw new IllegalStateException("Felix HTTP made no connector of its own whose settings the console's "
                    + "port could take: org.apache.felix.http.enable or org.apache.felix.https.enable must be true "
                    + "(bin/uplink run sets them from conf/framework.properties)");
        }
        List<ConnectionFactory> factories = List.copyOf(own.getConnectionFactories());
        Map<String, Object> settings = new HashMap<>();
        settings.put("factories", factories.toArray(new ConnectionFactory[0]));
        settings.put("acceptors", own.getAcceptors());
        settings.put("selectors", own.getSelectorManager().getSelectorCount());
        settings.put("idleTimeout", own.getIdleTimeout());
        if (PLACEHOLDER_HOST.equals(own.getHost()) && own.getLocalPort() != address.getPort()) {
            // The launcher's placeholder on a free loopback port: close it, keeping its factories running.
            factories.forEach(own::unmanage);
            try {
                own.stop();
            } catch (Exception e) {
                LOG.warn("The web server's placeholder connector did not stop cleanly: {}", e.toString());
            }
            server.removeConnector(own);
        }
        server.setAttribute(SETTINGS, settings);
        return settings;
    }

    /** The held socket closes with the connector that served it; a restarted web server binds its address anew. */
    private ServerSocketChannel bindAgain() throws IOException {
        ServerSocketChannel fresh = ServerSocketChannel.open();
        try {
            fresh.socket().setReuseAddress(true);
            fresh.bind(address, BACKLOG);
            return fresh;
        } catch (IOException | RuntimeException e) {
            fresh.close();
            throw e;
        }
    }
}
