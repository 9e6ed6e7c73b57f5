package io.uplink.modem.serial;

import java.io.IOException;
import java.util.Hashtable;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import io.uplink.modem.Modem;
import io.uplink.modem.ModemDialect;
import io.uplink.modem.ModemException;
import io.uplink.modem.ModemIdentity;
import io.uplink.modem.ModemSettings;
import io.uplink.modem.SerialLink;
import io.uplink.modem.SerialLinkProvider;
import io.uplink.transport.Transport;

import org.osgi.framework.Constants;
import org.osgi.service.component.ComponentFactory;
import org.osgi.service.component.ComponentInstance;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One configured modem. A supervisor thread opens the port, identifies the modem, picks a dialect (configured or
 * matched), attaches, and publishes {@link Modem} and {@link Transport} through the {@link AttachedModemComponent}
 * factory. When the dialect goes away (its bundle stopped or updated), the port fails, or the modem stops answering,
 * it detaches, withdraws the services, and attaches again with whatever dialect matches then, with backoff. Any
 * failure of an attempt, also an {@link Error} such as {@link OutOfMemoryError}, is logged and followed by another
 * attempt after the backoff: only deactivation ends the supervisor.
 */
@Component(configurationPid = ModemConfig.FACTORY_PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {})
@Designate(ocd = ModemConfig.class, factory = true)
public final class ModemComponent {

    private static final Logger LOG = LoggerFactory.getLogger(ModemComponent.class);
    private static final long MAX_BACKOFF_MILLIS = 300_000;

    private final ModemConfig config;
    private final String pid;
    private final ComponentFactory<AttachedModemComponent> factory;
    private final Map<ModemDialect, String> dialects = new ConcurrentHashMap<>();
    private final Map<String, SerialLinkProvider> providers = new ConcurrentHashMap<>();
    private final Object signal = new Object();
    private final Thread supervisor;
    private volatile boolean running = true;
    private volatile ModemDialect inUse;
    private volatile boolean changed;
    /** The boot URC ({@code RDY}, {@code APP RDY}, {@code +KSUP:}) an attached module sent, i.e. it restarted. */
    private volatile String restartedWith;
    /** Counts arrivals of dialects and port providers; a supervisor waiting without a modem wakes when it moves. */
    private final java.util.concurrent.atomic.AtomicLong arrivals = new java.util.concurrent.atomic.AtomicLong();

    @Activate
    public ModemComponent(ModemConfig config, Map<String, Object> properties,
            @Reference(target = "(component.factory=" + AttachedModemComponent.FACTORY + ")")
            ComponentFactory<AttachedModemComponent> factory) {
        this.config = config;
        this.pid = String.valueOf(properties.get(Constants.SERVICE_PID));
        this.factory = factory;
        this.supervisor = new Thread(this::supervise, "uplink-modem-" + config.port());
        this.supervisor.setDaemon(true);
        // supervise() catches everything; should it still end abnormally, the log says so, not only stderr
        this.supervisor.setUncaughtExceptionHandler((t, e) -> LOG.error("Modem {}: the supervisor stopped; the modem "
                + "is not attached again until its configuration changes", config.port(), e));
        this.supervisor.start();
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addDialect(ModemDialect dialect) {
        dialects.put(dialect, dialect.family());
        arrived("dialect " + dialect.family());
    }

    void removeDialect(ModemDialect dialect) {
        dialects.remove(dialect);
        if (dialect == inUse) {
            wake("dialect " + dialect.family() + " went away");
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addLinkProvider(SerialLinkProvider provider, Map<String, Object> props) {
        providers.put(String.valueOf(props.get(SerialLinkProvider.SCHEME)), provider);
        arrived("port provider " + props.get(SerialLinkProvider.SCHEME));
    }

    void removeLinkProvider(SerialLinkProvider provider, Map<String, Object> props) {
        String scheme = String.valueOf(props.get(SerialLinkProvider.SCHEME));
        providers.remove(scheme, provider);
        if (config.port().startsWith(scheme + ":")) {
            wake("the provider of " + config.port() + " went away");
        }
    }

    @Deactivate
    void deactivate() {
        running = false;
        wake("stopping");
        supervisor.interrupt();
        try {
            supervisor.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A new service only matters to a supervisor that waits without a modem: it must not restart an attached one. */
    private void arrived(String what) {
        synchronized (signal) {
            arrivals.incrementAndGet();
            signal.notifyAll();
        }
        LOG.debug("Modem {}: {} arrived", config.port(), what);
    }

    private void wake(String why) {
        synchronized (signal) {
            changed = true;
            signal.notifyAll();
        }
        LOG.debug("Modem {}: {}", config.port(), why);
    }

    // --- supervisor thread ---------------------------------------------------------------------------------

    private void supervise() {
        long backoff = 1000;
        while (running) {
            SerialLink link = null;
            SerialAtChannel at = null;
            Modem modem = null;
            ComponentInstance<AttachedModemComponent> published = null;
            long seen = arrivals.get();
            try {
                changed = false;
                restartedWith = null;
                String scheme = providedScheme();
                if (scheme != null && !providers.containsKey(scheme)) {
                    // usually the providing bundle is still starting; it is worth an operator's look only if it stays
                    LOG.warn("Modem {}: no provider for ports named '{}:...' is running yet (for emulator:bg95, the "
                            + "io.uplink.modem.emulator bundle). Waiting for one.", config.port(), scheme);
                    awaitChange(null, Long.MAX_VALUE, seen);
                    continue;
                }
                link = openPort();
                at = new SerialAtChannel(link);
                ModemIdentity identity = ModemIdentification.identify(at);
                ModemDialect dialect = chooseDialect(identity);
                if (dialect == null) {
                    LOG.warn("Modem {} is {}: no dialect bundle drives it{}. Waiting for one.", config.port(), identity,
                            config.dialect().equals("auto") ? "" : " (configured: " + config.dialect() + ")");
                    awaitChange(at, Long.MAX_VALUE, seen);
                    continue;
                }
                inUse = dialect;
                modem = dialect.attach(at, identity, settings());
                watchForRestart(at);
                published = factory.newInstance(serviceProperties(modem));
                LOG.info("Modem {} attached: {} ({}), offering its sockets as transport '{}'", config.port(),
                        identity, dialect.family(), pid);
                backoff = 1000;
                awaitChange(at, Long.MAX_VALUE, -1);
                String restart = restartedWith;
                if (running && restart != null) {
                    // The dialect's detach (below) reports its sockets closed to their users; a module answers AT
                    // again once it has sent RDY, so releasing what is left of the PDP context does not stall.
                    LOG.info("Modem {} restarted on its own ('{}' while attached): its sockets and data connection "
                            + "are gone; attaching it again", config.port(), restart);
                } else {
                    LOG.info("Modem {} detaching: {}", config.port(), !running ? "its configuration was removed or "
                            + "changed" : !at.isOpen() ? "the port closed or failed" : "its dialect went away");
                }
            } catch (ModemException e) {
                LOG.error("Modem {}: {} Fix: {}{}", config.port(), e.getMessage(), e.fix(),
                        e.rawText().isEmpty() ? "" : " (modem said: " + e.rawText() + ")");
            } catch (IOException e) {
                LOG.error("Modem {}: {}", config.port(), e.getMessage());
            } catch (Throwable e) {
                // Also Errors: the thread must survive an OutOfMemoryError or a dialect's bug, or the modem would never
                // be attached again. The attempt's buffers are garbage once it is left.
                LOG.error("Modem {}: unexpected failure; trying again", config.port(), e);
            } finally {
                inUse = null;
                release(published, modem, at, link);
            }
            if (running && !changed) {
                long sleep = backoff + ThreadLocalRandom.current().nextLong(backoff / 2 + 1);
                LOG.info("Modem {}: next attempt in {} s", config.port(), sleep / 1000);
                awaitChange(null, sleep, seen);
                backoff = Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
            }
        }
    }

    /** Withdraws the services, detaches, closes the port: each step even when one before it fails. */
    private void release(ComponentInstance<AttachedModemComponent> published, Modem modem, SerialAtChannel at,
            SerialLink link) {
        try {
            if (published != null) {
                published.dispose();
            }
        } catch (Throwable e) {
            LOG.warn("Modem {}: withdrawing its services failed", config.port(), e);
        }
        try {
            if (modem != null) {
                modem.detach();
            }
        } catch (Throwable e) {
            LOG.warn("Modem {}: detaching failed", config.port(), e);
        }
        try {
            if (at != null) {
                at.close();
            } else if (link != null) {
                closeQuietly(link);
            }
        } catch (Throwable e) {
            LOG.warn("Modem {}: closing the port failed", config.port(), e);
        }
    }

    /**
     * A module that restarts while attached (power glitch, watchdog, firmware crash) announces it with its boot URCs
     * ({@code RDY}, then {@code APP RDY} on Quectel; {@code +KSUP: <status>} on the Sierra HL78xx): every socket and
     * the PDP context are gone, so attach it anew. Listens on this channel only: a late URC of a closed channel never
     * disturbs the next attachment.
     */
    private void watchForRestart(SerialAtChannel at) {
        for (String boot : new String[] { "RDY", "APP RDY", "+KSUP:" }) {
            at.onUrc(boot, (line, data) -> {
                if (at.isOpen() && restartedWith == null && (line.equals(boot) || boot.endsWith(":"))) {
                    restartedWith = line;
                    wake("the module restarted (" + line + ")");
                }
            });
        }
    }

    /** The scheme of a provided port name such as emulator:bg95; null for a device path or COM port. */
    private String providedScheme() {
        String port = config.port().trim();
        int colon = port.indexOf(':');
        return colon > 1 && !port.startsWith("/") ? port.substring(0, colon) : null;
    }

    private SerialLink openPort() throws IOException {
        String port = config.port().trim();
        String scheme = providedScheme();
        if (scheme != null) {
            SerialLinkProvider provider = providers.get(scheme);
            if (provider == null) {
                throw new IOException("No provider for ports named '" + scheme + ":...' is running (for "
                        + "emulator:bg95, start the io.uplink.modem.emulator bundle).");
            }
            return provider.open(port, config.baud());
        }
        return JSerialCommLink.open(port, config.baud(), "rts-cts".equals(config.flow_control()));
    }

    private ModemDialect chooseDialect(ModemIdentity identity) {
        for (ModemDialect d : dialects.keySet()) {
            if (config.dialect().equals("auto") ? d.matches(identity) : d.family().equals(config.dialect())) {
                return d;
            }
        }
        return null;
    }

    private ModemSettings settings() {
        return new ModemSettings(config.apn(), config.apn_user(), config._apn_password(), config._sim_pin(),
                config.pdp_context(), Map.of("registration.timeout.s",
                        String.valueOf(Math.max(10, config.registration_timeout_s()))));
    }

    private Hashtable<String, Object> serviceProperties(Modem modem) {
        Hashtable<String, Object> p = new Hashtable<>();
        p.put(AttachedModemComponent.INSTANCE, modem);
        p.put(Transport.KIND, Transport.KIND_MODEM);
        p.put(Transport.MODEM_PID, pid);
        p.put(ModemDialect.FAMILY, modem.dialectFamily());
        p.put("modem.model", modem.identity().model());
        p.put("modem.port", config.port());
        return p;
    }

    /**
     * Waits until something relevant changed, the channel closed, the component stops, or the time is up; with
     * {@code arrivalsSeen} >= 0 also until a dialect or port provider arrived after that count was read.
     */
    private void awaitChange(SerialAtChannel at, long millis, long arrivalsSeen) {
        long deadline = millis == Long.MAX_VALUE ? Long.MAX_VALUE : System.currentTimeMillis() + millis;
        synchronized (signal) {
            while (running && !changed && (at == null || at.isOpen())
                    && (arrivalsSeen < 0 || arrivals.get() == arrivalsSeen)) {
                long left = deadline == Long.MAX_VALUE ? 1000 : Math.min(1000, deadline - System.currentTimeMillis());
                if (left <= 0) {
                    return;
                }
                try {
                    signal.wait(left); // wakes at least every second to notice a closed channel
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private static void closeQuietly(SerialLink link) {
        try {
            link.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
