package io.uplink.modem.emulator;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

import io.uplink.modem.SerialLink;

/**
 * An in-process serial line between the gateway and the emulated modem, paced to a baud rate in both directions,
 * with the small buffers of a real UART path (the modem side reads at most what it can hold).
 */
public final class VirtualSerialLine {

    private final ByteQueue toModem;
    private final ByteQueue toGateway;
    private final String name;

    public VirtualSerialLine(String name, int baud) {
        this.name = name;
        this.toModem = new ByteQueue(4096, baud);
        this.toGateway = new ByteQueue(4096, baud);
    }

    /** The end the gateway's AT channel uses. */
    public SerialLink gatewayEnd() {
        return new End(name, toGateway, toModem);
    }

    /** The end the emulator uses. */
    public SerialLink modemEnd() {
        return new End(name + " (modem side)", toModem, toGateway);
    }

    public void close() {
        toModem.close();
        toGateway.close();
    }

    private static final class End implements SerialLink {
        private final String name;
        private final ByteQueue in;
        private final ByteQueue out;
        private final InputStream input;
        private final OutputStream output;

        End(String name, ByteQueue in, ByteQueue out) {
            this.name = name;
            this.in = in;
            this.out = out;
            this.input = new InputStream() {
                @Override
                public int read() throws IOException {
                    byte[] one = new byte[1];
                    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    return len == 0 ? 0 : End.this.in.read(b, off, len);
                }
            };
            this.output = new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    write(new byte[] { (byte) b }, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    End.this.out.write(b, off, len);
                }
            };
        }

        @Override
        public InputStream input() {
            return input;
        }

        @Override
        public OutputStream output() {
            return output;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public void close() {
            in.close();
            out.close();
        }
    }
}
