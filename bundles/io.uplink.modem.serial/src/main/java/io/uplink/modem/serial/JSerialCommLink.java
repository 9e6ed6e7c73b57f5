package io.uplink.modem.serial;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

import com.fazecast.jSerialComm.SerialPort;
import com.fazecast.jSerialComm.SerialPortInvalidPortException;

import io.uplink.modem.SerialLink;

/** A serial port (or pseudo-terminal) opened by path with jSerialComm: 8N1, optional RTS/CTS. */
public final class JSerialCommLink implements SerialLink {

    private final SerialPort port;
    private final String name;

    private JSerialCommLink(SerialPort port, String name) {
        this.port = port;
        this.name = name;
    }

    public static JSerialCommLink open(String path, int baud, boolean rtsCts) throws IOException {
        SerialPort port;
        try {
            port = SerialPort.getCommPort(path);
        } catch (SerialPortInvalidPortException e) {
            throw new IOException("'" + path + "' is not a serial port name: " + e.getMessage());
        }
        port.setComPortParameters(baud, 8, SerialPort.ONE_STOP_BIT, SerialPort.NO_PARITY);
        port.setFlowControl(rtsCts ? SerialPort.FLOW_CONTROL_RTS_ENABLED | SerialPort.FLOW_CONTROL_CTS_ENABLED
                : SerialPort.FLOW_CONTROL_DISABLED);
        // Reads wake up at least every 500 ms, so closing the port is noticed; timeouts read as 0 bytes.
        port.setComPortTimeouts(SerialPort.TIMEOUT_READ_SEMI_BLOCKING, 500, 0);
        // (A pseudo-terminal may report error 25, ENOTTY, after a successful open: only a failed open counts.)
        if (!port.openPort()) {
            throw new IOException("Cannot open " + path + " (error " + port.getLastErrorCode() + " at "
                    + port.getLastErrorLocation() + "). Check that the device exists, that this user may use it "
                    + "(group 'dialout'), and that no other program holds it (on Kura 5.3+ ModemManager owns modem "
                    + "ports: use a port it ignores).");
        }
        return new JSerialCommLink(port, path);
    }

    @Override
    public InputStream input() {
        return port.getInputStreamWithSuppressedTimeoutExceptions();
    }

    @Override
    public OutputStream output() {
        return port.getOutputStream();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void close() {
        port.closePort();
    }
}
