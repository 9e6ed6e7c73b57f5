package io.uplink.launcher;

import java.io.Closeable;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.util.Hashtable;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceRegistration;

/**
 * The console's port, held by the launcher so that the web server (Jetty, and with it the Web Console's servlets)
 * starts only when someone connects: an idle gateway does not carry it (about 5 MiB of its resident memory,
 * docs/PERFORMANCE.md).
 *
 * <p>The launcher binds the port at start, so a port in use is refused at once, as before. The channel is offered
 * as a {@link ServerSocketChannel} service (property {@value #SERVICE_PROPERTY}); io.uplink.web's Jetty connector
 * factory serves from it. A thread waits, without accepting, until a connection is pending, then starts the Felix
 * HTTP Jetty bundle (transiently: the next run waits again). The pending connection and those that follow wait in
 * the kernel's accept queue until Jetty's acceptor takes them from this same socket: no connection is refused or
 * relayed, and the console sees each client's own address.
 *
 * <p>Threads: {@link #bind} and {@link #close} run on the launcher's main or shutdown thread; the waiting thread
 * only selects, then starts the bundle once.
 */
final class ConsoleListener implements Closeable {

    /** Service property marking the console's listening channel. */
    static final String SERVICE_PROPERTY = "uplink.console.listener";
    static final String JETTY = "org.apache.felix.http.jetty";
    /** Felix HTTP's connector factory, which io.uplink.web's HeldPortConnector provides. */
    private static final String CONNECTOR_FACTORY = "org.apache.felix.http.jetty.ConnectorFactory";
    /** Accept queue: connections that wait while Jetty starts (its own default is the JDK's 50). */
    private static final int BACKLOG = 50;

    private final ServerSocketChannel channel;
    private volatile Selector selector;
    private volatile ServiceRegistration<ServerSocketChannel> registration;
    private volatile boolean closed;

    private ConsoleListener(ServerSocketChannel channel) {
        this.channel = channel;
    }

    /**
     * Binds {@code host:port} now; the {@link IOException} carries the system's reason (address in use, not an
     * address of this machine) for {@link RunCommand} to explain.
     */
    static ConsoleListener bind(InetSocketAddress address) throws IOException {
        ServerSocketChannel channel = ServerSocketChannel.open();
        try {
            channel.socket().setReuseAddress(true); // as Jetty: a restart within TIME_WAIT binds again
            channel.bind(address, BACKLOG);
            return new ConsoleListener(channel);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /**
     * Offers the channel to the framework's bundles and starts the thread that waits for the first connection.
     * {@code jetty} is the installed, not started, Felix HTTP Jetty bundle; problems are written to {@code err}.
     */
    void offer(BundleContext context, Bundle jetty, PrintStream err) throws IOException {
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(SERVICE_PROPERTY, Boolean.TRUE);
        registration = context.registerService(ServerSocketChannel.class, channel, properties);
        Selector s = Selector.open();
        channel.configureBlocking(false);
        channel.register(s, SelectionKey.OP_ACCEPT);
        selector = s;
        Thread waiting = new Thread(() -> awaitFirstConnection(context, s, jetty, err), "uplink-console-listener");
        waiting.setDaemon(true);
        waiting.start();
    }

    private void awaitFirstConnection(BundleContext context, Selector s, Bundle jetty, PrintStream err) {
        try {
            while (s.select() == 0) {
                if (closed) {
                    return;
                }
            }
            s.close(); // deregisters the channel, which Jetty's acceptor uses in blocking mode
            channel.configureBlocking(true);
        } catch (ClosedChannelException | java.nio.channels.ClosedSelectorException e) {
            return; // the gateway is stopping
        } catch (IOException e) {
            if (!closed) {
                err.println("WARNING: the console's port stopped listening (" + e.getMessage() + "); restart the "
                        + "gateway to reach the Web Console again.");
            }
            return;
        }
        if (closed) {
            return;
        }
        try {
            if (context.getAllServiceReferences(CONNECTOR_FACTORY, null) == null) {
                err.println("WARNING: nothing can serve the console's port: io.uplink.web (which serves it from the "
                        + "port the launcher holds) is not active. Start it from bundle/, or set "
                        + FrameworkProperties.HTTP_START + "=" + FrameworkProperties.AT_START
                        + " in conf/framework.properties; connections to the console wait until then.");
            }
            jetty.start(Bundle.START_TRANSIENT);
        } catch (BundleException | IllegalStateException | InvalidSyntaxException e) {
            err.println("WARNING: the web server did not start on the first connection to the console (" + e.getMessage()
                    + "); its port is closed. Read logs/uplink.log for the cause, then restart the gateway.");
            close();
        }
    }

    @Override
    public void close() {
        closed = true;
        Selector s = selector;
        try {
            if (s != null) {
                s.close();
            }
        } catch (IOException ignored) {
            // closing anyway
        }
        ServiceRegistration<ServerSocketChannel> r = registration;
        if (r != null) {
            try {
                r.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the framework stopped first
            }
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
