package io.uplink.modem.emulator;

import java.io.IOException;

/**
 * What a command handler of the emulated module may say on the serial line and read from it in a data phase. The
 * emulator implements it once (echo, numeric results, injected faults); the command families ({@link Bg95FileSystem},
 * {@link Bg95ModuleTls}) only use it. Every method is called on the emulator thread.
 */
interface AtConsole {

    /** Final result OK. */
    void ok() throws IOException;

    /** Final result ERROR (plain, as Quectel answers a malformed command). */
    void error() throws IOException;

    /** Final result {@code +CME ERROR: <code>}. */
    void cmeError(int code) throws IOException;

    /** Information lines, then OK. */
    void respond(String... lines) throws IOException;

    /** One line ({@code \r\n<text>\r\n}) that is neither a final result nor a URC, e.g. SEND OK. */
    void line(String text) throws IOException;

    /** The intermediate result CONNECT that opens a data phase ({@code 1\r} in numeric mode). */
    void connect() throws IOException;

    /** Bytes as they are, e.g. a prompt or file data. */
    void raw(byte[] bytes) throws IOException;

    /** An unsolicited result code; never throws (a lost URC is logged). */
    void urc(String line);

    /** A URC followed by raw payload bytes (direct push access mode); never throws. */
    void urcWithData(String line, byte[] data);

    /** The serial input for data phases (bytes only; posted tasks wait until the command is done). */
    SerialInput input();
}
