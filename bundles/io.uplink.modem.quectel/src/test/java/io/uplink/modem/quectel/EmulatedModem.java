package io.uplink.modem.quectel;

import io.uplink.modem.Modem;
import io.uplink.modem.ModemException;
import io.uplink.modem.ModemIdentity;
import io.uplink.modem.ModemSettings;
import io.uplink.modem.emulator.Bg95Emulator;
import io.uplink.modem.emulator.Faults;
import io.uplink.modem.emulator.LinkModel;
import io.uplink.modem.emulator.VirtualSerialLine;
import io.uplink.modem.serial.ModemIdentification;
import io.uplink.modem.serial.SerialAtChannel;

/** An emulated BG95 on an in-process line, identified and attached by the real dialect. */
final class EmulatedModem implements AutoCloseable {

    final VirtualSerialLine line;
    final Bg95Emulator emulator;
    final SerialAtChannel at;
    ModemIdentity identity;
    Modem modem;

    EmulatedModem(LinkModel link, Faults faults, String simPin) {
        line = new VirtualSerialLine("emulated-bg95", link.baud());
        emulator = new Bg95Emulator(line.modemEnd(), link, faults, simPin);
        at = new SerialAtChannel(line.gatewayEnd());
    }

    Modem attach(ModemSettings settings) throws ModemException {
        identity = ModemIdentification.identify(at);
        QuectelBg9xDialect dialect = new QuectelBg9xDialect();
        if (!dialect.matches(identity)) {
            throw new AssertionError("the dialect does not match " + identity);
        }
        modem = dialect.attach(at, identity, settings);
        return modem;
    }

    static ModemSettings settings(String pin) {
        return new ModemSettings("iot.emulated", "", "", pin, 1, java.util.Map.of("registration.timeout.s", "5"));
    }

    @Override
    public void close() {
        if (modem != null) {
            modem.detach();
        }
        at.close();
        emulator.close();
        line.close();
    }
}
