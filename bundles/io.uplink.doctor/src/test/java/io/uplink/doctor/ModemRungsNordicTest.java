package io.uplink.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;

import io.uplink.diagnostics.Finding;
import io.uplink.diagnostics.Finding.Status;
import io.uplink.diagnostics.Layer;
import io.uplink.modem.emulator.Faults;
import io.uplink.modem.emulator.LinkModel;
import io.uplink.modem.emulator.Nrf9160Emulator;
import io.uplink.modem.serial.ModemIdentification;
import io.uplink.modem.serial.PtyPair;
import io.uplink.modem.serial.SerialAtChannel;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The doctor's modem rungs on an nRF9160 running the Serial LTE Modem (emulator:nrf9160 on a socat pty), as it
 * starts: CR+LF line ends, ATI refused (CGMI/CGMM name it), the radio off (CFUN=0), so neither an unreadable SIM nor
 * the missing registration is a fault yet.
 */
class ModemRungsNordicTest {

    @TempDir
    Path dir;

    @Test
    void aSerialLteModemAtPowerOnIsNamedAndItsRadioOffIsNoSimFault() throws Exception {
        try (PtyPair pty = new PtyPair(dir);
                Nrf9160Emulator emulator = new Nrf9160Emulator(pty.modemLink(), LinkModel.INSTANT, Faults.NONE, "")) {
            SerialAtChannel at = new SerialAtChannel(pty.gatewayLink());
            try {
                ModemIdentification.chooseLineEnd(at);
                assertThat(at.lineEnd()).isEqualTo("\r\n");
                List<Finding> findings = ModemRungs.walk(at, "/dev/ttyACM0");
                assertThat(findings.get(0).layer()).isEqualTo(Layer.SERIAL);
                assertThat(findings.get(1).status()).isEqualTo(Status.PASS);
                assertThat(findings.get(1).summary()).contains("Nordic Semiconductor ASA").contains("nRF9160");
                // Whether the SIM answers with the radio off or not (the two readings differ, see the report), the
                // last rung says the radio is off, and nothing is a fault.
                Finding last = findings.get(findings.size() - 1);
                assertThat(last.layer()).isIn(Layer.SIM, Layer.REGISTRATION);
                assertThat(last.status()).isEqualTo(Status.SKIPPED);
                assertThat(last.summary()).contains("radio is off").contains("+CFUN: 0");
                assertThat(findings).noneMatch(f -> f.status() == Status.FAIL);
            } finally {
                at.close();
            }
        }
    }
}
