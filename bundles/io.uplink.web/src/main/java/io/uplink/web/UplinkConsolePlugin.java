package io.uplink.web;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

import io.uplink.cloud.CloudConnection;
import io.uplink.credentials.CredentialException;
import io.uplink.credentials.CredentialStore;
import io.uplink.credentials.Problem;
import io.uplink.credentials.ValidationContext;
import io.uplink.credentials.ValidationReport;
import io.uplink.diagnostics.ConnectionDoctor;
import io.uplink.diagnostics.Diagnosis;
import io.uplink.diagnostics.DiagnosisRequest;
import io.uplink.diagnostics.Finding;
import io.uplink.modem.Modem;
import io.uplink.ota.PackageUpdater;

/**
 * The Uplink page of the Web Console (so its users and its login protect it): status of modems and connections, the
 * doctor, and credential checking and import, with JSON endpoints behind them ({@code status.json},
 * {@code history.json} (the dashboard's last day, kept in {@code <uplink.data>/web/history}),
 * {@code doctor.json}, {@code credentials/check.json}, {@code credentials/import.json}, the packages' {@code ota/...}
 * of {@link PackagesApi}). POSTs must carry the header
 * {@code X-Uplink: 1}, which a cross-site form cannot set.
 */
@Component(service = Servlet.class, configurationPolicy = ConfigurationPolicy.IGNORE, property = {
    "felix.webconsole.label=" + UplinkConsolePlugin.LABEL, "felix.webconsole.title=Uplink",
    "felix.webconsole.category=Uplink" })
public final class UplinkConsolePlugin extends HttpServlet {

    static final String LABEL = "uplink";
    private static final long serialVersionUID = 1L;
    /** Certificate text accepted; the form is read by {@link FormBody}, never by Jetty's parser and its limit. */
    private static final int MAX_UPLOAD = 128 * 1024;
    /** The whole form: the certificate text, percent-encoded (up to 3 bytes a character), and the other fields. */
    private static final int MAX_FORM = 3 * MAX_UPLOAD + 4096;

    private record Tracked<T>(T service, Map<String, Object> properties) {
    }

    private final transient List<Tracked<Modem>> modems = new CopyOnWriteArrayList<>();
    private final transient List<CloudConnection> connections = new CopyOnWriteArrayList<>();
    private transient volatile ConnectionDoctor doctor;
    private transient volatile CredentialStore credentials;
    private final transient ModemProvisioning provisioning = new ModemProvisioning();
    private final transient LinkHistory history = new LinkHistory();
    private final transient HistorySampler sampler;
    private transient volatile PackageUpdater updater;
    private final transient PackagesApi packages;

    @Activate
    public UplinkConsolePlugin(BundleContext context) {
        String data = context.getProperty("uplink.data");
        // Our distribution keeps state under uplink.data; elsewhere (Kura) the bundle's own data area.
        Path file = data != null && !data.isBlank() ? Path.of(data, "web", "history")
                : context.getDataFile("web-history").toPath();
        sampler = new HistorySampler(history, new HistoryFile(file), () -> connections,
                () -> modems.stream().map(t -> new HistorySampler.TrackedModem(String.valueOf(t.properties()
                        .get(Modem.PID)), t.service())).toList(), System::currentTimeMillis);
        sampler.start();
        packages = new PackagesApi(() -> updater, data != null && !data.isBlank() ? Path.of(data, "web", "ota-upload")
                : context.getDataFile("ota-upload").toPath());
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse res) throws IOException {
        String path = route(req);
        if (path.equals("status.json")) {
            json(res, 200, status());
        } else if (path.startsWith("static/")) {
            staticFile(path.substring("static/".length()), res);
        } else if (path.equals("history.json")) {
            json(res, 200, history.snapshot(System.currentTimeMillis()));
        } else if (path.equals("doctor.pcap")) {
            ConnectionDoctor d = doctor;
            byte[] pcap = d == null ? new byte[0] : d.lastCapture();
            if (pcap.length == 0) {
                json(res, 404, Map.of("error", "no capture: run the doctor against an mqtts:// endpoint first"));
                return;
            }
            res.setContentType("application/vnd.tcpdump.pcap");
            res.setHeader("Content-Disposition", "attachment; filename=\"uplink-doctor.pcap\"");
            res.setHeader("Cache-Control", "no-store");
            res.getOutputStream().write(pcap);
        } else if (path.equals("modem/provision.json")) {
            json(res, 200, provisioning.state());
        } else if (packages.get(path, req, res)) {
            return;
        } else if (path.isEmpty() || path.equals(LABEL)) {
            res.setContentType("text/html;charset=UTF-8");
            try (InputStream in = UplinkConsolePlugin.class.getResourceAsStream("page.html")) {
                res.getWriter().write(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        } else {
            json(res, 404, Map.of("error", "no page '" + path + "' here"));
        }
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse res) throws IOException {
        if (!"1".equals(req.getHeader("X-Uplink"))) {
            json(res, 403, Map.of("error", "POST requests need the header X-Uplink: 1 (the page sends it; a form "
                    + "on another site cannot)"));
            return;
        }
        if (route(req).equals("ota/upload")) {
            packages.upload(req, res);
            return;
        }
        Map<String, String> form;
        try {
            form = FormBody.read(req.getContentLengthLong(), req.getInputStream(), MAX_FORM);
        } catch (FormBody.TooLarge e) {
            json(res, 413, Map.of("error", tooLarge(e.length())));
            return;
        }
        String path = route(req);
        switch (path) {
        case "doctor.json" -> doctor(form, res);
        case "credentials/check.json" -> credentials(form, res, false);
        case "credentials/import.json" -> credentials(form, res, true);
        case "modem/provision.json" -> provision(form, res);
        default -> {
            if (!packages.post(path, form, res)) {
                json(res, 404, Map.of("error", "no endpoint '" + path + "' here"));
            }
        }
        }
    }

    /** The charting library shipped inside the bundle (uPlot, MIT licence): the only files served from it. */
    private static final Map<String, String> STATIC = Map.of("uPlot.iife.min.js", "dist/uPlot.iife.min.js;"
            + "text/javascript", "uPlot.min.css", "dist/uPlot.min.css;text/css", "uPlot-LICENSE", "LICENSE;text/plain");

    private static void staticFile(String name, HttpServletResponse res) throws IOException {
        String entry = STATIC.get(name);
        if (entry == null) {
            json(res, 404, Map.of("error", "no file '" + name + "' here"));
            return;
        }
        String version;
        try (InputStream v = UplinkConsolePlugin.class.getResourceAsStream("uplot.version")) {
            version = v == null ? "" : new String(v.readAllBytes(), StandardCharsets.US_ASCII).trim();
        }
        String[] pathAndType = entry.split(";");
        try (InputStream in = UplinkConsolePlugin.class.getResourceAsStream("/META-INF/resources/webjars/uplot/"
                + version + "/" + pathAndType[0])) {
            if (in == null) {
                json(res, 404, Map.of("error", "'" + name + "' is missing from this build of io.uplink.web"));
                return;
            }
            res.setContentType(pathAndType[1] + ";charset=UTF-8");
            res.setHeader("Cache-Control", "max-age=3600"); // pinned with the bundle; an update shows within the hour
            in.transferTo(res.getOutputStream());
        }
    }

    /** The path below the plugin's label, whatever the console put into servlet path and path info. */
    private static String route(HttpServletRequest req) {
        String uri = req.getRequestURI();
        String marker = "/" + LABEL + "/";
        int at = uri.lastIndexOf(marker); // the console's own root may contain the word too
        if (at >= 0) {
            return uri.substring(at + marker.length());
        }
        return uri.endsWith("/" + LABEL) ? "" : uri.substring(uri.lastIndexOf('/') + 1);
    }

    private Map<String, Object> status() {
        List<Object> ms = new ArrayList<>();
        for (Tracked<Modem> t : modems) {
            Modem m = t.service();
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("pid", String.valueOf(t.properties().get(Modem.PID)));
            try {
                j.put("model", m.identity().manufacturer() + " " + m.identity().model());
                j.put("revision", m.identity().revision());
                j.put("dialect", m.dialectFamily());
                j.put("registration", m.registration().name());
                j.put("transport", m.transport().describe());
            } catch (RuntimeException e) {
                j.put("error", String.valueOf(e.getMessage()));
            }
            ms.add(j);
        }
        List<Object> cs = new ArrayList<>();
        for (CloudConnection c : connections) {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("endpoint", c.endpointId());
            j.put("profile", c.profile().id());
            j.put("state", c.state().name());
            j.put("queued", c.queuedMessages());
            c.queueStatus().ifPresent(q -> {
                Map<String, Object> qj = new LinkedHashMap<>();
                qj.put("durability", q.durability());
                qj.put("accepted", q.accepted());
                qj.put("syncs", q.syncs());
                qj.put("writes", q.writes());
                qj.put("syncs_per_message", Math.round(q.syncsPerMessage() * 1000) / 1000.0);
                qj.put("bytes_written", q.bytesWritten());
                qj.put("bytes_written_per_message", Math.round(q.bytesWrittenPerMessage() * 10) / 10.0);
                qj.put("damage", q.damage());
                j.put("queue", qj);
            });
            c.traffic().ifPresent(t -> {
                Map<String, Object> tj = new LinkedHashMap<>();
                tj.put("bytes_sent", t.bytesSent());
                tj.put("bytes_received", t.bytesReceived());
                tj.put("measured_on", t.measuredOn());
                j.put("traffic", tj);
            });
            j.put("path", c.path());
            j.put("problem", c.lastProblem());
            cs.add(j);
        }
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("modems", ms);
        all.put("connections", cs);
        all.put("doctor", doctor != null);
        CredentialStore store = credentials;
        String storeProblem = store == null ? "the credential store is not running: start io.uplink.credentials"
                : store.problem();
        all.put("credentials", store != null && storeProblem.isEmpty()); // usable, not merely running
        all.put("credentials_problem", storeProblem);
        return all;
    }

    private void doctor(Map<String, String> req, HttpServletResponse res) throws IOException {
        ConnectionDoctor d = doctor;
        if (d == null) {
            json(res, 503, Map.of("error", "the doctor is not running: start the io.uplink.doctor bundle"));
            return;
        }
        String endpoint = param(req, "endpoint");
        Map<String, String> options = new LinkedHashMap<>();
        for (String name : List.of("sni", "alpn", "client.id", "profile", "username", "topic", "ca.alias",
                "identity.alias")) {
            String v = param(req, name);
            if (!v.isEmpty()) {
                options.put(name, v);
            }
        }
        try {
            Diagnosis diagnosis = d.diagnose(new DiagnosisRequest(endpoint, param(req, "modem"), options),
                    f -> { });
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("verdict", finding(diagnosis.verdict()));
            List<Object> fs = new ArrayList<>();
            diagnosis.findings().forEach(f -> fs.add(finding(f)));
            j.put("findings", fs);
            json(res, 200, j);
        } catch (IllegalArgumentException | IllegalStateException e) {
            json(res, 400, Map.of("error", String.valueOf(e.getMessage())));
        }
    }

    private static Map<String, Object> finding(Finding f) {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("layer", f.layer().name().toLowerCase(Locale.ROOT));
        j.put("status", f.status().name().toLowerCase(Locale.ROOT));
        j.put("cause", f.cause());
        j.put("summary", f.summary());
        j.put("fix", f.fix());
        j.put("evidence", f.evidence());
        return j;
    }

    private void credentials(Map<String, String> req, HttpServletResponse res, boolean store) throws IOException {
        CredentialStore s = credentials;
        if (s == null) {
            json(res, 503, Map.of("error", "the credential store is not running: start io.uplink.credentials"));
            return;
        }
        String content = param(req, "content");
        if (content.isBlank()) {
            json(res, 400, Map.of("error", "paste or choose the certificate and key (PEM text)"));
            return;
        }
        if (content.length() > MAX_UPLOAD) {
            json(res, 413, Map.of("error", tooLarge(content.length())));
            return;
        }
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        String passphrase = param(req, "passphrase");
        char[] pass = passphrase.isEmpty() ? null : passphrase.toCharArray();
        try {
            ValidationReport r;
            if (store) {
                String alias = param(req, "alias");
                if (alias.isBlank()) {
                    json(res, 400, Map.of("error", "give an alias to store the credential under"));
                    return;
                }
                r = s.importCredential(alias, bytes, pass);
            } else {
                r = s.inspect(List.of(bytes), pass, ValidationContext.atPresent());
            }
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("stored", store);
            j.put("usable", r.isUsable());
            j.put("contents", r.contents());
            j.put("problems", problems(r.problems()));
            json(res, 200, j);
        } catch (CredentialException e) {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("stored", false);
            j.put("refused", String.valueOf(e.getMessage()));
            j.put("problems", problems(e.problems()));
            json(res, 422, j);
        }
    }

    static String tooLarge(long bytes) {
        return "The request holds " + bytes / 1024 + " KiB or more; this page accepts " + MAX_UPLOAD / 1024
                + " KiB of certificate text. A certificate with its key and CA is a few KiB: check that you chose the "
                + "certificate and key files, not an archive or a log.";
    }

    /** Starts storing an alias in an attached modem's own TLS; the page polls {@code modem/provision.json}. */
    private void provision(Map<String, String> form, HttpServletResponse res) throws IOException {
        CredentialStore s = credentials;
        if (s == null) {
            json(res, 503, Map.of("error", "the credential store is not running: start io.uplink.credentials"));
            return;
        }
        String pid = param(form, "modem");
        String alias = param(form, "alias");
        Tracked<Modem> modem = modems.stream().filter(t -> pid.equals(String.valueOf(t.properties().get(Modem.PID))))
                .findFirst().orElse(null);
        if (modem == null || alias.isEmpty()) {
            json(res, 400, Map.of("error", modem == null ? "no attached modem with configuration '" + pid + "' (see "
                    + "Modems above)" : "give the alias to store in the modem"));
            return;
        }
        if (!provisioning.start(pid, modem.service(), s, alias)) {
            json(res, 409, Map.of("error", "a provisioning is running already; wait for it to end"));
            return;
        }
        json(res, 202, provisioning.state());
    }

    private static List<Object> problems(List<Problem> problems) {
        List<Object> ps = new ArrayList<>();
        for (Problem p : problems) {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("code", p.code());
            j.put("severity", p.severity().name().toLowerCase(Locale.ROOT));
            j.put("cause", p.cause());
            j.put("fix", p.fix());
            ps.add(j);
        }
        return ps;
    }

    private static String param(Map<String, String> form, String name) {
        String v = form.get(name);
        return v == null ? "" : v.trim();
    }

    static void json(HttpServletResponse res, int status, Object body) throws IOException {
        res.setStatus(status);
        res.setContentType("application/json;charset=UTF-8");
        res.setHeader("Cache-Control", "no-store");
        res.getWriter().write(JsonText.write(body));
    }

    /** The history is written once more; a provisioning underway ends with the modem's answer; no thread outlives us. */
    @Deactivate
    void deactivate() throws InterruptedException {
        sampler.stop();
        provisioning.awaitEnd(30_000);
        packages.stop(30_000);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addModem(Modem m, Map<String, Object> properties) {
        modems.add(new Tracked<>(m, properties));
    }

    void removeModem(Modem m) {
        modems.removeIf(t -> t.service() == m);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addConnection(CloudConnection c) {
        connections.add(c);
    }

    void removeConnection(CloudConnection c) {
        connections.remove(c);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void setDoctor(ConnectionDoctor d) {
        doctor = d;
    }

    void unsetDoctor(ConnectionDoctor d) {
        if (doctor == d) {
            doctor = null;
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void setUpdater(PackageUpdater u) {
        updater = u;
    }

    void unsetUpdater(PackageUpdater u) {
        if (updater == u) {
            updater = null;
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void setCredentials(CredentialStore s) {
        credentials = s;
    }

    void unsetCredentials(CredentialStore s) {
        if (credentials == s) {
            credentials = null;
        }
    }
}
