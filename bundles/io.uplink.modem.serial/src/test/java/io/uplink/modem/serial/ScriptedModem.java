package io.uplink.modem.serial;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.uplink.modem.SerialLink;

/**
 * A modem played by a test on the far end of a real port: reads command lines (ended by CR) on its own thread and lets
 * a {@link Script} answer each. Answers by default like a well-behaved module (OK to AT, ATE0, a Quectel identity).
 */
public final class ScriptedModem implements AutoCloseable {

    /** Answers one command line by writing to {@code out}; may keep writing (a flood) until {@code stopped}. */
    public interface Script {
        void answer(String command, ScriptedModem modem) throws IOException;
    }

    private final SerialLink link;
    private final Thread thread;
    private volatile Script script;
    private volatile boolean echo;
    public final List<String> commands = new CopyOnWriteArrayList<>();
    public volatile boolean stopped;
    /** Ends a flood a script is writing. */
    public volatile boolean floodOver;

    public ScriptedModem(SerialLink link, Script script) {
        this.link = link;
        this.script = script;
        this.thread = new Thread(this::run, "scripted-modem");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** The answers of a module that behaves. */
    public static void wellBehaved(String command, ScriptedModem modem) throws IOException {
        switch (command.toUpperCase()) {
        case "ATI" -> modem.say("\r\nQuectel\r\nBG95-M3\r\nRevision: BG95M3LAR02A03\r\n\r\nOK\r\n");
        case "AT+CGSN" -> modem.say("\r\n860000000000001\r\n\r\nOK\r\n");
        default -> modem.say("\r\nOK\r\n");
        }
    }

    public void script(Script next) {
        script = next;
    }

    /** Echo on, as a module after power-on (until ATE0). */
    public void echo(boolean on) {
        echo = on;
    }

    public void say(String text) throws IOException {
        write(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    public void write(byte[] bytes) throws IOException {
        OutputStream out = link.output();
        synchronized (this) {
            out.write(bytes);
            out.flush();
        }
    }

    private void run() {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        try {
            InputStream in = link.input();
            byte[] buf = new byte[256];
            while (!stopped) {
                int n = in.read(buf);
                if (n < 0) {
                    return;
                }
                for (int i = 0; i < n; i++) {
                    if (buf[i] == '\r') {
                        String command = line.toString(StandardCharsets.ISO_8859_1).strip();
                        line.reset();
                        if (!command.isEmpty()) {
                            commands.add(command);
                            if (echo) {
                                say(command + "\r");
                            }
                            if (command.equalsIgnoreCase("ATE0")) {
                                echo = false;
                            }
                            script.answer(command, this);
                        }
                    } else if (buf[i] != '\n' && line.size() < 4096) {
                        line.write(buf[i]);
                    }
                }
            }
        } catch (IOException e) {
            // the port closed: the test is over
        }
    }

    @Override
    public void close() throws IOException {
        stopped = true;
        link.close();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
