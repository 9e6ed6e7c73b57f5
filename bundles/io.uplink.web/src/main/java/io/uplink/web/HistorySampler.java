package io.uplink.web;

import java.io.IOException;
import java.util.Collection;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.uplink.cloud.CloudConnection;
import io.uplink.modem.Modem;

/**
 * Feeds {@link LinkHistory} from the live services every second (so an outage between two minute marks is seen) and
 * writes it to its {@link HistoryFile} every minute and when stopped. Owns one thread, started by {@link #start} and
 * ended by {@link #stop}; the services are read through suppliers that the component's reference methods keep current.
 */
final class HistorySampler {

    private static final Logger LOG = LoggerFactory.getLogger(HistorySampler.class);
    private static final long SAVE_EVERY_MILLIS = 60_000;
    /** Signal quality costs AT exchanges on the modem's one channel: asked once a minute, not every second. */
    private static final long SIGNAL_EVERY_MILLIS = 60_000;

    /** A modem and the configuration it was attached from. */
    record TrackedModem(String pid, Modem modem) {
    }

    private final LinkHistory history;
    private final HistoryFile file;
    private final Supplier<Collection<CloudConnection>> connections;
    private final Supplier<Collection<TrackedModem>> modems;
    private final LongSupplier clock;
    private ScheduledExecutorService executor;
    private long savedAt;
    private String saveProblem = "";
    private final java.util.Map<String, SignalSample> signals = new java.util.HashMap<>(); // sampler thread only

    private record SignalSample(long at, int csq, int rsrp, String rat, String operator, int rsrq, int sinr) {
    }

    HistorySampler(LinkHistory history, HistoryFile file, Supplier<Collection<CloudConnection>> connections,
            Supplier<Collection<TrackedModem>> modems, LongSupplier clock) {
        this.history = history;
        this.file = file;
        this.connections = connections;
        this.modems = modems;
        this.clock = clock;
    }

    /** Restores the file's history and starts sampling. */
    synchronized void start() {
        try {
            HistoryFile.Loaded loaded = file.load();
            history.restore(loaded.contents(), clock.getAsLong());
            if (loaded.skipped() > 0) {
                LOG.warn("{}: {} lines did not parse and were skipped", file.path(), loaded.skipped());
            }
        } catch (IOException e) {
            LOG.warn("Dashboard history not restored: {}", e.getMessage());
        }
        savedAt = clock.getAsLong();
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "uplink-web-history");
            t.setDaemon(true);
            return t;
        });
        executor.scheduleWithFixedDelay(this::tick, 0, 1, TimeUnit.SECONDS);
    }

    /** Stops sampling and writes the history once more. */
    void stop() throws InterruptedException {
        ScheduledExecutorService e;
        synchronized (this) {
            e = executor;
            executor = null;
        }
        if (e != null) {
            e.shutdown();
            e.awaitTermination(10, TimeUnit.SECONDS);
            save();
        }
    }

    private void tick() {
        try {
            sample();
            if (clock.getAsLong() - savedAt >= SAVE_EVERY_MILLIS) {
                save();
            }
        } catch (RuntimeException e) {
            LOG.warn("Dashboard history sample failed", e); // the next tick tries again
        }
    }

    /** One observation of every connection and modem. */
    void sample() {
        long now = clock.getAsLong();
        for (CloudConnection c : connections.get()) {
            try {
                long accepted = c.queueStatus().map(q -> q.accepted()).orElse(-1L);
                java.util.Optional<io.uplink.cloud.Traffic> traffic = c.traffic();
                history.endpoint(c.endpointId(), now, c.state().name(), c.lastProblem(), c.queuedMessages(),
                        accepted, traffic.map(t -> t.bytesSent()).orElse(-1L),
                        traffic.map(t -> t.bytesReceived()).orElse(-1L));
            } catch (RuntimeException e) {
                LOG.debug("Connection {} could not be sampled", c, e); // going away while read
            }
        }
        for (TrackedModem t : modems.get()) {
            try {
                SignalSample s = signal(t, now);
                history.modem(t.pid(), now, t.modem().registration().name(), s.csq(), s.rsrp(), s.rat(),
                        s.operator(), s.rsrq(), s.sinr());
            } catch (RuntimeException e) {
                history.modem(t.pid(), now, "unreadable: " + e.getMessage(), -1);
            }
        }
    }

    private SignalSample signal(TrackedModem t, long now) {
        SignalSample last = signals.get(t.pid());
        if (last != null && now - last.at() < SIGNAL_EVERY_MILLIS && now >= last.at()) {
            return last;
        }
        String operator = t.modem().networkOperator().orElse("");
        SignalSample s = t.modem().signalQuality().map(q -> new SignalSample(now, q.csq(), q.rsrpDbm().orElse(0),
                q.accessTechnology(), operator, q.rsrqDb().orElse(0), q.sinrDb().orElse(LinkHistory.SINR_UNKNOWN)))
                .orElse(new SignalSample(now, -1, 0, "", operator, 0, LinkHistory.SINR_UNKNOWN));
        if (signals.size() > LinkHistory.MAX_MODEMS * 4) {
            signals.clear(); // modems come and go under new names; never let the map grow with them
        }
        signals.put(t.pid(), s);
        return s;
    }

    private void save() {
        savedAt = clock.getAsLong();
        try {
            file.save(history.contents());
            if (!saveProblem.isEmpty()) {
                LOG.info("Dashboard history is written to {} again", file.path());
                saveProblem = "";
            }
        } catch (IOException e) {
            if (!e.toString().equals(saveProblem)) { // once per distinct problem, not every minute
                LOG.warn("Dashboard history could not be written to {}: {}. The page keeps it in memory; fix the "
                        + "folder's permissions or free space to keep it across restarts", file.path(), e.toString());
            }
            saveProblem = e.toString();
        }
    }
}
