package io.uplink.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.uplink.cloud.CloudException;
import io.uplink.cloud.mqtt.MqttCloudConnection;

/** {@code uplink sub}: mosquitto_sub through the whole Uplink path. */
final class SubCommand {

    static final String USAGE = String.join("\n",
            "Usage: uplink sub -t FILTER [-t FILTER]... [options]",
            "",
            "Subscribe through the Uplink path (transport or modem, the gateway's TLS engine) and print what arrives,",
            "one message per line, as mosquitto_sub would. Reconnects on its own and subscribes again.",
            "",
            "Subscription:",
            "  -t, --topic FILTER     Topic filter (+ and # wildcards); repeat for several",
            "  -q, --qos 0|1          Requested QoS (default 0)",
            "  -C, --count N          Exit after N messages",
            "  -W, --timeout S        Exit after S seconds (with exit code 1 if -C was not reached)",
            "  -v, --verbose          Print the topic before each payload",
            "  -c, --disable-clean-session  Keep the session (and QoS 1 messages) on the broker between runs",
            "  --state DIR            Folder for the connection's state (default data/cli under the installation)",
            "",
            ClientOptions.CONNECTION_HELP,
            "",
            "With --json each message is one line: {\"topic\", \"qos\", \"retained\", \"payload\"} (or",
            "\"payload_base64\" when the payload is not UTF-8 text).",
            "Exit codes: 0 done (count reached or interrupted), 1 timeout before the count or connection problem,",
            "2 bad arguments.");

    private final Path home;
    private final PrintStream out;
    private final PrintStream err;

    SubCommand(Path home, PrintStream out, PrintStream err) {
        this.home = home;
        this.out = out;
        this.err = err;
    }

    private static final class Own implements ClientOptions.Own {
        final List<String> filters = new ArrayList<>();
        int qos;
        int count;
        int timeout;
        boolean verbose;
        boolean keepSession;
        Path state;

        @Override
        public int take(String a, List<String> args, int i) {
            switch (a) {
            case "-t", "--topic" -> filters.add(ClientOptions.value(args, i + 1, a));
            case "-q", "--qos" -> qos = ClientOptions.number(ClientOptions.value(args, i + 1, a), a, 0, 1);
            case "-C", "--count" -> count = ClientOptions.number(ClientOptions.value(args, i + 1, a), a, 1,
                    Integer.MAX_VALUE);
            case "-W", "--timeout" -> timeout = ClientOptions.number(ClientOptions.value(args, i + 1, a), a, 1,
                    31_536_000);
            case "-v", "--verbose" -> verbose = true;
            case "-c", "--disable-clean-session" -> keepSession = true;
            case "--state" -> state = Path.of(ClientOptions.value(args, i + 1, a));
            default -> {
                return 0;
            }
            }
            return switch (a) {
            case "-v", "--verbose", "-c", "--disable-clean-session" -> 1;
            default -> 2;
            };
        }
    }

    int execute(List<String> args) {
        Own own = new Own();
        ClientOptions o;
        try {
            o = ClientOptions.parse(args, own);
            if (o.help) {
                out.println(USAGE);
                return Main.EXIT_OK;
            }
            if (own.filters.isEmpty()) {
                throw new IllegalArgumentException("-t FILTER is required");
            }
            if (own.keepSession && o.clientId == null) {
                throw new IllegalArgumentException("-c keeps a session on the broker under the client id: give one "
                        + "with -i");
            }
        } catch (IllegalArgumentException e) {
            err.println("uplink sub: " + e.getMessage());
            err.println("Run 'uplink sub --help' for the options.");
            return Main.EXIT_USAGE;
        }
        Cli.logging(o.debug);
        String clientId = o.clientId != null ? o.clientId : "uplink-sub-" + ProcessHandle.current().pid();
        Path state = own.state != null ? own.state : home.resolve("data/cli");
        Path queueFile = state.resolve("sub-" + Cli.safe(clientId) + ".queue");
        CountDownLatch finished = new CountDownLatch(own.count > 0 ? own.count : Integer.MAX_VALUE);
        AtomicInteger received = new AtomicInteger();
        try (ClientPath path = new ClientPath()) {
            Runtime.getRuntime().addShutdownHook(new Thread(path::close, "uplink-sub-stop"));
            if (!o.modem.isEmpty()) {
                err.println("Attaching the modem on " + o.modem + " ...");
            }
            path.openTransport(o);
            if (own.state == null) {
                PrivateFiles.restrict(home.resolve("data"), state);
            } else {
                Files.createDirectories(state);
            }
            MqttCloudConnection c = path.connect(o, "sub", clientId, !own.keepSession, queueFile, home);
            for (String filter : own.filters) {
                c.subscribe(filter, own.qos, (topic, payload, qos, retained) -> {
                    if (own.count > 0 && received.get() >= own.count) {
                        return;
                    }
                    synchronized (out) {
                        out.println(format(topic, payload, qos, retained, own.verbose, o.json));
                        out.flush();
                    }
                    received.incrementAndGet();
                    finished.countDown();
                });
            }
            long deadline = own.timeout > 0 ? System.nanoTime() + TimeUnit.SECONDS.toNanos(own.timeout) : Long.MAX_VALUE;
            boolean reached = false;
            while (!reached && System.nanoTime() - deadline < 0) {
                reached = finished.await(200, TimeUnit.MILLISECONDS);
                if (!reached && c.refusedByBroker()) {
                    err.println("uplink sub: " + c.lastProblem());
                    return Main.EXIT_FAILURE;
                }
            }
            path.close();
            Files.deleteIfExists(queueFile);
            Files.deleteIfExists(queueFile.resolveSibling(queueFile.getFileName() + ".mark"));
            if (!reached) {
                if (own.count > 0) {
                    err.println("uplink sub: timed out after " + own.timeout + " s with " + received.get() + " of "
                            + own.count + " message(s)" + (c.lastProblem().isEmpty() ? "." : "; last problem: "
                                    + c.lastProblem()));
                    return Main.EXIT_FAILURE;
                }
                return c.lastProblem().isEmpty() || received.get() > 0 ? Main.EXIT_OK : Main.EXIT_FAILURE;
            }
            return Main.EXIT_OK;
        } catch (CloudException e) {
            err.println("uplink sub: " + e.getMessage() + " " + e.fix());
            return Main.EXIT_USAGE;
        } catch (ClientPath.PathException e) {
            err.println("uplink sub: " + e.getMessage());
            return e.badInput() ? Main.EXIT_USAGE : Main.EXIT_FAILURE;
        } catch (IOException e) {
            err.println("uplink sub: " + e.getMessage());
            return Main.EXIT_FAILURE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Main.EXIT_OK;
        }
    }

    static String format(String topic, byte[] payload, int qos, boolean retained, boolean verbose, boolean json) {
        String text = utf8(payload);
        if (json) {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("topic", topic);
            j.put("qos", qos);
            j.put("retained", retained);
            if (text != null) {
                j.put("payload", text);
            } else {
                j.put("payload_base64", Base64.getEncoder().encodeToString(payload));
            }
            return Json.write(j);
        }
        String shown = text != null ? text : "(" + payload.length + " bytes, not UTF-8: "
                + Base64.getEncoder().encodeToString(payload) + ")";
        return verbose ? topic + " " + shown : shown;
    }

    private static String utf8(byte[] payload) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(payload)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
