package io.uplink.web;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.uplink.ota.OtaException;
import io.uplink.ota.OtaJob;
import io.uplink.ota.OtaProgress;
import io.uplink.ota.PackageUpdater;

/**
 * Update jobs started from the web (the Packages section and {@code bin/uplink ota}): one at a time on a thread of
 * its own, so that a request answers at once with the job's id and the caller polls {@link #state}. The last
 * {@value #REMEMBERED} outcomes are kept for those polls.
 *
 * <p>Threads: jobs run on the worker; the maps are guarded by this object's monitor; request threads read them.
 */
final class PackageJobs {

    /** What a job does with the updater. */
    @FunctionalInterface
    interface Work {
        OtaJob run(PackageUpdater updater) throws OtaException;
    }

    private static final Logger LOG = LoggerFactory.getLogger(PackageJobs.class);
    private static final int REMEMBERED = 20;

    private volatile Thread workerThread;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "uplink-web-ota");
        workerThread = t;
        return t;
    });
    /** id -> state; oldest first. */
    private final LinkedHashMap<String, Map<String, Object>> jobs = new LinkedHashMap<>();
    private String running;
    private PackageUpdater runningOn;

    /**
     * Starts a job unless one of ours runs already.
     *
     * @param upload a file to delete when the job ends, or {@code null}
     * @return the job's id, empty when busy
     */
    synchronized Optional<String> start(PackageUpdater updater, String action, String target, Work work,
            Path upload) {
        if (running != null) {
            return Optional.empty();
        }
        String id = UUID.randomUUID().toString();
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("id", id);
        s.put("action", action);
        s.put("target", target);
        s.put("state", "running");
        jobs.put(id, s);
        while (jobs.size() > REMEMBERED) {
            jobs.remove(jobs.keySet().iterator().next());
        }
        running = id;
        runningOn = updater;
        worker.execute(() -> finish(id, run(updater, work, s), upload));
        return Optional.of(id);
    }

    private static Map<String, Object> run(PackageUpdater updater, Work work, Map<String, Object> started) {
        Map<String, Object> r = new LinkedHashMap<>(started);
        try {
            OtaJob job = work.run(updater);
            r.put("state", "done");
            r.put("outcome", job.outcome().name());
            r.put("package", job.packageName());
            r.put("from", job.fromVersion());
            r.put("to", job.toVersion());
            r.put("reason", job.reason() == null ? null : job.reason().code());
            r.put("message", job.message());
        } catch (OtaException e) {
            r.put("state", "failed");
            r.put("reason", e.reason().code());
            r.put("message", e.getMessage());
            r.put("fix", e.reason().fix());
        } catch (RuntimeException e) {
            LOG.error("OTA job {} failed", started.get("id"), e);
            r.put("state", "failed");
            r.put("reason", "ota.internal");
            r.put("message", "The update failed unexpectedly (" + e + "); the details are in the gateway's log.");
        }
        return r;
    }

    private void finish(String id, Map<String, Object> result, Path upload) {
        if (upload != null) {
            try {
                Files.deleteIfExists(upload);
            } catch (java.io.IOException e) {
                LOG.warn("Cannot delete the uploaded package {}: {}", upload, e.toString());
            }
        }
        synchronized (this) {
            if (jobs.containsKey(id)) {
                jobs.put(id, result);
            }
            running = null;
            runningOn = null;
        }
    }

    /** The job's state, with the updater's progress while it runs; empty for an unknown (or forgotten) id. */
    Optional<Map<String, Object>> state(String id) {
        Map<String, Object> s;
        PackageUpdater on;
        synchronized (this) {
            s = jobs.get(id);
            on = id.equals(running) ? runningOn : null;
        }
        if (s == null) {
            return Optional.empty();
        }
        Map<String, Object> copy = new LinkedHashMap<>(s);
        if (on != null) {
            on.progress().ifPresent(p -> copy.put("progress", progress(p)));
        }
        return Optional.of(copy);
    }

    /** The newest job started here, for the page. */
    synchronized Optional<String> newest() {
        String last = null;
        for (String id : jobs.keySet()) {
            last = id;
        }
        return Optional.ofNullable(last);
    }

    static Map<String, Object> progress(OtaProgress p) {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("action", p.action());
        j.put("target", p.target());
        j.put("phase", p.phase().name());
        j.put("bytes", p.bytes());
        j.put("total", p.total());
        j.put("bytes_per_second", p.bytesPerSecond());
        j.put("seconds_left", p.secondsLeft());
        j.put("resumes", p.resumes());
        j.put("bytes_resent", p.bytesResent());
        j.put("started", p.started().toString());
        return j;
    }

    /**
     * A job underway ends (the updater finishes or journals its step); no thread outlives the page. Called on the
     * job's own thread when the package being installed replaces this bundle (DeploymentAdmin stops it from inside
     * the install): then it neither waits for itself nor interrupts the install; the job ends when the install
     * returns, and the worker with it.
     */
    void stop(long millis) throws InterruptedException {
        worker.shutdown();
        if (Thread.currentThread() == workerThread) {
            return;
        }
        if (!worker.awaitTermination(millis, TimeUnit.MILLISECONDS)) {
            worker.shutdownNow();
        }
    }
}
