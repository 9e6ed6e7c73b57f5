package io.uplink.modem.emulator;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import io.uplink.modem.SerialLink;

/**
 * The emulated modules by port name ({@code emulator:<name>}): each entry starts its personality on the core. A new
 * personality adds one line here.
 */
public final class Personalities {

    /** Starts a module behind the modem end of a serial line. */
    @FunctionalInterface
    public interface Factory {
        EmulatedModule start(SerialLink modemEnd, ModuleSettings settings);
    }

    private static final Map<String, Factory> FACTORIES = new LinkedHashMap<>();

    static {
        FACTORIES.put(Bg95Emulator.NAME, (port, s) -> new Bg95Emulator(port, s.link(), s.faults(), s.simPin(),
                s.bg95()).core());
        FACTORIES.put(Nrf9160Emulator.NAME, (port, s) -> new Nrf9160Emulator(port, s.link(), s.faults(), s.simPin())
                .core());
        FACTORIES.put(Hl7800Personality.NAME, (port, s) -> new EmulatedModule(port, s.link(), s.faults(), s.simPin(),
                new Hl7800Personality()));
        FACTORIES.put(Bc660kEmulator.NAME, (port, s) -> new Bc660kEmulator(port, s.link(), s.faults(), s.simPin())
                .core());
    }

    private Personalities() {
    }

    /** The model names, in registration order: {@code bg95}, ... */
    public static Set<String> names() {
        return java.util.Collections.unmodifiableSet(FACTORIES.keySet());
    }

    /**
     * Starts the module a port name asks for: {@code emulator:<model>} (any case) or the bare model name.
     *
     * @throws IOException naming the known models when there is no such module
     */
    public static EmulatedModule start(String port, SerialLink modemEnd, ModuleSettings settings) throws IOException {
        return factory(port).start(modemEnd, settings);
    }

    /** The factory for a port name; the error lists the known names. */
    static Factory factory(String port) throws IOException {
        String model = port.toLowerCase(Locale.ROOT);
        if (model.startsWith("emulator:")) {
            model = model.substring("emulator:".length());
        }
        Factory f = FACTORIES.get(model.trim());
        if (f == null) {
            throw new IOException("Unknown emulated modem '" + port + "': the emulator offers "
                    + String.join(", ", FACTORIES.keySet().stream().map(n -> "'emulator:" + n + "'")
                            .toArray(String[]::new)) + ". Fix the modem port name.");
        }
        return f;
    }
}
