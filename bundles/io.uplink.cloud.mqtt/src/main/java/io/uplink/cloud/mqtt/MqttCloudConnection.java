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

import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.MqttTopic;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link CloudConnection} on Paho's async v3 client over an Uplink {@link Transport} (and the {@link TlsEngine} in
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
    private final Thread worker;
    private volatile boolean running = true;
    private volatile ConnectionState state = ConnectionState.DISCONNECTED;
    private volatile MqttAsyncClient client;
    private volatile String lastProblem = "";
    private volatile boolean retryRequested;
    private volatile String path = "";
    private volatile boolean refused;
    private volatile Transport usedTransport;
    private volatile TlsEngine usedEngine;
    private final java.util.concurrent.atomic.AtomicInteger connects = new java.util.concurrent.atomic.AtomicInteger();

    private record Sub(int qos, MessageHandler handler) {
    }

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
        List<String> problems = settings.problems();
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("Endpoint '" + settings.endpointId() + "': " + String.join(" ", problems));
        }
        this.settings = settings;
        this.transport = transport;
        this.tls = tls;
        this.tlsProfile = tlsProfile;
        this.password = password;
        this.queue = new StoreAndForwardQueue(queueFile, settings.queueMaxMessages(), settings.queueMaxBytes());
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

    /** What went wrong last, in plain words; empty when nothing did. */
    public String lastProblem() {
        return lastProblem;
    }

    /**
     * How the current (or last) connection runs, e.g. "modem BG95 ... / TLSv1.3 TLS_AES_128_GCM_SHA256"; empty
     * before the first connection.
     */
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

    /** How many times a connection was established since this object was made (reconnects = this - 1). */
    public int connects() {
        return connects.get();
    }

    public int queued() {
        return queue.size();
    }

    @Override
    public CompletionStage<DeliveryReceipt> publish(String topic, byte[] payload, int qos, boolean retained)
            throws CloudException {
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
        synchronized (queue) { // the drain (queue.peek) must not see the message before its future is registered
            futures.put(queue.append(topic, payload, qos, retained), f);
        }
        wake();
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
        MqttAsyncClient c = client;
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
                MqttAsyncClient cl = client;
                if (cl != null && cl.isConnected()) {
                    try {
                        cl.unsubscribe(topicFilter);
                    } catch (MqttException e) {
                        LOG.debug("unsubscribe {}: {}", topicFilter, e.toString());
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
            MqttAsyncClient c = client;
            if (c == null || !c.isConnected()) {
                if (connectedSince != null && Duration.between(connectedSince, Instant.now()).compareTo(STABLE) > 0) {
                    attempt = 0; // the last connection was stable: start the backoff again from the base
                }
                connectedSince = null;
                inFlight.clear();
                state = ConnectionState.CONNECTING;
                try {
                    connect();
                    connectedSince = Instant.now();
                    state = ConnectionState.CONNECTED;
                    lastProblem = "";
                    refused = false;
                    connects.incrementAndGet();
                    LOG.info("Endpoint '{}' connected to {}:{} over {} ({} queued)", settings.endpointId(),
                            settings.host(), settings.port(), path, queue.size());
                } catch (Exception e) {
                    if (!running) {
                        break; // closing: the attempt was interrupted on purpose
                    }
                    state = ConnectionState.WAITING_TO_RETRY;
                    lastProblem = explain(e);
                    refused = e instanceof MqttException m && (m.getReasonCode()
                            == MqttException.REASON_CODE_INVALID_CLIENT_ID || m.getReasonCode()
                            == MqttException.REASON_CODE_FAILED_AUTHENTICATION || m.getReasonCode()
                            == MqttException.REASON_CODE_NOT_AUTHORIZED);
                    long cap = Math.min(BACKOFF_CAP_MILLIS, BACKOFF_BASE_MILLIS << Math.min(attempt, 20));
                    long sleep = ThreadLocalRandom.current().nextLong(cap / 10, cap + 1);
                    attempt++;
                    LOG.warn("Endpoint '{}': {} Next attempt in {} ms.", settings.endpointId(), lastProblem, sleep);
                    backOff(sleep);
                    continue;
                }
            }
            drain();
            pause(1000);
        }
    }

    private void connect() throws MqttException, IOException {
        closeClient();
        MqttAsyncClient c = new MqttAsyncClient("tcp://" + settings.host() + ":" + settings.port(),
                settings.clientId(), new MemoryPersistence());
        MqttConnectOptions o = new MqttConnectOptions();
        o.setSocketFactory(new ConnectionSocketFactory(this::open));
        o.setCleanSession(settings.cleanSession());
        o.setKeepAliveInterval(settings.keepAliveSeconds());
        o.setConnectionTimeout((int) Math.max(1, settings.connectTimeout().toSeconds()));
        o.setAutomaticReconnect(false);
        o.setMaxInflight(settings.inFlightWindow() + 2);
        if (!settings.username().isEmpty()) {
            o.setUserName(settings.username());
        }
        char[] secret = password.get();
        if (secret != null && secret.length > 0) {
            o.setPassword(secret);
        }
        c.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
                String why = explain(cause);
                lastProblem = (why.startsWith("connection lost") ? why : "connection lost: " + why) + (settings.profile() == EndpointProfile.AWS_IOT
                        ? " If this happens right after CONNECT, AWS IoT refused the session: check the policy allows "
                                + "iot:Connect for this client id, the certificate is ACTIVE, and the SNI is the "
                                + "endpoint."
                        : "");
                LOG.warn("Endpoint '{}': {}", settings.endpointId(), lastProblem);
                state = ConnectionState.WAITING_TO_RETRY;
                wake();
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                for (Map.Entry<String, Sub> e : subscriptions.entrySet()) {
                    if (MqttTopic.isMatched(e.getKey(), topic)) {
                        try {
                            e.getValue().handler().onMessage(topic, message.getPayload(), message.getQos(),
                                    message.isRetained());
                        } catch (RuntimeException ex) {
                            LOG.warn("Endpoint '{}': a handler for {} failed: {}", settings.endpointId(), e.getKey(),
                                    ex.toString());
                        }
                    }
                }
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
                // completion is handled per message by its action listener
            }
        });
        client = c;
        c.connect(o).waitForCompletion(settings.connectTimeout().toMillis() + 5_000);
        for (Map.Entry<String, Sub> e : subscriptions.entrySet()) {
            subscribeNow(c, e.getKey(), e.getValue());
        }
    }

    /** Transport, then TLS in host mode; both looked up now, so replaced services are used. */
    private Connection open(String host, int port, Duration timeout) throws IOException {
        Transport t = transport.get();
        if (t == null) {
            throw new IOException("the transport configured for endpoint '" + settings.endpointId() + "' is not "
                    + "running: for 'os' start io.uplink.transport.os; a modem's transport appears once the modem has "
                    + "attached to the network (see its log)");
        }
        Connection c = t.connect(host, port, timeout);
        usedTransport = t;
        usedEngine = null;
        if (!"host".equals(settings.tlsMode())) {
            path = t.describe() + ", no TLS";
            return c;
        }
        TlsEngine engine = tls.get();
        usedEngine = engine;
        if (engine == null) {
            c.close();
            throw new IOException("no TLS engine is running (start io.uplink.tls.bc)");
        }
        TlsSession session = engine.handshake(c, tlsProfile.get().handshakeTimeout(timeout.plusSeconds(30)).build());
        path = t.describe() + ", " + session.protocol() + " " + session.cipherSuite()
                + (session.applicationProtocol().isEmpty() ? "" : " ALPN " + session.applicationProtocol())
                + (session.resumed() ? " (resumed)" : "");
        return session;
    }

    private void subscribeNow(MqttAsyncClient c, String filter, Sub sub) {
        try {
            c.subscribe(filter, sub.qos());
        } catch (MqttException e) {
            LOG.warn("Endpoint '{}': subscribing to {} failed: {}", settings.endpointId(), filter, explain(e));
        }
    }

    private void drain() {
        MqttAsyncClient c = client;
        while (running && c != null && c.isConnected()) {
            int room = settings.inFlightWindow() - inFlight.size();
            if (room <= 0) {
                return;
            }
            List<StoreAndForwardQueue.Message> next = queue.peek(room, Set.copyOf(inFlight));
            if (next.isEmpty()) {
                return;
            }
            for (StoreAndForwardQueue.Message m : next) {
                inFlight.add(m.id());
                try {
                    c.publish(m.topic(), m.payload(), m.qos(), m.retained(), null, new Delivery(m));
                } catch (MqttException e) {
                    inFlight.remove(m.id());
                    lastProblem = explain(e);
                    return;
                }
            }
        }
    }

    /** Completes one message: removed from the queue on success, left for a resend on failure. */
    private final class Delivery implements IMqttActionListener {
        private final StoreAndForwardQueue.Message message;

        Delivery(StoreAndForwardQueue.Message message) {
            this.message = message;
        }

        @Override
        public void onSuccess(IMqttToken token) {
            queue.remove(message.id());
            inFlight.remove(message.id());
            CompletableFuture<DeliveryReceipt> f = futures.remove(message.id());
            if (f != null) {
                f.complete(new DeliveryReceipt(message.id(), message.topic(), message.qos(), message.acceptedAt(),
                        Instant.now()));
            }
            wake();
        }

        @Override
        public void onFailure(IMqttToken token, Throwable e) {
            inFlight.remove(message.id()); // stays queued: sent again after the reconnect
            wake();
        }
    }

    /** Paho's reason codes and our transports' exceptions in plain words. */
    static String explain(Throwable e) {
        if (e instanceof MqttException m) {
            switch (m.getReasonCode()) {
            case MqttException.REASON_CODE_FAILED_AUTHENTICATION:
                return "the broker refused the user name or password (CONNACK 4).";
            case MqttException.REASON_CODE_NOT_AUTHORIZED:
                return "the broker refused the client as not authorized (CONNACK 5).";
            case MqttException.REASON_CODE_INVALID_CLIENT_ID:
                return "the broker rejected the client id (CONNACK 2).";
            case MqttException.REASON_CODE_BROKER_UNAVAILABLE:
                return "the broker is unavailable (CONNACK 3).";
            case MqttException.REASON_CODE_CONNECTION_LOST:
                return "connection lost (Paho 32109)" + (m.getCause() != null ? ": " + explain(m.getCause()) : ".");
            case MqttException.REASON_CODE_MAX_INFLIGHT:
                return "too many publishes in progress (Paho 32202).";
            default:
                Throwable cause = m.getCause();
                return cause != null ? explain(cause) : m.getMessage() + " (Paho " + m.getReasonCode() + ").";
            }
        }
        String msg = e.getMessage();
        return (msg == null ? e.getClass().getSimpleName() : msg) + (msg != null && msg.endsWith(".") ? "" : ".");
    }

    private void wake() {
        synchronized (signal) {
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
        MqttAsyncClient c = client;
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

    private void pause(long millis) {
        synchronized (signal) {
            try {
                signal.wait(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                running = false;
            }
        }
    }

    private void closeClient() {
        MqttAsyncClient c = client;
        client = null;
        if (c != null) {
            try {
                if (c.isConnected()) {
                    c.disconnectForcibly(1000, 1000);
                }
                c.close();
            } catch (MqttException e) {
                LOG.debug("closing the Paho client: {}", e.toString());
            }
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
