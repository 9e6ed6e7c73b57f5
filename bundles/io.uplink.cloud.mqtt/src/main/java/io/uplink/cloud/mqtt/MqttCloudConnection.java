package io.uplink.cloud.mqtt;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

import io.uplink.cloud.CloudConnection;
import io.uplink.cloud.CloudException;
import io.uplink.cloud.ConnectionState;
import io.uplink.cloud.DeliveryReceipt;
import io.uplink.cloud.EndpointProfile;
import io.uplink.cloud.MessageHandler;
import io.uplink.cloud.Subscription;
import io.uplink.tls.TlsClientProfile;
import io.uplink.tls.TlsEngine;
import io.uplink.tls.TlsSession;
import io.uplink.transport.Connection;
import io.uplink.transport.ConnectionSocketFactory;
import io.uplink.transport.Transport;

import org.eclipse.paho.client.mqttv3.MqttTopic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link CloudConnection} on Paho (MQTT 3.1.1 or 5, see {@link MqttSession}) over an Uplink {@link Transport} (and the {@link TlsEngine} in
 * host TLS mode). Messages go through the {@link StoreAndForwardQueue}: accepted means on disk; a bounded window is in
 * flight; QoS 1 messages leave the queue on PUBACK. One worker thread connects, reconnects (exponential backoff with
 * full jitter, capped, reset after a stable connection, the first connect included) and drains. The transport and the
 * TLS engine are looked up for every connection attempt, so they can be replaced at run time.
 */
public final class MqttCloudConnection implements CloudConnection, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MqttCloudConnection.class);
    private static final long BACKOFF_BASE_MILLIS = 1_000;
    private static final long BACKOFF_CAP_MILLIS = 120_000;
    private static final Duration STABLE = Duration.ofSeconds(60);
    /** How long one step of a connection attempt may last before {@link #lastProblem()} names it. */
    static final Duration STUCK = Duration.ofSeconds(2);
    /** The host Paho is given (see {@link #connect}); never connected to. */
    static final String PAHO_ADDRESS = "127.0.0.1";

    private final EndpointSettings settings;
    private final Supplier<Transport> transport;
    private final Supplier<TlsEngine> tls;
    private final Supplier<TlsClientProfile.Builder> tlsProfile;
    private final Supplier<char[]> password;
    private final StoreAndForwardQueue queue;
    private final Map<Long, CompletableFuture<DeliveryReceipt>> futures = new ConcurrentHashMap<>();
    private final Set<Long> inFlight = ConcurrentHashMap.newKeySet();
    private final Map<String, Sub> subscriptions = new ConcurrentHashMap<>();
    private final Object signal = new Object();
    /**
     * Held while messages are handed to the session: by the worker (which also holds it while it makes a new session),
     * and by a publisher or Paho's callback thread that finds it free (see {@link #drainSoon}).
     */
    private final java.util.concurrent.locks.ReentrantLock drainLock = new java.util.concurrent.locks.ReentrantLock();
    /** A drain was asked for while another thread held {@code drainLock}: the holder drains once more. */
    private final java.util.concurrent.atomic.AtomicBoolean drainAsked =
            new java.util.concurrent.atomic.AtomicBoolean();
    /**
     * The newest id handed to the current session; guarded by {@code drainLock}. Everything queued below it is in
     * flight or delivered, unless a publish failed ({@code rescan}): the next drain then looks from the start.
     */
    private long sentUpTo;
    private final java.util.concurrent.atomic.AtomicBoolean rescan = new java.util.concurrent.atomic.AtomicBoolean();
    /** A wake-up not yet consumed by {@link #pause}; guarded by {@code signal}. */
    private boolean woken;
    private final Thread worker;
    private volatile boolean running = true;
    private volatile ConnectionState state = ConnectionState.DISCONNECTED;
    private volatile MqttSession session;
    private volatile String lastProblem = "";
    /** Where the current connection attempt stands (set by the worker and Paho's connect thread); empty when none. */
    private volatile String stage = "";
    private volatile long stageSince;
    private volatile boolean retryRequested;
    private volatile String path = "";
    private volatile boolean refused;
    private volatile Transport usedTransport;
    private volatile TlsEngine usedEngine;
    private final CountingConnection.Counters traffic = new CountingConnection.Counters();
    private volatile String trafficMeasuredOn = io.uplink.cloud.Traffic.TCP;
    private final ModemTlsPath modemTls;
    private final java.util.concurrent.atomic.AtomicInteger connects = new java.util.concurrent.atomic.AtomicInteger();

    private record Sub(int qos, MessageHandler handler) {
    }

    /** No transport yet: normal while a modem attaches, so not a warning on every attempt (see {@link #work}). */
    private static final class TransportMissing extends IOException {
        private static final long serialVersionUID = 1L;

        TransportMissing(String message) {
            super(message);
        }
    }

    /** Whether the problem of the last attempt was a missing transport that was already logged once. */
    private boolean waitingForTransportLogged;

    /**
     * @param tlsProfile a builder preset for this endpoint (server name, anchors, identity, ALPN); null for no TLS
     */
    public MqttCloudConnection(EndpointSettings settings, Path queueFile, Supplier<Transport> transport,
            Supplier<TlsEngine> tls, Supplier<TlsClientProfile.Builder> tlsProfile) throws IOException {
        this(settings, queueFile, transport, tls, tlsProfile, settings::password);
    }

    /**
     * @param password asked on every connection attempt (e.g. a fresh Azure SAS token); null or empty for none
     */
    public MqttCloudConnection(EndpointSettings settings, Path queueFile, Supplier<Transport> transport,
            Supplier<TlsEngine> tls, Supplier<TlsClientProfile.Builder> tlsProfile, Supplier<char[]> password)
            throws IOException {
        this(settings, queueFile, transport, tls, tlsProfile, password, null);
    }

    /**
     * @param modemTls the path through the modem's own TLS, for TLS mode {@code modem}; null otherwise
     */
    public MqttCloudConnection(EndpointSettings settings, Path queueFile, Supplier<Transport> transport,
            Supplier<TlsEngine> tls, Supplier<TlsClientProfile.Builder> tlsProfile, Supplier<char[]> password,
            ModemTlsPath modemTls) throws IOException {
        if ("modem".equals(settings.tlsMode()) && modemTls == null) {
            throw new IllegalArgumentException("Endpoint '" + settings.endpointId() + "': TLS mode modem needs the "
                    + "modem's TLS path");
        }
        this.modemTls = modemTls;
        List<String> problems = settings.problems();
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("Endpoint '" + settings.endpointId() + "': " + String.join(" ", problems));
        }
        this.settings = settings;
        this.transport = transport;
        this.tls = tls;
        this.tlsProfile = tlsProfile;
        this.password = password;
        this.queue = new StoreAndForwardQueue(queueFile, settings.queueMaxMessages(), settings.queueMaxBytes(),
                StoreAndForwardQueue.Durability.of(settings.queueDurability()),
                java.time.Duration.ofMillis(settings.queueBatchMillis()));
        if (!queue.damage().isEmpty()) {
            LOG.warn("Endpoint '{}': {}", settings.endpointId(), queue.damage());
        }
        if (queue.size() > 0) {
            LOG.info("Endpoint '{}': {} messages from before the restart are queued and will be sent",
                    settings.endpointId(), queue.size());
        }
        this.worker = new Thread(this::work, "uplink-mqtt-" + settings.endpointId());
        this.worker.setDaemon(true);
        this.worker.start();
    }

    // --- API ------------------------------------------------------------------------------------------------

    @Override
    public String endpointId() {
        return settings.endpointId();
    }

    @Override
    public EndpointProfile profile() {
        return settings.profile();
    }

    @Override
    public ConnectionState state() {
        return state;
    }

    /**
     * What went wrong last, in plain words; empty when nothing did. While an attempt has been stuck for
     * {@link #STUCK} or more at one step (a server that accepts TCP and stays silent), that step is the problem:
     * e.g. "no answer for 5 s: TCP connected to host:8883, the TLS handshake is waiting for the server's first answer".
     */
    @Override
    public String lastProblem() {
        String earlier = lastProblem;
        String now = stage;
        if (state != ConnectionState.CONNECTING || now.isEmpty()) {
            return earlier;
        }
        long seconds = (System.nanoTime() - stageSince) / 1_000_000_000L;
        if (seconds < STUCK.toSeconds()) {
            return earlier;
        }
        String stuck = "no answer for " + seconds + " s: " + now + ".";
        return earlier.isEmpty() ? stuck : earlier + " Now " + stuck;
    }

    private void stage(String what) {
        stageSince = System.nanoTime();
        stage = what;
    }

    /**
     * How the current (or last) connection runs, e.g. "modem BG95 ... / TLSv1.3 TLS_AES_128_GCM_SHA256"; empty
     * before the first connection.
     */
    @Override
    public java.util.Optional<io.uplink.cloud.Traffic> traffic() {
        return java.util.Optional.of(new io.uplink.cloud.Traffic(traffic.sent.sum(), traffic.received.sum(),
                trafficMeasuredOn));
    }

    @Override
    public String path() {
        return path;
    }

    /**
     * Whether the last attempt ended in a CONNACK refusal (bad client id, user name or password, not authorized):
     * retrying will not help until the configuration or the broker changes.
     */
    public boolean refusedByBroker() {
        return refused;
    }

    /** The in-flight window now: the configured one, lowered to the broker's Receive Maximum under MQTT 5. */
    public int window() {
        MqttSession s = session;
        return s == null ? settings.inFlightWindow() : s.window(settings.inFlightWindow());
    }

    /** How many times a connection was established since this object was made (reconnects = this - 1). */
    public int connects() {
        return connects.get();
    }

    @Override
    public int queuedMessages() {
        return queue.size();
    }

    /**
     * What was found damaged in the queue file when this connection opened it (recovered, lost, where the damaged
     * original is kept), or empty.
     */
    public String queueDamage() {
        return queue.damage();
    }

    @Override
    public java.util.Optional<io.uplink.cloud.QueueStatus> queueStatus() {
        StoreAndForwardQueue.Stats st = queue.stats();
        return java.util.Optional.of(new io.uplink.cloud.QueueStatus(queue.durability().name().toLowerCase(
                java.util.Locale.ROOT), queue.durability() == StoreAndForwardQueue.Durability.BATCHED
                        ? settings.queueBatchMillis() : 0, st.accepted(), st.syncs(), st.writes(), queue.damage(),
                st.bytesWritten()));
    }

    @Override
    public CompletionStage<DeliveryReceipt> publish(String topic, byte[] payload, int qos, boolean retained)
            throws CloudException {
        return enqueue(topic, payload, qos, retained, null);
    }

    @Override
    public io.uplink.cloud.Publication publishAsync(String topic, byte[] payload, int qos, boolean retained)
            throws CloudException {
        CompletableFuture<Void> accepted = new CompletableFuture<>();
        CompletionStage<DeliveryReceipt> receipt = enqueue(topic, payload, qos, retained, accepted);
        return new io.uplink.cloud.Publication(accepted, accepted.thenCompose(done -> receipt));
    }

    /** Checks and queues a message; waits for the disk unless {@code accepted} is given (then completed later). */
    private CompletionStage<DeliveryReceipt> enqueue(String topic, byte[] payload, int qos, boolean retained,
            CompletableFuture<Void> accepted) throws CloudException {
        checkTopic(topic);
        EndpointProfile p = settings.profile();
        if (qos < 0 || qos > p.maxQos()) {
            throw new CloudException("qos-unsupported", "QoS " + qos + " is not possible on " + p.id()
                    + " (highest: " + p.maxQos() + ").", "Publish with QoS " + p.maxQos() + " or lower.");
        }
        if (payload.length > p.maxPayloadBytes()) {
            throw new CloudException("payload-too-large", "The payload has " + payload.length + " bytes; " + p.id()
                    + " accepts at most " + p.maxPayloadBytes() + ".", "Split or compress the payload.");
        }
        if (!running) {
            throw new CloudException("closed", "The endpoint '" + settings.endpointId() + "' is shut down.",
                    "Publish to the endpoint's current service.");
        }
        CompletableFuture<DeliveryReceipt> f = new CompletableFuture<>();
        long[] id = { -1 };
        // The future is registered under the queue's lock, before the drain (queue.peek) can see the message; the
        // sync runs on the queue's syncer thread, shared by the publishers accepted meanwhile.
        java.util.function.LongConsumer register = queued -> {
            id[0] = queued;
            futures.put(queued, f);
        };
        CompletableFuture<Void> durable = accepted != null ? accepted : new CompletableFuture<>();
        queue.appendAsync(topic, payload, qos, retained, register, durable); // queue-full: nothing registered
        // Handed to the session before the publisher waits for the disk: the way to the broker and the sync overlap.
        drainSoon();
        if (accepted == null) {
            try {
                StoreAndForwardQueue.awaitDurable(durable);
            } catch (CloudException e) {
                futures.remove(id[0]);
                throw e;
            }
        }
        return f;
    }

    @Override
    public Subscription subscribe(String topicFilter, int qos, MessageHandler handler) throws CloudException {
        try {
            MqttTopic.validate(topicFilter, true);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new CloudException("topic-invalid", "'" + topicFilter + "' is not a valid topic filter ("
                    + e.getMessage() + ").", "Give a filter such as a/b/# or a/+/c: # only last, + a whole level.");
        }
        subscriptions.put(topicFilter, new Sub(Math.min(qos, settings.profile().maxQos()), handler));
        MqttSession c = session;
        if (c != null && c.isConnected()) {
            subscribeNow(c, topicFilter, subscriptions.get(topicFilter));
        }
        return new Subscription() {
            @Override
            public String topicFilter() {
                return topicFilter;
            }

            @Override
            public void close() {
                subscriptions.remove(topicFilter);
                MqttSession cl = session;
                if (cl != null) {
                    try {
                        cl.unsubscribe(topicFilter);
                    } catch (MqttSession.SessionException e) {
                        LOG.debug("unsubscribe {}: {}", topicFilter, e.getMessage());
                    }
                }
            }
        };
    }

    private static void checkTopic(String topic) throws CloudException {
        if (topic == null || topic.isEmpty() || topic.contains("+") || topic.contains("#")
                || topic.getBytes(StandardCharsets.UTF_8).length > 65535) {
            throw new CloudException("topic-invalid", "'" + topic + "' is not a topic one can publish to (empty, "
                    + "too long, or with the wildcards + or #).", "Publish to a concrete topic such as devices/gw1/t.");
        }
    }

    // --- worker ---------------------------------------------------------------------------------------------

    private void work() {
        long attempt = 0;
        Instant connectedSince = null;
        while (running) {
            MqttSession c = session;
            if (c == null || !c.isConnected()) {
                if (connectedSince != null && Duration.between(connectedSince, Instant.now()).compareTo(STABLE) > 0) {
                    attempt = 0; // the last connection was stable: start the backoff again from the base
                }
                connectedSince = null;
                stage("opening a connection to " + settings.host() + ":" + settings.port());
                state = ConnectionState.CONNECTING;
                try {
                    // No publisher hands a message to the old session or counts it in flight meanwhile.
                    drainLock.lock();
                    try {
                        inFlight.clear();
                        sentUpTo = 0;
                        connect();
                    } finally {
                        drainLock.unlock();
                    }
                    connectedSince = Instant.now();
                    state = ConnectionState.CONNECTED;
                    stage("");
                    lastProblem = "";
                    refused = false;
                    connects.incrementAndGet();
                    waitingForTransportLogged = false;
                    LOG.info("Endpoint '{}' connected to {}:{} over {}, MQTT {} ({} queued{})", settings.endpointId(),
                            settings.host(), settings.port(), path, settings.mqttVersion(), queue.size(),
                            window() < settings.inFlightWindow() ? ", in-flight window " + window()
                                    + " as the broker's Receive Maximum asks" : "");
                } catch (Exception e) {
                    if (!running) {
                        break; // closing: the attempt was interrupted on purpose
                    }
                    state = ConnectionState.WAITING_TO_RETRY;
                    String at = stage;
                    stage("");
                    String why = e instanceof MqttSession.SessionException ? e.getMessage() : MqttSession.plain(e);
                    // A bare timeout says nothing of where it stopped: add the step that got no answer.
                    lastProblem = at.isEmpty() || !why.toLowerCase(java.util.Locale.ROOT).contains("timed out") ? why
                            : why + " (no answer while " + at + ")";
                    refused = e instanceof MqttSession.SessionException se && se.refused();
                    long cap = Math.min(BACKOFF_CAP_MILLIS, BACKOFF_BASE_MILLIS << Math.min(attempt, 20));
                    long sleep = ThreadLocalRandom.current().nextLong(cap / 10, cap + 1);
                    attempt++;
                    if (!causedBy(e, TransportMissing.class)) {
                        waitingForTransportLogged = false;
                        LOG.warn("Endpoint '{}': {} Next attempt in {} ms.", settings.endpointId(), lastProblem, sleep);
                    } else if (!waitingForTransportLogged) {
                        // A modem's transport appears once it has attached (tens of seconds after a start); the
                        // attempt is made again as soon as it does, so once at INFO, then at DEBUG.
                        waitingForTransportLogged = true;
                        LOG.info("Endpoint '{}' waits for its transport: {} It connects as soon as the transport "
                                + "appears.", settings.endpointId(), lastProblem);
                    } else {
                        LOG.debug("Endpoint '{}': {} Next attempt in {} ms.", settings.endpointId(), lastProblem,
                                sleep);
                    }
                    backOff(sleep);
                    continue;
                }
            }
            drainSoon();
            pause(1000);
        }
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }

    private void connect() throws MqttSession.SessionException {
        closeClient();
        MqttSession s = "5".equals(settings.mqttVersion()) ? new MqttV5Session() : new MqttV3Session();
        session = s; // visible to close(), which may interrupt the attempt
        // Paho resolves the host of its URI on the OS network before it calls the socket factory, although the
        // transport (a modem's own DNS, or the OS transport) resolves it anyway: a wasted lookup, or a hang until the
        // resolver times out on a gateway whose OS has no network. So Paho gets an address literal it need not look
        // up, and the factory connects to the configured host and port.
        s.connect(new MqttSession.Spec(PAHO_ADDRESS, settings.port(), settings.clientId(),
                new ConnectionSocketFactory((h, p, timeout) -> open(settings.host(), settings.port(), timeout)),
                settings.cleanSession(), settings.keepAliveSeconds(),
                (int) Math.max(1, settings.connectTimeout().toSeconds()), settings.inFlightWindow() + 2,
                settings.username(), password.get(), settings.connectTimeout().toMillis() + 5_000),
                new MqttSession.Events() {
                    @Override
                    public void lost(String why) {
                        lastProblem = (why.startsWith("connection lost") ? why : "connection lost: " + why)
                                + (settings.profile() == EndpointProfile.AWS_IOT
                                        ? " If this happens right after CONNECT, AWS IoT refused the session: check "
                                                + "the policy allows iot:Connect for this client id, the certificate "
                                                + "is ACTIVE, and the SNI is the endpoint."
                                        : "");
                        LOG.warn("Endpoint '{}': {}", settings.endpointId(), lastProblem);
                        state = ConnectionState.WAITING_TO_RETRY;
                        wake();
                    }

                    @Override
                    public void message(String topic, byte[] payload, int qos, boolean retained) {
                        for (Map.Entry<String, Sub> e : subscriptions.entrySet()) {
                            if (MqttTopic.isMatched(e.getKey(), topic)) {
                                try {
                                    e.getValue().handler().onMessage(topic, payload, qos, retained);
                                } catch (RuntimeException ex) {
                                    LOG.warn("Endpoint '{}': a handler for {} failed: {}", settings.endpointId(),
                                            e.getKey(), ex.toString());
                                }
                            }
                        }
                    }
                });
        for (Map.Entry<String, Sub> e : subscriptions.entrySet()) {
            subscribeNow(s, e.getKey(), e.getValue());
        }
    }

    /** Transport, then TLS in host mode; both looked up now, so replaced services are used. */
    private Connection open(String host, int port, Duration timeout) throws IOException {
        Transport t = transport.get();
        if (t == null) {
            throw new TransportMissing("the transport configured for endpoint '" + settings.endpointId() + "' is not "
                    + "running: for 'os' start io.uplink.transport.os; a modem's transport appears once the modem has "
                    + "attached to the network (see its log)");
        }
        usedEngine = null;
        if (modemTls != null) {
            stage("the modem's own TLS is connecting to " + host + ":" + port);
            ModemTlsPath.Opened o = modemTls.open(host, port, timeout);
            usedTransport = t;
            path = o.path();
            trafficMeasuredOn = io.uplink.cloud.Traffic.MODEM_TLS;
            stage("the modem's TLS connected to " + host + ":" + port + ", waiting for the broker's CONNACK");
            return new CountingConnection(o.connection(), traffic);
        }
        stage("opening TCP to " + host + ":" + port + " over " + t.describe());
        Connection c = new CountingConnection(t.connect(host, port, timeout), traffic);
        usedTransport = t;
        trafficMeasuredOn = io.uplink.cloud.Traffic.TCP;
        if (!"host".equals(settings.tlsMode())) {
            path = t.describe() + ", no TLS";
            stage("TCP connected to " + host + ":" + port + " (no TLS), waiting for the broker's CONNACK");
            return c;
        }
        TlsEngine engine = tls.get();
        usedEngine = engine;
        if (engine == null) {
            c.close();
            throw new IOException("no TLS engine is running (start io.uplink.tls.bc)");
        }
        stage("TCP connected to " + host + ":" + port + ", the TLS handshake is waiting for the server's answer (its "
                + "ServerHello); a server that stays silent here does not speak TLS on this port");
        TlsSession session = engine.handshake(c, tlsProfile.get().handshakeTimeout(timeout.plusSeconds(30)).build());
        path = t.describe() + ", " + session.protocol() + " " + session.cipherSuite()
                + (session.applicationProtocol().isEmpty() ? "" : " ALPN " + session.applicationProtocol())
                + (session.resumed() ? " (resumed)" : "");
        stage(session.protocol() + " agreed with " + host + ":" + port + ", waiting for the broker's CONNACK");
        return session;
    }

    private void subscribeNow(MqttSession c, String filter, Sub sub) {
        try {
            c.subscribe(filter, sub.qos());
        } catch (MqttSession.SessionException e) {
            LOG.warn("Endpoint '{}': subscribing to {} failed: {}", settings.endpointId(), filter, e.getMessage());
        }
    }

    /**
     * Hands queued messages to the session, up to the window, on the calling thread (a publisher, Paho's callback
     * thread after an acknowledgement, the worker) when no other thread is doing it; otherwise that thread does it
     * once more before it lets go. A message thus goes out from the thread that queued it, or that freed room in the
     * window, without waking the worker (one thread hand-off less per message). Never blocks.
     */
    private void drainSoon() {
        drainAsked.set(true);
        while (drainAsked.get() && drainLock.tryLock()) {
            try {
                drainAsked.set(false);
                drain();
            } finally {
                drainLock.unlock();
            }
        }
    }

    /** Called with {@code drainLock} held. */
    private void drain() {
        MqttSession c = session;
        while (running && c != null && c.isConnected()) {
            int room = c.window(settings.inFlightWindow()) - inFlight.size();
            if (room <= 0) {
                return;
            }
            long after = rescan.getAndSet(false) ? 0 : sentUpTo;
            List<StoreAndForwardQueue.Message> next = queue.peek(room, after, inFlight);
            if (next.isEmpty()) {
                return;
            }
            for (StoreAndForwardQueue.Message m : next) {
                inFlight.add(m.id());
                try {
                    c.publish(m.topic(), m.payload(), m.qos(), m.retained(), new Delivery(m));
                } catch (MqttSession.SessionException e) {
                    inFlight.remove(m.id());
                    rescan.set(true);
                    lastProblem = e.getMessage();
                    return;
                }
                sentUpTo = Math.max(sentUpTo, m.id());
            }
        }
    }

    /**
     * Completes one message: removed from the queue on acknowledgement, left for a resend on failure, removed and
     * reported to the publisher when the broker refused it for good (MQTT 5 reason codes).
     */
    private final class Delivery implements MqttSession.Outcome {
        private final StoreAndForwardQueue.Message message;

        Delivery(StoreAndForwardQueue.Message message) {
            this.message = message;
        }

        @Override
        public void acknowledged() {
            queue.remove(message.id());
            inFlight.remove(message.id());
            drainSoon(); // the room this frees is used at once, before the publisher's callbacks run
            CompletableFuture<DeliveryReceipt> f = futures.remove(message.id());
            if (f != null) {
                f.complete(new DeliveryReceipt(message.id(), message.topic(), message.qos(), message.acceptedAt(),
                        Instant.now()));
            }
        }

        @Override
        public void failed(String why) {
            rescan.set(true); // before it leaves the window: a drain that sees it out of flight also looks back
            inFlight.remove(message.id()); // stays queued: sent again after the reconnect
            wake();
        }

        @Override
        public void rejected(String why) {
            LOG.warn("Endpoint '{}': message {} on '{}' removed from the queue: {}", settings.endpointId(),
                    message.id(), message.topic(), why);
            queue.remove(message.id());
            inFlight.remove(message.id());
            CompletableFuture<DeliveryReceipt> f = futures.remove(message.id());
            if (f != null) {
                f.completeExceptionally(new CloudException("rejected-by-broker", "The broker refused the message on '"
                        + message.topic() + "': " + why, "Check what the broker allows this client to publish on "
                                + "that topic (policy, size, payload format); sending it again would be refused too."));
            }
            drainSoon();
        }
    }

    private void wake() {
        synchronized (signal) {
            woken = true;
            signal.notifyAll();
        }
    }

    /**
     * Tells the connection a transport or TLS engine went away. When the current connection runs over it, it is closed
     * now (its code may belong to a bundle being stopped or updated) and made again over what is there; queued and
     * in-flight messages stay queued.
     */
    public void serviceGone(Object service) {
        if (service == null || service != usedTransport && service != usedEngine) {
            return;
        }
        usedTransport = null;
        usedEngine = null;
        MqttSession c = session;
        if (c != null && c.isConnected()) {
            LOG.info("Endpoint '{}': {} went away: its connection is closed and made again as soon as one is "
                    + "available", settings.endpointId(),
                    service instanceof TlsEngine ? "the TLS engine" : "the transport");
            closeClient();
            state = ConnectionState.WAITING_TO_RETRY;
        }
        wake();
    }

    /**
     * Tells the connection a transport, TLS engine or credential store appeared: a waiting reconnect is tried now
     * instead of at the end of its backoff.
     */
    public void retryNow() {
        retryRequested = true;
        wake();
    }

    /** Waits out a backoff; publishes do not cut it short (that would hammer the broker), {@link #retryNow} does. */
    private void backOff(long millis) {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        synchronized (signal) {
            while (running && !retryRequested) {
                long left = (deadline - System.nanoTime()) / 1_000_000L;
                if (left <= 0) {
                    break;
                }
                try {
                    signal.wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    running = false;
                }
            }
            retryRequested = false;
        }
    }

    /**
     * Waits for a wake-up (a publish, an acknowledgement, a lost connection) or {@code millis}. A wake-up that came
     * while the worker was busy (a PUBACK during a drain) is not lost: the next pause returns at once.
     */
    private void pause(long millis) {
        synchronized (signal) {
            try {
                if (!woken) {
                    signal.wait(millis);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                running = false;
            }
            woken = false;
        }
    }

    private void closeClient() {
        MqttSession s = session;
        session = null;
        if (s != null) {
            s.close();
        }
    }

    @Override
    public void close() {
        running = false;
        wake();
        worker.interrupt();
        try {
            worker.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeClient();
        state = ConnectionState.DISCONNECTED;
        queue.close();
        futures.values().forEach(f -> f.completeExceptionally(new CloudException("closed", "The endpoint '"
                + settings.endpointId() + "' was shut down; the message stays queued and is sent after the next start.",
                "Nothing to do.")));
    }
}
