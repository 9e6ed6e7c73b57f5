package io.uplink.modem.serial;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import io.uplink.modem.Modem;
import io.uplink.modem.ModemIdentity;
import io.uplink.modem.ModemTls;
import io.uplink.modem.ModemTlsCapabilities;
import io.uplink.modem.RegistrationState;
import io.uplink.transport.Connection;
import io.uplink.transport.Transport;
import io.uplink.transport.TransportException;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;

/**
 * The services of an attached modem: instances are made by {@link ModemComponent} through DS's component factory
 * while the modem is attached, and disposed when it detaches, so consumers see {@link Modem} and its
 * {@link Transport} come and go with the modem.
 */
@Component(factory = AttachedModemComponent.FACTORY, service = { Modem.class, Transport.class },
        configurationPolicy = ConfigurationPolicy.IGNORE)
public final class AttachedModemComponent implements Modem, Transport {

    static final String FACTORY = "io.uplink.modem.attached";
    /** Private component property carrying the attached modem. */
    static final String INSTANCE = ".uplink.modem.instance";

    private final Modem modem;

    @Activate
    public AttachedModemComponent(Map<String, Object> properties) {
        this.modem = (Modem) properties.get(INSTANCE);
    }

    @Override
    public ModemIdentity identity() {
        return modem.identity();
    }

    @Override
    public String dialectFamily() {
        return modem.dialectFamily();
    }

    @Override
    public RegistrationState registration() {
        return modem.registration();
    }

    @Override
    public Transport transport() {
        return this;
    }

    @Override
    public ModemTlsCapabilities tlsCapabilities() {
        return modem.tlsCapabilities();
    }

    /** The dialect's own TLS: without this the service would answer the interface's default, no TLS at all. */
    @Override
    public Optional<ModemTls> tls() {
        return modem.tls();
    }

    @Override
    public Optional<io.uplink.modem.SignalQuality> signalQuality() {
        return modem.signalQuality();
    }

    @Override
    public Optional<String> networkOperator() {
        return modem.networkOperator();
    }

    @Override
    public void detach() {
        modem.detach();
    }

    @Override
    public Connection connect(String host, int port, Duration connectTimeout) throws TransportException {
        return modem.transport().connect(host, port, connectTimeout);
    }

    @Override
    public String describe() {
        return modem.transport().describe();
    }

    @Override
    public int maxConnections() {
        return modem.transport().maxConnections();
    }
}
