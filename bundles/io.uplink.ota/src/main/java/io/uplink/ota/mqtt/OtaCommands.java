package io.uplink.ota.mqtt;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;

import io.uplink.ota.OtaException;
import io.uplink.ota.OtaJob;
import io.uplink.ota.OtaProgress;
import io.uplink.ota.PackageInfo;
import io.uplink.ota.PackageUpdater;

/**
 * Turns request messages into OTA jobs and answers on the response topic: {@code accepted} at once, then the result.
 * Requests: {@code {"id":"J","action":"install","url":"https://...","sha256":"..","size":N}}, {@code install} with
 * {@code "file"} (a path on the gateway), {@code rollback} / {@code uninstall} with {@code "name"}, {@code list}.
 * A request whose id is running or queued is answered {@code "duplicate":true} and not run again; one whose id
 * finished recently gets the same result again. Jobs run one at a time on the given executor. While a job runs,
 * {@link #tick()} (called periodically by the component) publishes its progress: {@code {"id":"J","state":"progress",
 * "phase":"DOWNLOADING","bytes":..,"total":..,"bytes_per_second":..,"seconds_left":..,"resumes":..,
 * "bytes_resent":..}}.
 *
 * <p>Threads: {@link #onRequest} runs on the connector's thread, {@link #tick()} on the component's timer; the job
 * map and the running job are guarded by this object's monitor.
 */
final class OtaCommands {

    static final int MAX_REQUEST_BYTES = 8 * 1024;
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
    private static final int REMEMBERED = 50;

    private final PackageUpdater updater;
    private final ExecutorService worker;
    private final BiConsumer<String, Map<String, Object>> respond;
    /** id -> null while queued/running, else the final response; oldest first. */
    private final LinkedHashMap<String, Map<String, Object>> jobs = new LinkedHashMap<>();
    /** The job on the worker now and what the updater calls its target; {@code null} when idle. */
    private String runningId;
    private String runningTarget;

    /** @param respond publishes a response (job id, JSON fields) */
    OtaCommands(PackageUpdater updater, ExecutorService worker, BiConsumer<String, Map<String, Object>> respond) {
        this.updater = updater;
        this.worker = worker;
        this.respond = respond;
    }

    void onRequest(byte[] payload) {
        Map<String, Object> req;
        if (payload.length > MAX_REQUEST_BYTES) {
            respond.accept("", error("", "request larger than " + MAX_REQUEST_BYTES + " bytes"));
            return;
        }
        try {
            req = FlatJson.parse(new String(payload, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            respond.accept("", error("", e.getMessage()));
            return;
        }
        String id = str(req, "id");
        if (!ID.matcher(id).matches()) {
            respond.accept("", error(id, "\"id\" must be 1-64 letters, digits, '.', '_', ':' or '-'"));
            return;
        }
        String action = str(req, "action");
        if (!List.of("install", "rollback", "uninstall", "list").contains(action)) {
            respond.accept(id, error(id, "\"action\" must be install, rollback, uninstall or list"));
            return;
        }
        synchronized (this) {
            if (jobs.containsKey(id)) {
                Map<String, Object> done = jobs.get(id);
                Map<String, Object> again = new LinkedHashMap<>(done == null ? Map.of("id", id, "state", "running")
                        : done);
                again.put("duplicate", true);
                respond.accept(id, again);
                return;
            }
            jobs.put(id, null);
            while (jobs.size() > REMEMBERED) {
                String oldest = jobs.keySet().iterator().next();
                if (jobs.get(oldest) == null) {
                    break; // never forget a running job
                }
                jobs.remove(oldest);
            }
        }
        Map<String, Object> accepted = new LinkedHashMap<>();
        accepted.put("id", id);
        accepted.put("state", "accepted");
        accepted.put("action", action);
        respond.accept(id, accepted);
        worker.execute(() -> finish(id, run(id, action, req)));
    }

    /**
     * Publishes the running job's progress, when it has one: the updater's progress counts only when it is about
     * this job's target (a job started elsewhere may hold the updater while ours waits).
     */
    void tick() {
        String id;
        String target;
        synchronized (this) {
            id = runningId;
            target = runningTarget;
        }
        if (id == null) {
            return;
        }
        OtaProgress p = updater.progress().orElse(null);
        if (p == null || !p.target().equals(target)) {
            return;
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("id", id);
        r.put("state", "progress");
        r.put("phase", p.phase().name());
        r.put("bytes", p.bytes());
        r.put("total", p.total());
        r.put("bytes_per_second", p.bytesPerSecond());
        r.put("seconds_left", p.secondsLeft());
        r.put("resumes", p.resumes());
        r.put("bytes_resent", p.bytesResent());
        respond.accept(id, r);
    }

    /** What the updater names as the target of this request's job (see {@link OtaProgress#target()}). */
    private static String target(String action, Map<String, Object> req) {
        if (!action.equals("install")) {
            return str(req, "name");
        }
        String url = str(req, "url");
        if (!url.isEmpty()) {
            try {
                return URI.create(url).toString();
            } catch (IllegalArgumentException e) {
                return url;
            }
        }
        Path file = Path.of(str(req, "file"));
        return file.getFileName() == null ? "" : file.getFileName().toString();
    }

    private Map<String, Object> run(String id, String action, Map<String, Object> req) {
        synchronized (this) {
            runningId = id;
            try {
                runningTarget = target(action, req);
            } catch (RuntimeException e) {
                runningTarget = ""; // a bad path: the job fails with its message below
            }
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("id", id);
        r.put("action", action);
        try {
            OtaJob job;
            switch (action) {
            case "list" -> {
                StringBuilder b = new StringBuilder();
                for (PackageInfo p : updater.list()) {
                    b.append(b.length() == 0 ? "" : ",").append(p.name()).append('@').append(p.version());
                }
                r.put("state", "done");
                r.put("packages", b.toString());
                return r;
            }
            case "rollback" -> job = updater.rollback(required(req, "name"));
            case "uninstall" -> job = updater.uninstall(required(req, "name"));
            default -> {
                String url = str(req, "url");
                String file = str(req, "file");
                if (url.isEmpty() == file.isEmpty()) {
                    throw new IllegalArgumentException("install needs exactly one of \"url\" or \"file\"");
                }
                Object size = req.get("size");
                job = url.isEmpty() ? updater.install(Path.of(file))
                        : updater.install(URI.create(url), str(req, "sha256"),
                                size instanceof Long l ? l : -1);
            }
            }
            r.put("state", "done");
            r.put("outcome", job.outcome().name());
            r.put("package", job.packageName());
            r.put("from", job.fromVersion());
            r.put("to", job.toVersion());
            r.put("reason", job.reason() == null ? null : job.reason().code());
            r.put("message", job.message());
            r.put("job", job.id());
        } catch (OtaException e) {
            r.put("state", "failed");
            r.put("reason", e.reason().code());
            r.put("message", e.explain());
        } catch (IllegalArgumentException e) {
            r.put("state", "failed");
            r.put("reason", "ota.request");
            r.put("message", e.getMessage());
        } catch (RuntimeException e) {
            r.put("state", "failed");
            r.put("reason", "ota.internal");
            r.put("message", e.toString());
        }
        return r;
    }

    private void finish(String id, Map<String, Object> result) {
        synchronized (this) {
            jobs.put(id, result);
            runningId = null;
            runningTarget = null;
        }
        respond.accept(id, result);
    }

    private static Map<String, Object> error(String id, String message) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("id", id);
        r.put("state", "failed");
        r.put("reason", "ota.request");
        r.put("message", message);
        return r;
    }

    private static String str(Map<String, Object> m, String key) {
        Object v = m.get(key);
        return v == null ? "" : v.toString().trim();
    }

    private static String required(Map<String, Object> m, String key) {
        String v = str(m, key);
        if (v.isEmpty()) {
            throw new IllegalArgumentException("\"" + key + "\" is required");
        }
        return v;
    }
}
