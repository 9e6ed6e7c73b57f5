package io.uplink.modem.serial;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.Optional;

import io.uplink.modem.Modem;
import io.uplink.modem.ModemTls;

import org.junit.jupiter.api.Test;

/** The OSGi face of an attached modem passes every part of the dialect's {@link Modem} through. */
class AttachedModemComponentTest {

    @Test
    void reportsTheDialectsOwnTls() {
        ModemTls tls = (ModemTls) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] { ModemTls.class },
                (proxy, method, args) -> switch (method.getName()) {
                case "toString" -> "the dialect's ModemTls";
                case "hashCode" -> System.identityHashCode(proxy);
                case "equals" -> proxy == args[0];
                default -> throw new UnsupportedOperationException(method.getName());
                });
        Modem dialects = new FakeModem(Optional.of(tls));
        AttachedModemComponent service = new AttachedModemComponent(Map.of(AttachedModemComponent.INSTANCE, dialects));
        assertThat(service.tls()).containsSame(tls);
    }

    @Test
    void reportsNoTlsWhenTheDialectHasNone() {
        AttachedModemComponent service = new AttachedModemComponent(
                Map.of(AttachedModemComponent.INSTANCE, new FakeModem(Optional.empty())));
        assertThat(service.tls()).isEmpty();
    }

    @Test
    void reportsTheDialectsSignalQuality() {
        io.uplink.modem.SignalQuality signal = new io.uplink.modem.SignalQuality(18, -97, -12, 5, "eMTC");
        Modem dialects = (Modem) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] { Modem.class },
                (proxy, method, args) -> switch (method.getName()) {
                case "signalQuality" -> Optional.of(signal);
                default -> throw new UnsupportedOperationException(method.getName());
                });
        AttachedModemComponent service = new AttachedModemComponent(Map.of(AttachedModemComponent.INSTANCE, dialects));
        assertThat(service.signalQuality()).containsSame(signal);
    }

    /**
     * Every method of {@link Modem}, default ones included, is overridden: a default forgotten here answers "nothing"
     * for every dialect (the page showed no operator while the BG95 reported one).
     */
    @Test
    void overridesEveryMethodOfTheModemInterface() throws Exception {
        for (java.lang.reflect.Method m : Modem.class.getMethods()) {
            assertThat(AttachedModemComponent.class.getMethod(m.getName(), m.getParameterTypes()).getDeclaringClass())
                    .as("AttachedModemComponent passes %s through", m.getName())
                    .isEqualTo(AttachedModemComponent.class);
        }
    }

    @Test
    void reportsTheDialectsOperator() {
        Modem dialects = (Modem) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] { Modem.class },
                (proxy, method, args) -> switch (method.getName()) {
                case "networkOperator" -> Optional.of("Uplink Emulated");
                default -> throw new UnsupportedOperationException(method.getName());
                });
        AttachedModemComponent service = new AttachedModemComponent(Map.of(AttachedModemComponent.INSTANCE, dialects));
        assertThat(service.networkOperator()).hasValue("Uplink Emulated");
    }
}
