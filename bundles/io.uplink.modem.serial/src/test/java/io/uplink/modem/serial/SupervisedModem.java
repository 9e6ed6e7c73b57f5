package io.uplink.modem.serial;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Dictionary;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import io.uplink.modem.Modem;
import io.uplink.modem.ModemDialect;

import org.osgi.framework.Constants;
import org.osgi.service.component.ComponentFactory;
import org.osgi.service.component.ComponentInstance;

/**
 * The modem supervisor ({@link ModemComponent}) on a port, without a framework: its DS collaborators are plain
 * objects, and a test can wait for what it publishes and withdraws.
 */
public final class SupervisedModem implements AutoCloseable {

    /** DS's component factory: counts what the supervisor publishes and withdraws. */
    public static final class Factory implements ComponentFactory<AttachedModemComponent> {
        public final Semaphore published = new Semaphore(0);
        public final Semaphore disposed = new Semaphore(0);
        /** The dialects' modems, in the order they were published. */
        public final List<Modem> modems = new CopyOnWriteArrayList<>();

        @Override
        public ComponentInstance<AttachedModemComponent> newInstance(Dictionary<String, ?> properties) {
            Modem m = (Modem) properties.get(AttachedModemComponent.INSTANCE);
            AttachedModemComponent service = new AttachedModemComponent(Map.of(AttachedModemComponent.INSTANCE, m));
            modems.add(m);
            published.release();
            return new ComponentInstance<>() {
                @Override
                public void dispose() {
                    disposed.release();
                }

                @Override
                public AttachedModemComponent getInstance() {
                    return service;
                }
            };
        }
    }

    public final Factory factory = new Factory();
    private final ModemComponent component;

    /** Starts supervising {@code port} (a device path) with one dialect. */
    public SupervisedModem(String port, ModemDialect dialect) {
        component = new ModemComponent(config(port), Map.of(Constants.SERVICE_PID, "io.uplink.modem.test"), factory);
        component.addDialect(dialect);
    }

    /** The next modem the supervisor publishes, as the OSGi service would show it; fails after {@code wait}. */
    public Modem awaitAttached(Duration wait) throws InterruptedException {
        int before = factory.modems.size();
        if (!factory.published.tryAcquire(wait.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("the supervisor published no modem within " + wait);
        }
        return new AttachedModemComponent(Map.of(AttachedModemComponent.INSTANCE, factory.modems.get(before)));
    }

    @Override
    public void close() {
        component.deactivate();
    }

    /** The configuration DS would hand over: the metatype defaults, with the given port. */
    static ModemConfig config(String port) {
        return (ModemConfig) Proxy.newProxyInstance(ModemConfig.class.getClassLoader(),
                new Class<?>[] { ModemConfig.class }, (proxy, method, args) -> switch (method.getName()) {
                case "port" -> port;
                case "annotationType" -> ModemConfig.class;
                case "toString" -> "ModemConfig[" + port + "]";
                case "hashCode" -> port.hashCode();
                case "equals" -> proxy == args[0];
                default -> method.getDefaultValue();
                });
    }
}
