package io.uplink.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.uplink.cloud.CloudException;
import io.uplink.cloud.mqtt.MqttCloudConnection;

/**
 * {@code uplink pub}: mosquitto_pub through the whole Uplink path. Every message goes through the connector's durable
 * queue in a state folder first, so a killed or disconnected run loses nothing: the same command (or
 * {@code --resume}) delivers what is left.
 */
final class PubCommand {

    static final String USAGE = String.join("\n",
            "Usage: uplink pub -t TOPIC (-m MESSAGE | -f FILE | -s | -n | --resume) [options]",
            "",
            "Publish through the Uplink path (transport or modem, the gateway's TLS engine, the durable queue), as",
            "mosquitto_pub would. Messages are on disk before they are sent; they leave the queue when the broker",
            "acknowledged them (QoS 1). If the run is killed or the broker is away, run the same command again, or",
            "with --resume to send only what is left.",
            "",
            "Message:",
            "  -t, --topic TOPIC      Topic to publish to",
            "  -m, --message TEXT     Message; with --count, {seq} and {count} are replaced",
            "  -f, --file F           Send the file's content as one message",
            "  -s, --stdin-message    Send standard input as one message",
            "  -n, --null-message     Send an empty message",
            "  --count N              Send N messages (default 1); default text 'message {seq} of {count}'",
            "  -q, --qos 0|1          QoS (default 1; QoS 2 is not offered: cloud brokers refuse it)",
            "  -r, --retain           Retain the message",
            "  --resume               Send only what an earlier run left queued",
            "  --timeout S            Give up waiting when nothing was acknowledged for S seconds (default 60);",
            "                         what is left stays queued for the next run",
            "  --state DIR            Folder of the durable queue (default data/cli under the installation)",
            "",
            ClientOptions.CONNECTION_HELP,
            "",
            "Exit codes: 0 all delivered, 1 not all delivered (still queued), connection refused, or the queue file was",
            "found damaged (what was recovered is sent; the damaged file is kept aside), 2 bad arguments.");

    private final Path home;
    private final PrintStream out;
    private final PrintStream err;

    PubCommand(Path home, PrintStream out, PrintStream err) {
        this.home = home;
        this.out = out;
        this.err = err;
    }

    /** This command's own options. */
    private static final class Own implements ClientOptions.Own {
        String topic;
        String message;
        Path file;
        boolean stdin;
        boolean nullMessage;
        int count = 1;
        boolean countGiven;
        int qos = 1;
        boolean retain;
        boolean resume;
        int timeout = 60;
        Path state;

        @Override
        public int take(String a, List<String> args, int i) {
            switch (a) {
            case "-t", "--topic" -> topic = ClientOptions.value(args, i + 1, a);
            case "-m", "--message" -> message = ClientOptions.value(args, i + 1, a);
            case "-f", "--file" -> file = Path.of(ClientOptions.value(args, i + 1, a));
            case "-s", "--stdin-message" -> stdin = true;
            case "-n", "--null-message" -> nullMessage = true;
            case "--count" -> {
                count = ClientOptions.number(ClientOptions.value(args, i + 1, a), a, 1, 10_000_000);
                countGiven = true;
            }
            case "-q", "--qos" -> qos = ClientOptions.number(ClientOptions.value(args, i + 1, a), a, 0, 2);
            case "-r", "--retain" -> retain = true;
            case "--resume" -> resume = true;
            case "--timeout" -> timeout = ClientOptions.number(ClientOptions.value(args, i + 1, a), a, 1, 86400);
            case "--state" -> state = Path.of(ClientOptions.value(args, i + 1, a));
            default -> {
                return 0;
            }
            }
            return switch (a) {
            case "-s", "--stdin-message", "-n", "--null-message", "-r", "--retain", "--resume" -> 1;
            default -> 2;
            };
        }

        void check() {
            int sources = (message != null ? 1 : 0) + (file != null ? 1 : 0) + (stdin ? 1 : 0) + (nullMessage ? 1 : 0)
                    + (resume ? 1 : 0);
            if (sources == 0 && countGiven) {
                message = "message {seq} of {count}";
                sources = 1;
            }
            if (sources != 1) {
                throw new IllegalArgumentException("give exactly one of -m, -f, -s, -n or --resume");
            }
            if (!resume && (topic == null || topic.isEmpty())) {
                throw new IllegalArgumentException("-t TOPIC is required");
            }
            if (qos == 2) {
                throw new IllegalArgumentException("QoS 2 is not offered: AWS IoT and Azure IoT Hub refuse it, and the "
                        + "durable queue already gives at-least-once delivery with QoS 1");
            }
            if (stdin && (count > 1)) {
                throw new IllegalArgumentException("-s reads one message; use -m with --count for sequences");
            }
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
            own.check();
        } catch (IllegalArgumentException e) {
            err.println("uplink pub: " + e.getMessage());
            err.println("Run 'uplink pub --help' for the options.");
            return Main.EXIT_USAGE;
        }
        Cli.logging(o.debug);
        byte[] single;
        try {
            single = own.file != null ? InputFiles.read(own.file, InputFiles.MESSAGE_LIMIT, "the message file")
                    : own.stdin ? InputFiles.read(System.in, InputFiles.MESSAGE_LIMIT, "the message on standard input")
                    : own.nullMessage ? new byte[0] : null;
        } catch (java.nio.file.NoSuchFileException e) {
            err.println("uplink pub: cannot read the message: there is no such file: " + e.getFile());
            return Main.EXIT_USAGE;
        } catch (IOException e) {
            err.println("uplink pub: cannot read the message: " + e.getMessage());
            return Main.EXIT_USAGE;
        }
        String clientId = o.clientId != null ? o.clientId : "uplink-pub-" + Cli.safe(hostName());
        Path state = own.state != null ? own.state : home.resolve("data/cli");
        Path queueFile = state.resolve("pub-" + Cli.safe(o.host) + "-" + o.effectivePort() + "-" + Cli.safe(clientId)
                + ".queue");
        long started = System.nanoTime();
        try (ClientPath path = new ClientPath()) {
            Runtime.getRuntime().addShutdownHook(new Thread(path::close, "uplink-pub-stop"));
            if (!o.modem.isEmpty()) {
                err.println("Attaching the modem on " + o.modem + " ...");
            }
            path.openTransport(o);
            if (own.state == null) {
                PrivateFiles.restrict(home.resolve("data"), state); // queued messages are this user's alone
            }
            MqttCloudConnection c = path.connect(o, "pub", clientId, true, queueFile, home);
            if (!c.queueDamage().isEmpty()) {
                err.println("uplink pub: " + c.queueDamage());
            }
            int earlier = c.queuedMessages();
            if (earlier > 0) {
                err.println(earlier + " message(s) from an earlier run are queued in " + queueFile
                        + "; they go first.");
            }
            int wanted = own.resume ? 0 : own.count;
            List<CompletableFuture<?>> receipts = new ArrayList<>(Math.min(wanted, 100_000));
            int accepted = 0;
            String refusal = "";
            for (int seq = 1; seq <= wanted; seq++) {
                byte[] payload = single != null ? single
                        : own.message.replace("{seq}", String.valueOf(seq)).replace("{count}", String.valueOf(wanted))
                                .getBytes(StandardCharsets.UTF_8);
                try {
                    receipts.add(c.publish(own.topic, payload, own.qos, own.retain).toCompletableFuture());
                    accepted++;
                } catch (CloudException e) {
                    refusal = e.getMessage() + " " + e.fix();
                    break;
                }
            }
            boolean done = await(c, receipts, own.timeout, accepted, started, o.json);
            double seconds = (System.nanoTime() - started) / 1e9;
            int left = c.queuedMessages();
            long acknowledged = receipts.stream().filter(f -> f.isDone() && !f.isCompletedExceptionally()).count();
            String where = o.host + ":" + o.effectivePort();
            if (o.json) {
                Map<String, Object> j = new LinkedHashMap<>();
                j.put("endpoint", where);
                j.put("client_id", clientId);
                j.put("path", c.path());
                j.put("accepted", accepted);
                j.put("acknowledged", acknowledged);
                j.put("from_earlier_run", earlier);
                j.put("still_queued", left);
                j.put("seconds", Math.round(seconds * 1000) / 1000.0);
                j.put("queue", queueFile.toString());
                j.put("problem", !refusal.isEmpty() ? refusal : done ? "" : c.lastProblem());
                j.put("queue_damage", c.queueDamage());
                out.println(Json.write(j));
            } else if (done && refusal.isEmpty() && accepted == 0 && earlier == 0) {
                out.println("Nothing was queued in " + queueFile + "; nothing to send.");
            } else if (done && refusal.isEmpty()) {
                String what = accepted == 0 ? earlier + " message(s) from an earlier run"
                        : accepted + " message(s)" + (earlier > 0 ? " (and " + earlier + " from an earlier run)" : "");
                out.println(what + " " + (own.qos == 1 ? "acknowledged by " : "sent to ") + where + " over "
                        + c.path() + " in " + String.format(java.util.Locale.ROOT, "%.1f", seconds) + " s.");
            }
            if (!refusal.isEmpty()) {
                err.println("uplink pub: stopped after " + accepted + " message(s): " + refusal);
                return Main.EXIT_FAILURE;
            }
            if (!done) {
                String problem = c.lastProblem();
                err.println("uplink pub: " + left + " message(s) not delivered" + (c.refusedByBroker() ? ": "
                        : " within " + own.timeout + " s of no progress" + (problem.isEmpty() ? "." : ": "))
                        + problem);
                err.println("They stay queued in " + queueFile + "; run the same command with --resume to send them.");
                return Main.EXIT_FAILURE;
            }
            return c.queueDamage().isEmpty() ? Main.EXIT_OK : Main.EXIT_FAILURE;
        } catch (ClientPath.PathException e) {
            err.println("uplink pub: " + e.getMessage());
            return e.badInput() ? Main.EXIT_USAGE : Main.EXIT_FAILURE;
        } catch (IOException e) {
            err.println("uplink pub: " + e.getMessage());
            return Main.EXIT_FAILURE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Main.EXIT_FAILURE;
        }
    }

    /**
     * Waits until every message of this run and of earlier runs is delivered, or nothing was acknowledged for
     * {@code timeout} seconds. Progress goes to standard error once a second on a terminal, every 5 s otherwise.
     */
    private boolean await(MqttCloudConnection c, List<CompletableFuture<?>> receipts, int timeout, int accepted,
            long started, boolean json) throws InterruptedException {
        boolean terminal = System.console() != null;
        CompletableFuture<Void> all = CompletableFuture.allOf(receipts.toArray(CompletableFuture[]::new));
        long lastProgress = System.nanoTime();
        int lastLeft = Integer.MAX_VALUE;
        long lastReport = System.nanoTime();
        while (true) {
            int left = c.queuedMessages();
            boolean mine = receipts.stream().allMatch(CompletableFuture::isDone);
            if (left == 0 && mine) {
                if (terminal && !json && secondsSince(started) >= 2) {
                    err.println();
                }
                return true;
            }
            if (left < lastLeft) {
                lastLeft = left;
                lastProgress = System.nanoTime();
            }
            if (secondsSince(lastProgress) >= timeout || c.refusedByBroker()) {
                if (terminal && !json) {
                    err.println();
                }
                return false;
            }
            long every = terminal ? 1 : 5;
            if (!json && secondsSince(started) >= 2 && secondsSince(lastReport) >= every) {
                lastReport = System.nanoTime();
                String line = "accepted " + accepted + ", still queued " + left + ", " + c.state().name().toLowerCase()
                        .replace('_', ' ') + (c.lastProblem().isEmpty() ? "" : " (" + c.lastProblem() + ")");
                if (terminal) {
                    err.print("\r" + line + "    ");
                } else {
                    err.println(line);
                }
            }
            try {
                // Returns as soon as the last receipt completes: a one-message run ends on its PUBACK, not up to a
                // poll later.
                all.get(50, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                Thread.sleep(left > 0 && mine ? 50 : 0); // a refused message or earlier runs' messages: poll
            }
        }
    }

    private static long secondsSince(long nanos) {
        return TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - nanos);
    }

    /**
     * This machine's name for the default client id, without a name lookup: InetAddress.getLocalHost() resolves the
     * name, which on a gateway with no DNS entry for itself costs a DNS query over the radio or the resolver's
     * timeout before anything is sent.
     */
    static String hostName() {
        try {
            String name = Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
            if (!name.isEmpty()) {
                return name;
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: the environment, then a fixed name
        }
        String env = System.getenv("HOSTNAME");
        return env != null && !env.isBlank() ? env.trim() : "host";
    }
}
