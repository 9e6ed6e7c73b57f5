package io.uplink.web;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.uplink.credentials.CredentialException;
import io.uplink.credentials.CredentialPart;
import io.uplink.credentials.CredentialStore;
import io.uplink.credentials.PemStyle;
import io.uplink.modem.Modem;
import io.uplink.modem.ModemCredentials;
import io.uplink.modem.ModemException;
import io.uplink.modem.ModemTls;
import io.uplink.modem.ProvisioningReport;

/**
 * One provisioning of a stored alias into an attached modem at a time, run on its own thread because it lasts as long
 * as the transfer over the serial line (minutes at 9600 baud); the page polls its state. What the alias holds is
 * stored: its CA certificates, and its client certificate with the key when it has one.
 *
 * <p>Thread-safe: the state is guarded by this object.
 */
final class ModemProvisioning {

    private String modemPid = "";
    private String alias = "";
    private boolean running;
    private final List<String> progress = new ArrayList<>();
    private Map<String, Object> result;
    private Thread worker;

    /** Starts a provisioning; false when one is running already. */
    synchronized boolean start(String pid, Modem modem, CredentialStore store, String alias) {
        if (running) {
            return false;
        }
        this.modemPid = pid;
        this.alias = alias;
        this.running = true;
        this.progress.clear();
        this.result = null;
        worker = new Thread(() -> run(modem, store, alias), "uplink-web-provision");
        worker.setDaemon(true);
        worker.start();
        return true;
    }

    private void run(Modem modem, CredentialStore store, String alias) {
        Map<String, Object> r = new LinkedHashMap<>();
        try {
            ModemTls tls = modem.tls().orElseThrow(() -> new ModemException("The " + modem.identity() + " has no TLS "
                    + "of its own that Uplink can provision.", "", "", "Use host TLS (tls.mode=host)."));
            ModemCredentials credentials = credentials(store, alias, tls.pemStyle());
            ProvisioningReport report = tls.provision(credentials, (kind, done, total, what) -> note(kind.name()
                    .toLowerCase().replace('_', ' ') + ": " + what + " (" + done + "/" + total + " bytes)"));
            r.put("ok", true);
            r.put("set", report.name());
            r.put("unchanged", report.unchanged());
            r.put("bytes_sent", report.bytesSent());
            List<Object> items = new ArrayList<>();
            for (ProvisioningReport.Item i : report.items()) {
                items.add(i.kind().name().toLowerCase() + " -> " + i.location() + " (" + i.bytes() + " bytes): "
                        + i.outcome().name().toLowerCase() + "; " + i.verification());
            }
            r.put("items", items);
        } catch (ModemException e) {
            r.put("ok", false);
            r.put("error", e.getMessage());
            r.put("fix", e.fix());
        } catch (CredentialException | IllegalArgumentException e) {
            r.put("ok", false);
            r.put("error", String.valueOf(e.getMessage()));
            r.put("fix", "Check the alias (Credentials above); it must hold CA certificates or a client certificate "
                    + "with its key.");
        } catch (RuntimeException e) {
            r.put("ok", false);
            r.put("error", "Provisioning failed: " + e);
            r.put("fix", "See the gateway's log.");
        }
        finish(r);
    }

    static ModemCredentials credentials(CredentialStore store, String alias, PemStyle style)
            throws CredentialException {
        byte[] ca = store.exportPem(alias, CredentialPart.TRUST_ANCHORS, style);
        String set = ModemCredentials.nameFor(alias);
        if (store.clientIdentity(alias).isPresent()) {
            return ModemCredentials.identity(set, ca.length == 0 ? null : ca,
                    store.exportPem(alias, CredentialPart.CLIENT_CERTIFICATE, style),
                    store.exportPem(alias, CredentialPart.PRIVATE_KEY, style));
        }
        if (ca.length == 0) {
            throw new IllegalArgumentException("'" + alias + "' holds neither CA certificates nor a client "
                    + "certificate with its key");
        }
        return ModemCredentials.trust(set, ca);
    }

    private synchronized void note(String line) {
        if (progress.size() < 200) {
            progress.add(line);
        }
    }

    private synchronized void finish(Map<String, Object> r) {
        result = r;
        running = false;
    }

    synchronized Map<String, Object> state() {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("running", running);
        j.put("modem", modemPid);
        j.put("alias", alias);
        j.put("progress", List.copyOf(progress));
        j.put("result", result == null ? Map.of() : result);
        return j;
    }

    /** Waits for a running provisioning to end (bundle stop). */
    void awaitEnd(long millis) throws InterruptedException {
        Thread t;
        synchronized (this) {
            t = worker;
        }
        if (t != null) {
            t.join(millis);
        }
    }
}
