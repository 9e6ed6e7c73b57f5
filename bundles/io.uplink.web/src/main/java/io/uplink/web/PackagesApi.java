package io.uplink.web;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import io.uplink.ota.OtaJob;
import io.uplink.ota.PackageInfo;
import io.uplink.ota.PackageUpdater;

/**
 * The Packages section's endpoints, also used by {@code bin/uplink ota install/list/rollback}: {@code GET
 * ota/packages.json} (installed packages, the last job, the running one), {@code POST ota/upload} (the package file
 * as the body), {@code POST ota/install-url.json} ({@code url}, {@code sha256}, {@code size}), {@code POST
 * ota/rollback.json} ({@code name}), each answered 202 with a job id, and {@code GET ota/job.json?id=} (state and
 * progress). They sit behind the console's login and its cross-site guard like every page of the plugin; POSTs
 * carry {@code X-Uplink: 1}, which the plugin checks before calling here.
 */
final class PackagesApi {

    /** Largest upload, as the OTA service's default {@code download.max.mib}. */
    static final long MAX_PACKAGE = 256L * 1024 * 1024;
    private static final int MAX_NAME = 200;

    private final Supplier<PackageUpdater> updater;
    private final Path uploads;
    private final PackageJobs jobs = new PackageJobs();

    PackagesApi(Supplier<PackageUpdater> updater, Path uploads) {
        this.updater = updater;
        this.uploads = uploads;
        removeLeftovers(uploads);
    }

    /** Uploads of a job that a restart (or an update of this bundle) cut short: nobody will install them now. */
    static void removeLeftovers(Path uploads) {
        if (!java.nio.file.Files.isDirectory(uploads)) {
            return;
        }
        try (java.nio.file.DirectoryStream<Path> files = java.nio.file.Files.newDirectoryStream(uploads, "*.dp")) {
            for (Path f : files) {
                java.nio.file.Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            org.slf4j.LoggerFactory.getLogger(PackagesApi.class).warn("Cannot remove old uploads in {}: {}", uploads,
                    e.toString());
        }
    }

    /** @return whether the path was one of ours */
    boolean get(String path, HttpServletRequest req, HttpServletResponse res) throws IOException {
        switch (path) {
        case "ota/packages.json" -> UplinkConsolePlugin.json(res, 200, packages());
        case "ota/job.json" -> {
            String id = String.valueOf(req.getParameter("id"));
            Optional<Map<String, Object>> s = jobs.state(id);
            if (s.isPresent()) {
                UplinkConsolePlugin.json(res, 200, s.get());
            } else {
                UplinkConsolePlugin.json(res, 404, Map.of("error", "no job '" + id + "' here (the gateway keeps "
                        + "the last 20 jobs started from the web, until it restarts)"));
            }
        }
        default -> {
            return false;
        }
        }
        return true;
    }

    /** The upload reads the raw body, so the plugin calls this before it reads a form. */
    void upload(HttpServletRequest req, HttpServletResponse res) throws IOException {
        PackageUpdater u = updater.get();
        if (u == null) {
            unavailable(res);
            return;
        }
        String type = req.getContentType() == null ? "" : req.getContentType().toLowerCase(Locale.ROOT);
        if (!type.startsWith("application/octet-stream")) {
            UplinkConsolePlugin.json(res, 415, Map.of("error", "send the package file itself as the body, with "
                    + "Content-Type: application/octet-stream (got '" + type + "')"));
            return;
        }
        String shown = displayName(req.getParameter("file"));
        Path file;
        try {
            file = PackageUpload.receive(req.getContentLengthLong(), req.getInputStream(), uploads,
                    UUID.randomUUID() + ".dp", MAX_PACKAGE);
        } catch (PackageUpload.Refused e) {
            UplinkConsolePlugin.json(res, e.status(), Map.of("error", e.getMessage()));
            return;
        }
        // The OTA service copies the file into its own storage before checking it; ours is deleted at the end.
        started(res, jobs.start(u, "install", shown, x -> x.install(file), file), file);
    }

    /** @return whether the path was one of ours */
    boolean post(String path, Map<String, String> form, HttpServletResponse res) throws IOException {
        if (!path.equals("ota/install-url.json") && !path.equals("ota/rollback.json")) {
            return false;
        }
        PackageUpdater u = updater.get();
        if (u == null) {
            unavailable(res);
            return true;
        }
        if (path.equals("ota/rollback.json")) {
            String name = form.getOrDefault("name", "").trim();
            if (name.isEmpty()) {
                UplinkConsolePlugin.json(res, 400, Map.of("error", "give the name of the package to roll back "
                        + "(see the Packages list)"));
                return true;
            }
            started(res, jobs.start(u, "rollback", name, x -> x.rollback(name), null), null);
            return true;
        }
        URI url;
        String sha256 = form.getOrDefault("sha256", "").trim();
        long size;
        try {
            url = new URI(form.getOrDefault("url", "").trim());
            String s = form.getOrDefault("size", "").trim();
            size = s.isEmpty() ? -1 : Long.parseLong(s);
        } catch (URISyntaxException | NumberFormatException e) {
            UplinkConsolePlugin.json(res, 400, Map.of("error", "give an http(s) URL and, optionally, the SHA-256 "
                    + "(64 hex digits) and the size in bytes: " + e.getMessage()));
            return true;
        }
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http") || url.getHost() == null) {
            UplinkConsolePlugin.json(res, 400, Map.of("error", "'" + url + "' is not an http(s) URL with a host"));
            return true;
        }
        if (!sha256.isEmpty() && !sha256.matches("[0-9a-fA-F]{64}")) {
            UplinkConsolePlugin.json(res, 400, Map.of("error", "'" + sha256 + "' is not a SHA-256 (64 hex digits)"));
            return true;
        }
        started(res, jobs.start(u, "install", url.toString(), x -> x.install(url, sha256, size), null), null);
        return true;
    }

    private void started(HttpServletResponse res, Optional<String> id, Path upload) throws IOException {
        if (id.isEmpty()) {
            if (upload != null) {
                java.nio.file.Files.deleteIfExists(upload);
            }
            UplinkConsolePlugin.json(res, 409, Map.of("error", "an update started from the web is running; wait "
                    + "for it to end"));
            return;
        }
        UplinkConsolePlugin.json(res, 202, jobs.state(id.get()).orElseThrow());
    }

    private Map<String, Object> packages() {
        Map<String, Object> j = new LinkedHashMap<>();
        PackageUpdater u = updater.get();
        j.put("available", u != null);
        j.put("max_upload", MAX_PACKAGE);
        List<Object> ps = new ArrayList<>();
        if (u != null) {
            for (PackageInfo p : u.list()) {
                Map<String, Object> pj = new LinkedHashMap<>();
                pj.put("name", p.name());
                pj.put("version", p.version());
                pj.put("signer", p.signer());
                pj.put("previous", p.previousVersion());
                pj.put("bundles", p.bundles());
                ps.add(pj);
            }
            j.put("last_job", u.lastJob().map(PackagesApi::job).orElse(null));
            j.put("running", u.progress().map(PackageJobs::progress).orElse(null));
        } else {
            j.put("problem", "the OTA service is not running: start the io.uplink.ota bundle (it needs "
                    + "DeploymentAdmin and the credential store)");
        }
        j.put("packages", ps);
        j.put("web_job", jobs.newest().flatMap(jobs::state).orElse(null));
        return j;
    }

    static Map<String, Object> job(OtaJob job) {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("id", job.id());
        j.put("action", job.action());
        j.put("package", job.packageName());
        j.put("from", job.fromVersion());
        j.put("to", job.toVersion());
        j.put("outcome", job.outcome().name());
        j.put("reason", job.reason() == null ? null : job.reason().code());
        j.put("message", job.message());
        j.put("finished", job.finished().toString());
        return j;
    }

    /** A file name to show: printable, short; never used as a path. */
    static String displayName(String name) {
        if (name == null || name.isBlank()) {
            return "uploaded package";
        }
        String n = name.replaceAll("[^A-Za-z0-9._ -]", "_").trim();
        return n.length() > MAX_NAME ? n.substring(0, MAX_NAME) : n;
    }

    private static void unavailable(HttpServletResponse res) throws IOException {
        UplinkConsolePlugin.json(res, 503, Map.of("error", "the OTA service is not running: start the io.uplink.ota "
                + "bundle (it needs DeploymentAdmin and the credential store)"));
    }

    void stop(long millis) throws InterruptedException {
        jobs.stop(millis);
    }
}
