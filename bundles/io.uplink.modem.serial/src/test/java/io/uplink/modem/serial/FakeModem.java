package io.uplink.modem.serial;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import io.uplink.modem.Modem;
import io.uplink.modem.ModemIdentity;
import io.uplink.modem.ModemTls;
import io.uplink.modem.ModemTlsCapabilities;
import io.uplink.modem.RegistrationState;
import io.uplink.transport.Connection;
import io.uplink.transport.Transport;
import io.uplink.transport.TransportException;

/** A dialect's attached modem reduced to what the serial bundle's own components look at; counts detaches. */
final class FakeModem implements Modem, Transport {

    private final Optional<ModemTls> tls;
    final AtomicInteger detached = new AtomicInteger();

    FakeModem(Optional<ModemTls> tls) {
        this.tls = tls;
    }

    @Override
    public ModemIdentity identity() {
        return new ModemIdentity("Fake", "F1", "R1", "");
    }

    @Override
    public String dialectFamily() {
        return "fake";
    }

    @Override
    public RegistrationState registration() {
        return RegistrationState.HOME;
    }

    @Override
    public Transport transport() {
        return this;
    }

    @Override
    public ModemTlsCapabilities tlsCapabilities() {
        return ModemTlsCapabilities.NONE;
    }

    @Override
    public Optional<ModemTls> tls() {
        return tls;
    }

    @Override
    public void detach() {
        detached.incrementAndGet();
    }

    @Override
    public Connection connect(String host, int port, Duration connectTimeout) throws TransportException {
        throw new UnsupportedOperationException("the fake modem has no sockets");
    }

    @Override
    public String describe() {
        return "fake modem";
    }

    @Override
    public int maxConnections() {
        return 0;
    }
}
